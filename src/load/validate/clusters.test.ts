import { describe, expect, it } from 'vitest';
import { locateField } from '../parse/locate-field.js';
import { loadTexts, positionOf, yamlLines } from '../testing.js';

function cluster(name: string, ...specLines: string[]): string {
  return yamlLines('apiVersion: cluster.karmada.io/v1alpha1', 'kind: Cluster', 'metadata:', `  name: ${name}`, ...(specLines.length ? ['spec:', ...specLines.map((l) => `  ${l}`)] : []));
}

describe('Cluster', () => {
  it('reads a cluster with every field Flotilla uses, syncMode defaulting to Push', () => {
    const text = yamlLines(
      'apiVersion: cluster.karmada.io/v1alpha1',
      'kind: Cluster',
      'metadata:',
      '  name: member1',
      '  labels: {environment: production}',
      '  annotations: {flotilla.dev/context: kind-member1}',
      'spec:',
      '  id: 1234',
      '  apiEndpoint: https://10.0.0.1:6443',
      '  secretRef: {namespace: karmada-cluster, name: member1}',
      '  insecureSkipTLSVerification: false',
      '  proxyURL: http://proxy:3128',
      '  provider: aws',
      '  region: eu-west-1',
      '  zones: [eu-west-1a, eu-west-1b]',
      '  taints:',
      '    - {key: dedicated, value: gpu, effect: NoSchedule}',
      '    - {key: maintenance, effect: NoExecute, timeAdded: "2026-01-01T00:00:00Z"}',
    );
    const fleet = loadTexts({ 'clusters/member1.yaml': text.replace('id: 1234', 'id: "1234"') });
    expect(fleet.errors).toEqual([]);
    expect(fleet.warnings).toEqual([]);
    expect(fleet.clusters).toEqual([
      {
        name: 'member1',
        labels: { environment: 'production' },
        annotations: { 'flotilla.dev/context': 'kind-member1' },
        spec: {
          id: '1234',
          apiEndpoint: 'https://10.0.0.1:6443',
          secretRef: { namespace: 'karmada-cluster', name: 'member1' },
          insecureSkipTLSVerification: false,
          proxyURL: 'http://proxy:3128',
          provider: 'aws',
          region: 'eu-west-1',
          zones: ['eu-west-1a', 'eu-west-1b'],
          taints: [
            { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
            { key: 'maintenance', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' },
          ],
          syncMode: 'Push',
        },
        source: { file: 'clusters/member1.yaml', line: 1, column: 1 },
      },
    ]);
  });

  it('reads a cluster without spec', () => {
    const fleet = loadTexts({ 'clusters/m.yaml': cluster('m') });
    expect(fleet.clusters.map((c) => [c.name, c.spec, c.labels, c.annotations])).toEqual([['m', { syncMode: 'Push' }, {}, {}]]);
  });

  it.each([
    ['a syncMode outside the enum', cluster('m', 'syncMode: push'), 'spec.syncMode: expected Push or Pull, got "push"', 'push'],
    ['a taint without key', cluster('m', 'taints: [{effect: NoSchedule}]'), 'spec.taints[0].key: is required', '{effect'],
    ['a taint effect outside the enum', cluster('m', 'taints: [{key: a, effect: NoSchedul}]'), 'spec.taints[0].effect: expected NoSchedule, PreferNoSchedule or NoExecute, got "NoSchedul"', 'NoSchedul'],
    ['a taint without effect', cluster('m', 'taints: [{key: a}]'), 'spec.taints[0].effect: is required', '{key'],
    ['a duplicate taint', cluster('m', 'taints: [{key: a, effect: NoSchedule}, {key: a, effect: NoSchedule, value: x}]'), 'spec.taints[1]: duplicate taint a:NoSchedule (also taints[0]); key and effect must be unique together, the first is used', '{key: a, effect: NoSchedule, value'],
    ['zones that are not a list', cluster('m', 'zones: eu-west-1a'), 'spec.zones: expected a list, got "eu-west-1a"', 'eu-west-1a'],
    ['a zone that is not a string', cluster('m', 'zones: [1]'), 'spec.zones[0]: expected a string, got 1; quote it', '1]'],
    ['a secretRef without name', cluster('m', 'secretRef: {namespace: karmada-cluster}'), 'spec.secretRef.name: is required', 'secretRef'],
    ['a label with a bad value', yamlLines('apiVersion: cluster.karmada.io/v1alpha1', 'kind: Cluster', 'metadata:', '  name: m', '  labels: {tier: "primary!"}'), 'metadata.labels.tier: must be empty or letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, got "primary!"', '"primary!"'],
  ])('%s is an error; the cluster stays without that field', (_, text, message, needle) => {
    const fleet = loadTexts({ 'clusters/m.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'clusters/m.yaml', ...positionOf(text, needle), message }]);
    expect(fleet.clusters.map((c) => c.name)).toEqual(['m']);
    expect(fleet.clusters[0]!.spec.syncMode).toBe('Push');
  });

  it('leaves out exactly the entries that are wrong, never a half-read one', () => {
    const text = cluster('m', 'taints: [{key: a, effect: NoSchedul}, {key: b, effect: NoSchedule}, {key: b, effect: NoSchedule, value: again}]', 'secretRef: {namespace: x}', 'region: eu');
    const fleet = loadTexts({ 'clusters/m.yaml': text });
    expect(fleet.errors.map((e) => e.message)).toEqual([
      'spec.taints[0].effect: expected NoSchedule, PreferNoSchedule or NoExecute, got "NoSchedul"',
      'spec.taints[2]: duplicate taint b:NoSchedule (also taints[1]); key and effect must be unique together, the first is used',
      'spec.secretRef.name: is required',
    ]);
    expect(fleet.clusters[0]!.spec).toEqual({ taints: [{ key: 'b', effect: 'NoSchedule' }], region: 'eu', syncMode: 'Push' });
  });

  it.each([
    ['upper case', 'Member1', 'must be a DNS-1123 label'],
    ['a dot', 'member.1', 'must be a DNS-1123 label'],
    ['49 characters', 'm'.repeat(49), 'must be at most 48 characters, got 49'],
  ])('a name with %s is an error and the cluster is left out', (_, name, fragment) => {
    const text = cluster(name);
    const fleet = loadTexts({ 'clusters/m.yaml': text });
    expect(fleet.errors).toHaveLength(1);
    expect(fleet.errors[0]).toMatchObject({ file: 'clusters/m.yaml', ...positionOf(text, name) });
    expect(fleet.errors[0]!.message).toMatch(/^metadata\.name: /);
    expect(fleet.errors[0]!.message).toContain(fragment);
    expect(fleet.clusters).toEqual([]);
  });

  it.each([
    ['token', 'token: abc'],
    ['caBundle', 'caBundle: LS0t'],
    ['kubeconfig', 'kubeconfig: |\n    apiVersion: v1'],
    ['a nested bearer token', 'secretRef: {namespace: a, name: b, bearerToken: x}'],
  ])('refuses credentials: %s', (field, line) => {
    const text = cluster('m', line);
    const fleet = loadTexts({ 'clusters/m.yaml': text });
    const key = field.startsWith('a nested') ? 'bearerToken' : field;
    expect(fleet.errors).toEqual([
      { file: 'clusters/m.yaml', ...positionOf(text, key), message: expect.stringMatching(/: looks like a credential; credentials must never be stored in the fleet repository/) },
    ]);
    expect(JSON.stringify(fleet.clusters)).not.toContain(key);
  });

  it('warns about unknown and deprecated fields and ignores a namespace', () => {
    const text = yamlLines('apiVersion: cluster.karmada.io/v1alpha1', 'kind: Cluster', 'metadata: {name: m, namespace: x}', 'spec:', '  zone: z1', '  colour: blue');
    const fleet = loadTexts({ 'clusters/m.yaml': text });
    expect(fleet.errors).toEqual([]);
    expect(fleet.warnings.map((w) => [w.line, w.message])).toEqual([
      [positionOf(text, 'namespace').line, 'metadata.namespace: Cluster is cluster-scoped; the namespace is ignored'],
      [positionOf(text, 'zone').line, 'spec.zone: is deprecated and never used for scheduling; use spec.zones'],
      [positionOf(text, 'colour').line, 'spec.colour: unknown field; ignored'],
    ]);
    expect(fleet.clusters[0]!.spec).toEqual({ zone: 'z1', syncMode: 'Push' });
  });

  it('reports a duplicate cluster name in both files and keeps the first', () => {
    const fleet = loadTexts({ 'clusters/b.yaml': cluster('member1', 'region: b'), 'clusters/a.yaml': cluster('member1', 'region: a') });
    expect(fleet.errors).toEqual([
      { file: 'clusters/a.yaml', line: 1, column: 1, message: 'Cluster member1 is defined more than once (also at clusters/b.yaml:1:1); only the first, clusters/a.yaml:1:1, is used' },
      { file: 'clusters/b.yaml', line: 1, column: 1, message: 'Cluster member1 is defined more than once (also at clusters/a.yaml:1:1); only the first, clusters/a.yaml:1:1, is used' },
    ]);
    expect(fleet.clusters.map((c) => c.spec.region)).toEqual(['a']);
  });

  it('sorts clusters by name and reads several per file', () => {
    const fleet = loadTexts({ 'clusters/all.yaml': [cluster('member3'), cluster('member1'), cluster('member2')].join('---\n') });
    expect(fleet.clusters.map((c) => [c.name, c.source.line])).toEqual([
      ['member1', 6],
      ['member2', 11],
      ['member3', 1],
    ]);
  });

  it('keeps positions for locateField', () => {
    const text = cluster('m', 'taints:', '  - {key: a, effect: NoSchedule}');
    const fleet = loadTexts({ 'clusters/m.yaml': text });
    expect(locateField(fleet.clusters[0]!, ['spec', 'taints', 0, 'effect'])).toEqual({ file: 'clusters/m.yaml', ...positionOf(text, 'NoSchedule') });
  });
});
