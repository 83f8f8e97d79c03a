import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../model/kube.js';
import { deepFreeze } from './clone.js';
import { manifestYamlWriter, toManifestYaml, toYaml } from './manifest-yaml.js';

/** What every YAML reader must get back: the value itself, except that -0 is written as 0. */
function normalized(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(normalized);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalized(v)]));
  }
  return value;
}

function readBack(text: string, version: '1.1' | '1.2'): unknown {
  return parse(text, { version, uniqueKeys: true, maxAliasCount: 0 });
}

describe('toManifestYaml layout', () => {
  const obj: KubeObject = {
    spec: { b: 1, a: [{ z: 'x', y: ['p', 'q'] }, [1, 2], [], {}] },
    metadata: { name: 'web', labels: { 'b/x': '1', a: 'on' } },
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    data: { 'config.yaml': 'a: 1\nb: 2\n' },
  };

  it('puts apiVersion, kind, metadata first, the rest in code-point order, sequences unindented', () => {
    expect(toManifestYaml(obj)).toBe(
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  labels:',
        '    a: "on"',
        '    b/x: "1"',
        '  name: web',
        'data:',
        '  config.yaml: |',
        '    a: 1',
        '    b: 2',
        'spec:',
        '  a:',
        '  - "y":',
        '    - p',
        '    - q',
        '    z: x',
        '  - - 1',
        '    - 2',
        '  - []',
        '  - {}',
        '  b: 1',
        '',
      ].join('\n'),
    );
  });

  it('does not depend on key insertion order', () => {
    const shuffled = JSON.parse(JSON.stringify({ data: obj.data, apiVersion: obj.apiVersion, spec: obj.spec, kind: obj.kind, metadata: obj.metadata })) as KubeObject;
    expect(toManifestYaml(shuffled)).toBe(toManifestYaml(obj));
  });

  it('never folds long lines', () => {
    const long = 'word '.repeat(100).trim();
    expect(toManifestYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { long } })).toContain(`long: ${long}\n`);
  });
});

