import { describe, expect, it } from 'vitest';
import { locateField } from '../parse/locate-field.js';
import { loadTexts, positionOf, yamlLines } from '../testing.js';

function op(kind: 'OverridePolicy' | 'ClusterOverridePolicy', ...specLines: string[]): string {
  const meta = kind === 'OverridePolicy' ? ['  name: canary', '  namespace: shop'] : ['  name: mirror'];
  return yamlLines('apiVersion: policy.karmada.io/v1alpha1', `kind: ${kind}`, 'metadata:', ...meta, 'spec:', ...specLines.map((l) => `  ${l}`));
}

const rule = (...overriderLines: string[]) => ['overrideRules:', '  - targetCluster: {clusterNames: [member2]}', '    overriders:', ...overriderLines.map((l) => `      ${l}`)];

const INVALID: [string, string, string, string][] = [
  [
    'overrideRules with targetCluster',
    op('OverridePolicy', ...rule('plaintext: [{path: /data/a, operator: remove}]'), 'targetCluster: {clusterNames: [member1]}'),
    'spec.targetCluster: overrideRules and targetCluster are mutually exclusive (targetCluster is the deprecated form)',
    'targetCluster: {clusterNames: [member1]}',
  ],
  [
    'overrideRules with overriders',
    op('OverridePolicy', ...rule('plaintext: [{path: /data/a, operator: remove}]'), 'overriders:', '  labelsOverrider: [{operator: add, value: {a: b}}]'),
    'spec.overriders: overrideRules and overriders are mutually exclusive (overriders is the deprecated form)',
    'overriders:\n    labelsOverrider',
  ],
  [
    'a plaintext operator outside the enum',
    op('OverridePolicy', ...rule('plaintext: [{path: /data/a, operator: set, value: x}]')),
    'spec.overrideRules[0].overriders.plaintext[0].operator: expected add, remove or replace, got "set"',
    'set',
  ],
  [
    'a plaintext path that is not a JSON pointer',
    op('OverridePolicy', ...rule('plaintext: [{path: data/a, operator: remove}]')),
    'spec.overrideRules[0].overriders.plaintext[0].path: must be a JSON pointer starting with \'/\', got "data/a"',
    'data/a',
  ],
  [
    'a plaintext overrider without a path',
    op('OverridePolicy', ...rule('plaintext:', '  - operator: remove')),
    'spec.overrideRules[0].overriders.plaintext[0].path: is required',
    'operator: remove',
  ],
  [
    'an image component outside the enum',
    op('ClusterOverridePolicy', ...rule('imageOverrider: [{component: Digest, operator: replace, value: sha256:abc}]')),
    'spec.overrideRules[0].overriders.imageOverrider[0].component: expected Registry, Repository or Tag, got "Digest"',
    'Digest',
  ],
  [
    'an image predicate path that is not a JSON pointer',
    op('ClusterOverridePolicy', ...rule('imageOverrider: [{predicate: {path: spec.image}, component: Tag, operator: remove}]')),
    'spec.overrideRules[0].overriders.imageOverrider[0].predicate.path: must be a JSON pointer starting with \'/\', got "spec.image"',
    'spec.image',
  ],
  [
    'a field overrider with json and yaml',
    op('OverridePolicy', ...rule('fieldOverrider:', '  - fieldPath: /data/config.yaml', '    json: [{subPath: /a, operator: remove}]', '    yaml: [{subPath: /b, operator: remove}]')),
    'spec.overrideRules[0].overriders.fieldOverrider[0].yaml: json and yaml are mutually exclusive; set one of them',
    'yaml: [',
  ],
  [
    'a field overrider with neither json nor yaml',
    op('OverridePolicy', ...rule('fieldOverrider: [{fieldPath: /data/config.yaml}]')),
    'spec.overrideRules[0].overriders.fieldOverrider[0]: one of json or yaml must be set',
    '{fieldPath',
  ],
  [
    'a field overrider add without a value',
    op('OverridePolicy', ...rule('fieldOverrider: [{fieldPath: /data/c, yaml: [{subPath: /a, operator: add}]}]')),
    'spec.overrideRules[0].overriders.fieldOverrider[0].yaml[0].value: is required for operator add',
    '{subPath',
  ],
  [
    'a field overrider remove with a value',
    op('OverridePolicy', ...rule('fieldOverrider: [{fieldPath: /data/c, json: [{subPath: /a, operator: remove, value: 1}]}]')),
    'spec.overrideRules[0].overriders.fieldOverrider[0].json[0].value: must not be set for operator remove',
    '1}',
  ],
  [
    'a field overrider sub path that is not a JSON pointer',
    op('OverridePolicy', ...rule('fieldOverrider: [{fieldPath: /data/c, json: [{subPath: a, operator: remove}]}]')),
    'spec.overrideRules[0].overriders.fieldOverrider[0].json[0].subPath: must be a JSON pointer starting with \'/\', got "a"',
    'a, operator',
  ],
  [
    'a label overrider key that is not a label key',
    op('OverridePolicy', ...rule('labelsOverrider: [{operator: add, value: {"testannotation~projectId": x}}]')),
    'spec.overrideRules[0].overriders.labelsOverrider[0].value[testannotation~projectId]: key must be a qualified name ([prefix/]name; the name of letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit), got "testannotation~projectId"',
    '"testannotation',
  ],
  [
    'a label overrider value that is not a label value',
    op('OverridePolicy', ...rule('labelsOverrider: [{operator: add, value: {canary: "yes please"}}]')),
    'spec.overrideRules[0].overriders.labelsOverrider[0].value.canary: must be empty or letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, got "yes please"',
    '"yes please"',
  ],
  [
    'an annotation overrider key that is not a qualified name',
    op('OverridePolicy', ...rule('annotationsOverrider: [{operator: add, value: {"a b": x}}]')),
    'spec.overrideRules[0].overriders.annotationsOverrider[0].value[a b]: key must be a qualified name ([prefix/]name; the name of letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit), got "a b"',
    '"a b"',
  ],
  [
    'a command overrider without a container name',
    op('OverridePolicy', ...rule('commandOverrider: [{operator: add, value: [--debug]}]')),
    'spec.overrideRules[0].overriders.commandOverrider[0].containerName: is required',
    '{operator',
  ],
  [
    'an args overrider with replace',
    op('OverridePolicy', ...rule('argsOverrider: [{containerName: web, operator: replace, value: [--debug]}]')),
    'spec.overrideRules[0].overriders.argsOverrider[0].operator: expected add or remove, got "replace"',
    'replace',
  ],
  [
    'a rule without overriders',
    op('OverridePolicy', 'overrideRules:', '  - targetCluster: {clusterNames: [member2]}'),
    'spec.overrideRules[0].overriders: is required',
    'targetCluster',
  ],
  [
    'a rule target with a bad field selector',
    op('OverridePolicy', 'overrideRules:', '  - targetCluster: {fieldSelector: {matchExpressions: [{key: provider, operator: Gt, values: ["1"]}]}}', '    overriders: {}'),
    'spec.overrideRules[0].targetCluster.fieldSelector.matchExpressions[0].operator: expected In or NotIn, got "Gt"',
    'Gt',
  ],
  [
    'a selector in another namespace',
    op('OverridePolicy', 'resourceSelectors: [{apiVersion: v1, kind: ConfigMap, namespace: kube-public}]', ...rule('plaintext: [{path: /data/a, operator: remove}]')),
    'spec.resourceSelectors[0].namespace: must be empty or the policy\'s own namespace "shop" (a OverridePolicy cannot reach other namespaces), got "kube-public"',
    'kube-public',
  ],
];

