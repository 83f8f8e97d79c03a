import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { CommandArgsOverrider, LabelAnnotationOverrider, Overriders } from '../model/karmada.js';
import type { KubeObject } from '../model/kube.js';
import { OverrideFailure } from './override-failure.js';
import {
  applyAnnotationsOverrider,
  applyArgsOverrider,
  applyCommandOverrider,
  applyFieldOverrider,
  applyLabelsOverrider,
  applyOverriders,
  applyPlaintextOverriders,
} from './overriders.js';
import { configMap, deployment } from './testing.js';

function failureOf(fn: () => unknown): OverrideFailure {
  try {
    fn();
  } catch (err) {
    if (err instanceof OverrideFailure) return err;
    throw err;
  }
  throw new Error('expected an OverrideFailure');
}

function containersOf(obj: KubeObject): Record<string, unknown>[] {
  return (obj.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers;
}

const twoContainers = () =>
  deployment('web', {
    containers: [
      { name: 'app', image: 'app:1', command: ['/bin/app', '--x', '--y', '--x'] },
      { name: 'sidecar', image: 'side:1' },
    ],
  });

describe('commandOverrider / argsOverrider', () => {
  it.each<[string, CommandArgsOverrider, 'command' | 'args', unknown[]]>([
    ['add appends to the named container', { containerName: 'app', operator: 'add', value: ['--z'] }, 'command', [['/bin/app', '--x', '--y', '--x', '--z'], undefined]],
    ['remove drops every equal element', { containerName: 'app', operator: 'remove', value: ['--x'] }, 'command', [['/bin/app', '--y'], undefined]],
    ['add creates the list', { containerName: 'sidecar', operator: 'add', value: ['-v'] }, 'command', [['/bin/app', '--x', '--y', '--x'], ['-v']]],
    ['remove from an absent list leaves it absent', { containerName: 'sidecar', operator: 'remove', value: ['-v'] }, 'command', [['/bin/app', '--x', '--y', '--x'], undefined]],
    ['other containers are not touched', { containerName: 'nope', operator: 'add', value: ['-v'] }, 'command', [['/bin/app', '--x', '--y', '--x'], undefined]],
    ['args are a separate list', { containerName: 'sidecar', operator: 'add', value: ['--port', '80'] }, 'args', [undefined, ['--port', '80']]],
  ])('%s', (_name, overrider, list, expected) => {
    const input = twoContainers();
    const out = list === 'command' ? applyCommandOverrider(input, overrider) : applyArgsOverrider(input, overrider);
    expect(containersOf(out).map((c) => c[list])).toEqual(expected);
    expect(input).toEqual(twoContainers());
  });

  it('fails when the list is not a list', () => {
    const obj = deployment('web', { containers: [{ name: 'app', image: 'a:1', args: 'oops' }] });
    expect(failureOf(() => applyArgsOverrider(obj, { containerName: 'app', operator: 'add', value: ['x'] })).message).toMatch(/args is not a list/);
  });

  it('ignores kinds without a pod template', () => {
    const cm = configMap('c', { a: 'b' });
    expect(applyCommandOverrider(cm, { containerName: 'app', operator: 'add', value: ['x'] })).toEqual(cm);
  });
});

describe('labelsOverrider / annotationsOverrider', () => {
  const obj = (): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', labels: { a: '1', 'x.io/b': '2' } } });
  it.each<[string, LabelAnnotationOverrider, Record<string, string> | undefined]>([
    ['add sets and overwrites', { operator: 'add', value: { a: 'new', 'example.com/team': 'blue' } }, { a: 'new', 'x.io/b': '2', 'example.com/team': 'blue' }],
    ['replace only existing keys', { operator: 'replace', value: { 'x.io/b': '3', missing: 'v' } }, { a: '1', 'x.io/b': '3' }],
    ['remove only existing keys', { operator: 'remove', value: { a: '', missing: '' } }, { 'x.io/b': '2' }],
    ['keys with "~" and "/" are plain keys', { operator: 'add', value: { 'a~b/c': 'v' } }, { a: '1', 'x.io/b': '2', 'a~b/c': 'v' }],
  ])('labels: %s', (_name, overrider, labels) => {
    expect(applyLabelsOverrider(obj(), overrider).metadata.labels).toEqual(labels);
  });

  it('add creates the annotations map; replace and remove leave it absent', () => {
    expect(applyAnnotationsOverrider(obj(), { operator: 'add', value: { note: 'x' } }).metadata.annotations).toEqual({ note: 'x' });
    expect(applyAnnotationsOverrider(obj(), { operator: 'replace', value: { note: 'x' } }).metadata.annotations).toBeUndefined();
    expect(applyAnnotationsOverrider(obj(), { operator: 'remove', value: { note: 'x' } }).metadata.annotations).toBeUndefined();
  });

  it('labels of the pod template are not touched', () => {
    const d = applyLabelsOverrider(deployment('web'), { operator: 'add', value: { extra: 'x' } });
    expect(d.metadata.labels).toEqual({ app: 'web', extra: 'x' });
    expect((d.spec as { template: { metadata: { labels: unknown } } }).template.metadata.labels).toEqual({ app: 'web' });
  });

  it.each([
    ['an unknown operator', { operator: 'merge', value: { a: 'b' } }, /unsupported operator/],
    ['"__proto__" as a key', { operator: 'add', value: JSON.parse('{"__proto__": "x"}') as Record<string, string> }, /not a valid key/],
  ])('fails on %s', (_name, overrider, message) => {
    expect(failureOf(() => applyLabelsOverrider(obj(), overrider as LabelAnnotationOverrider)).message).toMatch(message);
  });
});

describe('fieldOverrider', () => {
  const cm = () =>
    configMap('settings', {
      'config.json': '{"db":{"host":"a","port":5432},"features":["x"]}',
      'config.yaml': '# comment\nserver:\n  port: 8080\n  enabled: yes\nlist:\n  - a\n',
    });

  it('patches a JSON document and writes it back compactly', () => {
    const out = applyFieldOverrider(cm(), {
      fieldPath: '/data/config.json',
      json: [
        { subPath: '/db/host', operator: 'replace', value: 'db.eu' },
        { subPath: '/features/-', operator: 'add', value: 'y' },
        { subPath: '/db/port', operator: 'remove' },
      ],
    });
    expect((out.data as Record<string, string>)['config.json']).toBe('{"db":{"host":"db.eu"},"features":["x","y"]}');
  });

  it('patches a YAML document and re-emits it with sorted keys (comments are lost)', () => {
    const out = applyFieldOverrider(cm(), { fieldPath: '/data/config.yaml', yaml: [{ subPath: '/server/port', operator: 'replace', value: 9090 }] });
    const text = (out.data as Record<string, string>)['config.yaml']!;
    expect(text).toBe('list:\n- a\nserver:\n  enabled: "yes"\n  port: 9090\n');
    expect(parse(text)).toEqual({ list: ['a'], server: { port: 9090, enabled: 'yes' } });
  });

  it('yaml operations win when both are given (as Karmada checks them first)', () => {
    const out = applyFieldOverrider(cm(), {
      fieldPath: '/data/config.yaml',
      yaml: [{ subPath: '/list/0', operator: 'replace', value: 'b' }],
      json: [{ subPath: '/nope', operator: 'remove' }],
    });
    expect(parse((out.data as Record<string, string>)['config.yaml']!)).toMatchObject({ list: ['b'] });
  });

  it.each([
    ['a missing field', { fieldPath: '/data/missing.json', json: [{ subPath: '/a', operator: 'remove' }] }, 'fieldOverrider.fieldPath', /\/data\/missing.json does not exist/],
    ['a non-string field', { fieldPath: '/data', json: [{ subPath: '/a', operator: 'remove' }] }, 'fieldOverrider.fieldPath', /is not a string/],
    ['invalid JSON', { fieldPath: '/data/config.yaml', json: [{ subPath: '/a', operator: 'remove' }] }, 'fieldOverrider.fieldPath', /not valid JSON/],
    ['a missing sub path', { fieldPath: '/data/config.json', json: [{ subPath: '/db/user', operator: 'replace', value: 'x' }] }, 'fieldOverrider.json[0]', /\/db\/user does not exist/],
    ['a bad YAML op', { fieldPath: '/data/config.yaml', yaml: [{ subPath: '/server/x/y', operator: 'add', value: 1 }] }, 'fieldOverrider.yaml[0]', /\/server\/x does not exist/],
  ])('fails on %s', (_name, overrider, field, message) => {
    const failure = failureOf(() => applyFieldOverrider(cm(), overrider as never));
    expect(failure.field).toBe(field);
    expect(failure.message).toMatch(message);
  });
});

describe('plaintext', () => {
  it('applies all operations as one patch and fails as a whole', () => {
    const d = deployment('web', { replicas: 1 });
    const ok = applyPlaintextOverriders(d, [
      { path: '/spec/replicas', operator: 'replace', value: 3 },
      { path: '/metadata/annotations', operator: 'add', value: { a: 'b' } },
    ]);
    expect(ok.spec).toMatchObject({ replicas: 3 });
    expect(ok.metadata.annotations).toEqual({ a: 'b' });
    const failure = failureOf(() =>
      applyPlaintextOverriders(d, [
        { path: '/spec/replicas', operator: 'replace', value: 3 },
        { path: '/spec/strategy/type', operator: 'replace', value: 'Recreate' },
      ]),
    );
    expect(failure.field).toBe('plaintext[1]');
    expect(d.spec).toMatchObject({ replicas: 1 });
  });
});

describe('one rule, fixed order', () => {
  it('image → command → args → labels → annotations → field → plaintext (plaintext sees what the others did)', () => {
    const d = deployment('web', { containers: [{ name: 'app', image: 'app:1' }] });
    const overriders: Overriders = {
      plaintext: [
        { path: '/metadata/labels/tier', operator: 'replace', value: 'from-plaintext' },
        { path: '/spec/template/spec/containers/0/command/0', operator: 'replace', value: 'patched' },
      ],
      labelsOverrider: [{ operator: 'add', value: { tier: 'from-labels' } }],
      commandOverrider: [{ containerName: 'app', operator: 'add', value: ['run'] }],
      imageOverrider: [{ component: 'Tag', operator: 'replace', value: 'v2' }],
    };
    const out = applyOverriders(d, overriders);
    expect(out.metadata.labels?.tier).toBe('from-plaintext');
    expect(containersOf(out)[0]).toEqual({ name: 'app', image: 'app:v2', command: ['patched'] });
  });
});