describe('scalars YAML 1.1 would misread', () => {
  it.each([
    ['yes'], ['no'], ['on'], ['off'], ['y'], ['n'], ['Y'], ['NO'], ['true'], ['False'], ['null'], ['~'], [''],
    ['0755'], ['0x1F'], ['1_000'], ['1:20'], ['1e5'], ['.5'], ['+1'], ['-1'], ['2001-12-14'], ['2001-12-14 21:59:43.10 -5'],
    ['.inf'], ['-.Inf'], ['.NaN'], ['='], ['<<'], ['1.2.3'], ['- item'], ['key: value'], ['# comment'], ['trailing '], [' leading'],
    ['a #b'], ['*alias'], ['&anchor'], ['!tag'], ['@at'], ['`tick'], ['%dir'], ['{a}'], ['[a]'], ['"q"'], ["'q'"], ['?x'], ['---'], ['...'],
  ])('%j is quoted and reads back as the same string', (s) => {
    const text = toYaml({ v: s });
    expect(text).toMatch(/^v: "/);
    expect(readBack(text, '1.1')).toEqual({ v: s });
    expect(readBack(text, '1.2')).toEqual({ v: s });
  });

  it.each([['100m'], ['128Mi'], ['nginx:1.25'], ['registry.example.com/team/app'], ['a b c'], ['x-y_z.w'], ['http://example.com/x']])(
    '%j stays plain',
    (s) => {
      expect(toYaml({ v: s })).toBe(`v: ${s}\n`);
    },
  );

  it('quotes keys that YAML 1.1 reads as booleans', () => {
    expect(toYaml({ y: 1, on: 2 })).toBe('"on": 2\n"y": 1\n');
  });

  it('writes floats so that YAML 1.1 reads them as floats', () => {
    expect(toYaml({ a: 1e21, b: 5e-7, c: 1.5, d: 3 })).toBe('a: 1.0e+21\nb: 5.0e-7\nc: 1.5\nd: 3\n');
    expect(readBack(toYaml({ a: 1e21, b: 5e-7 }), '1.1')).toEqual({ a: 1e21, b: 5e-7 });
  });
});

describe('multi-line strings', () => {
  it.each([
    ['one trailing newline', 'a\nb\n', '|'],
    ['no trailing newline', 'a\nb', '|-'],
    ['several trailing newlines', 'a\nb\n\n\n', '|+'],
    ['leading empty line', '\na', '|-'],
    ['inner blank and indented lines', 'a\n\n  b\n\tc', '|-'],
  ])('%s: literal block %s', (_name, s, header) => {
    const text = toYaml({ k: s, z: 1 });
    expect(text.startsWith(`k: ${header}\n`)).toBe(true);
    expect(readBack(text, '1.2')).toEqual({ k: s, z: 1 });
    expect(readBack(text, '1.1')).toEqual({ k: s, z: 1 });
  });

  it.each([
    ['first line indented', '  a\nb'],
    ['carriage return', 'a\r\nb'],
    ['only newlines', '\n\n'],
    ['control character', 'a\u0007\nb'],
  ])('%s: double-quoted instead', (_name, s) => {
    const text = toYaml([s]);
    expect(text.startsWith('- "')).toBe(true);
    expect(readBack(text, '1.2')).toEqual([s]);
  });
});

describe('round trip (property)', () => {
  const key = fc.oneof(fc.string(), fc.constantFrom('on', 'y', '0755', '1:20', 'a: b', '- x', '#', 'app.kubernetes.io/name', '10', '9', '__x'));
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\t', ':', '-', '#', '0', '.', 'y', '\r', '\u0085', '"', "'", '\\'), maxLength: 12 }),
    fc.constantFrom('yes', 'No', '0o17', '0b101', '+.5', '1_0', '12:30:45', '2020-01-01T00:00:00Z', 'null', '~', '<<'),
  );
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      text,
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  it('any JSON value reads back unchanged under YAML 1.2 and 1.1', () => {
    fc.assert(
      fc.property(fc.dictionary(key, json, { maxKeys: 5 }), (value) => {
        const expected = normalized(value);
        const text = toYaml(value);
        expect(readBack(text, '1.2')).toEqual(expected);
        expect(readBack(text, '1.1')).toEqual(expected);
        expect(toYaml(value)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });

  it('writes the same text with a memo shared by documents whose frozen subtrees sit at other depths', () => {
    fc.assert(
      fc.property(fc.dictionary(key, json, { minKeys: 1, maxKeys: 4 }), (shared) => {
        const part = deepFreeze(structuredClone(shared));
        const documents = [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: part },
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', labels: {} }, spec: { list: [part, [part]], again: part } },
          deepFreeze({ apiVersion: 'v1', kind: 'ConfigMap', metadata: part, spec: [part] }),
        ] as KubeObject[];
        const write = manifestYamlWriter();
        for (const round of [1, 2]) {
          for (const d of documents) expect(write(d), `round ${round}`).toBe(toManifestYaml(d));
        }
        // The top level of a manifest orders apiVersion, kind, metadata first; nested, the same object is sorted.
        const root = documents[2]!;
        expect(write({ apiVersion: 'v1', kind: 'List', metadata: { name: 'l' }, items: [root] } as KubeObject)).toBe(
          toManifestYaml({ apiVersion: 'v1', kind: 'List', metadata: { name: 'l' }, items: [root] } as KubeObject),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('keys too long for an implicit key still read back', () => {
    const long = 'k'.repeat(1500);
    const value = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { [long]: 'yes', short: 'on' } };
    const text = toManifestYaml(value);
    expect(text.startsWith('apiVersion: v1\nkind: ConfigMap\nmetadata:\n')).toBe(true);
    expect(readBack(text, '1.1')).toEqual(value);
  });
});