describe('OverridePolicy validation (Karmada rules)', () => {
  it.each(INVALID)('%s: reported and left out', (_, text, message, needle) => {
    const fleet = loadTexts({ 'policies/o.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'policies/o.yaml', ...positionOf(text, needle), message }]);
    expect(fleet.overridePolicies).toEqual([]);
    expect(fleet.invalidPolicies).toEqual([]);
  });

  it('accepts every overrider shape', () => {
    const text = op(
      'ClusterOverridePolicy',
      'resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, labelSelector: {matchLabels: {app: web}}}]',
      ...rule(
        'plaintext: [{path: /spec/replicas, operator: replace, value: 2}, {path: /metadata/annotations/a, operator: add, value: null}]',
        'imageOverrider: [{component: Registry, operator: replace, value: mirror.example.com}, {predicate: {path: /spec/template/spec/containers/0/image}, component: Tag, operator: remove}]',
        'commandOverrider: [{containerName: web, operator: add, value: [--verbose]}]',
        'argsOverrider: [{containerName: web, operator: remove, value: [--quiet]}]',
        'labelsOverrider: [{operator: replace, value: {app.kubernetes.io/part-of: shop}}]',
        'annotationsOverrider: [{operator: remove, value: {note: ""}}]',
        'fieldOverrider: [{fieldPath: /data/config.yaml, yaml: [{subPath: /log/level, operator: replace, value: debug}]}]',
      ),
    );
    const fleet = loadTexts({ 'policies/o.yaml': text });
    expect(fleet.errors).toEqual([]);
    expect(fleet.overridePolicies).toHaveLength(1);
    const plaintext = fleet.overridePolicies[0]!.spec.overrideRules![0]!.overriders.plaintext!;
    // A null value is a real JSON value for a patch, not an absent field.
    expect(plaintext[1]).toEqual({ path: '/metadata/annotations/a', operator: 'add', value: null });
  });
});

describe('OverridePolicy defaults', () => {
  it('fills the policy namespace into selectors and keeps empty selectors meaning "every resource"', () => {
    const fleet = loadTexts({
      'policies/o.yaml': op('OverridePolicy', 'resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]', ...rule('plaintext: [{path: /data/a, operator: remove}]')),
      'policies/c.yaml': op('ClusterOverridePolicy', ...rule('plaintext: [{path: /data/a, operator: remove}]')),
    });
    expect(fleet.errors).toEqual([]);
    expect(fleet.overridePolicies.map((p) => [p.kind, p.namespace, p.spec.resourceSelectors])).toEqual([
      ['ClusterOverridePolicy', '', []],
      ['OverridePolicy', 'shop', [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop' }]],
    ]);
  });

  it('turns the deprecated single-rule form into one overrideRules entry', () => {
    const text = op('OverridePolicy', 'targetCluster: {clusterNames: [member1]}', 'overriders:', '  plaintext:', '    - {path: /data/a, operator: replace, value: b}');
    const fleet = loadTexts({ 'policies/o.yaml': text });
    expect(fleet.errors).toEqual([]);
    expect(fleet.overridePolicies[0]!.spec).toEqual({
      resourceSelectors: [],
      overrideRules: [{ targetCluster: { clusterNames: ['member1'] }, overriders: { plaintext: [{ path: '/data/a', operator: 'replace', value: 'b' }] } }],
    });
  });

  it('turns deprecated overriders without a target into a rule for every cluster', () => {
    const fleet = loadTexts({ 'policies/o.yaml': op('OverridePolicy', 'overriders: {labelsOverrider: [{operator: add, value: {a: b}}]}') });
    expect(fleet.overridePolicies[0]!.spec.overrideRules).toEqual([{ overriders: { labelsOverrider: [{ operator: 'add', value: { a: 'b' } }] } }]);
  });

  it('gives an empty rule list to a policy without overriders', () => {
    const fleet = loadTexts({ 'policies/o.yaml': op('OverridePolicy', 'resourceSelectors: []') });
    expect(fleet.errors).toEqual([]);
    expect(fleet.overridePolicies[0]!.spec).toEqual({ resourceSelectors: [], overrideRules: [] });
  });
});

describe('locateField on override policies', () => {
  it('finds an overrider in the rule form', () => {
    const text = op('OverridePolicy', ...rule('plaintext:', '  - {path: /data/a, operator: remove}', '  - {path: /data/b, operator: remove}'));
    const fleet = loadTexts({ 'policies/o.yaml': text });
    const doc = fleet.overridePolicies[0]!;
    expect(locateField(doc, ['spec', 'overrideRules', 0, 'overriders', 'plaintext', 1, 'path'])).toEqual({ file: 'policies/o.yaml', ...positionOf(text, '/data/b') });
    expect(locateField(doc, ['spec', 'overrideRules', 0, 'targetCluster'])).toEqual({ file: 'policies/o.yaml', ...positionOf(text, 'targetCluster') });
  });

  it('finds an overrider written in the deprecated form at the place it is written', () => {
    const text = op('OverridePolicy', 'targetCluster: {clusterNames: [member1]}', 'overriders:', '  plaintext:', '    - {path: /data/a, operator: remove}');
    const doc = loadTexts({ 'policies/o.yaml': text }).overridePolicies[0]!;
    expect(locateField(doc, ['spec', 'overrideRules', 0, 'overriders', 'plaintext', 0, 'path'])).toEqual({ file: 'policies/o.yaml', ...positionOf(text, '/data/a') });
    expect(locateField(doc, ['spec', 'overrideRules', 0, 'targetCluster', 'clusterNames', 0])).toEqual({ file: 'policies/o.yaml', ...positionOf(text, 'member1') });
  });

  it('answers with the object source for objects it kept no positions for', () => {
    const source = { file: 'workloads/x.yaml', line: 4, column: 1 };
    expect(locateField({ source }, ['spec', 'replicas'])).toBe(source);
  });
});
