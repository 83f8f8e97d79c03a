/**
 * Regression tests from a security review of the loader: identity syntax, counts, secrets, positions of wrong
 * types, and the size of a mapping. Each hostile document is reported at its field and the rest still loads.
 */
import { describe, expect, it } from 'vitest';
import { largeConfigMap, loadTexts, positionOf, yamlLines } from './testing.js';

const GOOD = yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: fine}');

describe('identity syntax', () => {
  it.each([
    ['kind', yamlLines('apiVersion: v1', 'kind: "x/../../../../ESCAPED-KIND"', 'metadata: {name: a}'), '"x/../../../../ESCAPED-KIND"', 'kind: must be a kind name'],
    ['apiVersion', yamlLines('apiVersion: "../../v1"', 'kind: ConfigMap', 'metadata: {name: a}'), '"../../v1"', 'apiVersion: expected <group>/<version> or <version>'],
    ['metadata.namespace', yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: a, namespace: "../kube-system"}'), '"../kube-system"', 'metadata.namespace: must be a DNS-1123 label'],
    ['metadata.name', yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: "a\\0b"}'), '"a\\0b"', 'metadata.name: must not contain control characters'],
  ])('an unusable %s is a Problem at the field; that object is not loaded, the rest is', (_, hostile, needle, message) => {
    const text = `${hostile}---\n${GOOD}`;
    const fleet = loadTexts({ 'workloads/w.yaml': text, 'workloads/other.yaml': GOOD.replace('fine', 'other') });
    expect(fleet.errors).toEqual([{ file: 'workloads/w.yaml', ...positionOf(text, needle), message: expect.stringContaining(message) }]);
    expect(fleet.templates.map((t) => t.ref.name)).toEqual(['fine', 'other']);
    // Nothing with the hostile identity reaches a later stage; nothing from its file is pruned.
    expect(fleet.brokenFiles).toEqual(['workloads/w.yaml']);
    expect(JSON.stringify(fleet.heldResources)).not.toContain('ESCAPED');
  });

  it('holds a resource whose label value breaks Kubernetes syntax, at the value', () => {
    const text = yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: c', '  labels: {tier: "-front"}', '  annotations: {"bad key!": x}');
    const fleet = loadTexts({ 'workloads/c.yaml': text });
    expect(fleet.errors).toEqual([
      { file: 'workloads/c.yaml', ...positionOf(text, '"-front"'), message: expect.stringMatching(/^metadata\.labels\.tier: must be empty or letters/) },
      { file: 'workloads/c.yaml', ...positionOf(text, '"bad key!"'), message: expect.stringMatching(/^metadata\.annotations\[bad key!\]: key must be a qualified name/) },
    ]);
    expect(fleet.heldResources.map((r) => r.name)).toEqual(['c']);
  });
});

describe('counts are int32, reported at the field with what was expected', () => {
  const deployment = (replicas: string) => yamlLines('apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', `  replicas: ${replicas}`);

  it.each([
    ['1e308', '1e308'],
    ['9007199254740993', '9007199254740993'],
    ['"3"', '"3"'],
    ['-3', '-3'],
    ['2.5', '2.5'],
    ['.inf', '.inf'],
    ['2147483648', '2147483648'],
  ])('replicas: %s holds the Deployment', (written, shown) => {
    const text = deployment(written);
    const fleet = loadTexts({ 'workloads/web.yaml': text, 'workloads/ok.yaml': GOOD });
    expect(fleet.errors).toEqual([{ file: 'workloads/web.yaml', ...positionOf(text, written), message: `spec.replicas: expected an integer between 0 and 2147483647, got ${shown}` }]);
    expect(fleet.heldResources.map((r) => r.name)).toEqual(['web']);
    expect(fleet.templates.map((t) => t.ref.name)).toEqual(['fine']);
  });

  it('accepts int32 counts at both ends, and checks a Job parallelism and completions', () => {
    const ok = loadTexts({ 'workloads/web.yaml': deployment('2147483647'), 'workloads/zero.yaml': deployment('0').replace('web', 'zero') });
    expect(ok.errors).toEqual([]);
    const job = yamlLines('apiVersion: batch/v1', 'kind: Job', 'metadata: {name: j}', 'spec: {parallelism: 2.5, completions: -1}');
    expect(loadTexts({ 'workloads/j.yaml': job }).errors.map((p) => p.message)).toEqual([
      'spec.parallelism: expected an integer between 0 and 2147483647, got 2.5',
      'spec.completions: expected an integer between 0 and 2147483647, got -1',
    ]);
  });

  const policy = (...specLines: string[]) =>
    yamlLines('apiVersion: policy.karmada.io/v1alpha1', 'kind: PropagationPolicy', 'metadata: {name: p, namespace: shop}', 'spec:', '  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]', ...specLines);

  it.each([
    ['a static weight', policy('  placement:', '    replicaScheduling:', '      weightPreference:', '        staticWeightList: [{targetCluster: {clusterNames: [a]}, weight: 9007199254740993}]'), '9007199254740993', 'spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight: expected an integer between 1 and 2147483647, got 9007199254740993'],
    ['maxGroups', policy('  placement:', '    spreadConstraints: [{spreadByField: cluster, maxGroups: 1e308}]'), '1e308', 'spec.placement.spreadConstraints[0].maxGroups: expected an integer between 0 and 2147483647, got 1e308'],
    ['priority', policy('  priority: .inf'), '.inf', 'spec.priority: expected an integer between -2147483648 and 2147483647, got .inf'],
    ['a failover tolerationSeconds', policy('  failover:', '    application:', '      decisionConditions: {tolerationSeconds: 2147483648}'), '2147483648', 'spec.failover.application.decisionConditions.tolerationSeconds: expected an integer between 0 and 2147483647, got 2147483648'],
    ['a toleration tolerationSeconds (int64)', policy('  placement:', '    clusterTolerations: [{key: k, operator: Exists, effect: NoExecute, tolerationSeconds: 9007199254740993}]'), '9007199254740993', 'spec.placement.clusterTolerations[0].tolerationSeconds: expected an integer between -9007199254740991 and 9007199254740991, got 9007199254740993'],
  ])('%s out of range is a Problem at the field', (_, text, needle, message) => {
    const fleet = loadTexts({ 'policies/p.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'policies/p.yaml', ...positionOf(text, needle), message }]);
  });

  it('maxPruneFraction is a number between 0 and 1, shown as written', () => {
    const text = yamlLines('apiVersion: flotilla.dev/v1alpha1', 'kind: Fleet', 'spec: {maxPruneFraction: -.inf, pollIntervalSeconds: 1e3}');
    const fleet = loadTexts({ 'fleet.yaml': text });
    expect(fleet.errors).toEqual([
      { file: 'fleet.yaml', ...positionOf(text, '-.inf'), message: 'spec.maxPruneFraction: expected a number between 0 and 1, got -.inf' },
    ]);
    expect(fleet.settings.pollIntervalSeconds).toBe(1000);
  });
});

describe('Secrets', () => {
  const SECRETS = ['hunter2!!', '0755', 'yes', '12345', 'c2VjcmV0'];
  const text = yamlLines(
    'apiVersion: v1',
    'kind: Secret',
    'metadata: {name: creds}',
    'data:',
    `  password: "${SECRETS[0]}"`,
    `  pin: ${SECRETS[1]}`,
    `  ok: ${SECRETS[4]}`,
    'stringData:',
    `  flag: ${SECRETS[2]}`,
    `  number: ${SECRETS[3]}`,
  );

  it('reports data values that are not base64 at data.<key>, and holds the Secret', () => {
    const fleet = loadTexts({ 'workloads/s.yaml': text });
    expect(fleet.errors).toEqual([
      { file: 'workloads/s.yaml', ...positionOf(text, `"${SECRETS[0]}"`), message: 'data.password: expected a base64-encoded value (the value is not shown: Secret data is secret)' },
      { file: 'workloads/s.yaml', ...positionOf(text, SECRETS[1]!), message: 'data.pin: expected a string (the value is not shown: Secret data is secret)' },
      { file: 'workloads/s.yaml', ...positionOf(text, SECRETS[3]!), message: 'stringData.number: expected a string (the value is not shown: Secret data is secret)' },
    ]);
    expect(fleet.heldResources.map((r) => r.name)).toEqual(['creds']);
  });

  it('never quotes a data or stringData value in any message', () => {
    const fleet = loadTexts({ 'workloads/s.yaml': text });
    const messages = [...fleet.errors, ...fleet.warnings].map((p) => p.message);
    // The YAML 1.1 readings of `0755` and `yes` are still pointed out, without the value.
    expect(fleet.warnings.map((p) => p.message.split(':')[0])).toEqual(['data.pin', 'stringData.flag']);
    for (const secret of SECRETS) for (const message of messages) expect(message).not.toContain(secret);
  });

  it('accepts base64 with padding and line breaks, and null values', () => {
    const ok = yamlLines('apiVersion: v1', 'kind: Secret', 'metadata: {name: s}', 'data:', '  a: YQ==', '  b: |', '    YWJj', '    ZGVm', '  c: null', 'stringData: {d: "plain"}');
    expect(loadTexts({ 'workloads/s.yaml': ok }).errors).toEqual([]);
  });
});

describe('a wrong-typed field is reported at the field, not at the document start', () => {
  const PREFIX = '# a comment first, so the document does not start at the field\n\n';

  it.each([
    ['a Deployment spec that is a list', yamlLines('apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: d}', 'spec: [1]'), 'spec', 'spec: expected a mapping, got a list'],
    ['a CRD spec that is a number', yamlLines('apiVersion: apiextensions.k8s.io/v1', 'kind: CustomResourceDefinition', 'metadata: {name: widgets.example.com}', 'spec: 5'), '5', 'spec: expected a mapping with group, names.kind and scope, got 5'],
    ['labels that are a list', yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: c', '  labels: [x]'), 'labels', 'metadata.labels: expected a mapping, got a list'],
  ])('%s', (_, body, needle, message) => {
    const text = PREFIX + body;
    const fleet = loadTexts({ 'workloads/w.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'workloads/w.yaml', ...positionOf(text, needle), message }]);
  });

  it('the warning about a kind of unknown scope points at kind', () => {
    const text = PREFIX + yamlLines('apiVersion: example.com/v1', 'kind: Widget', 'metadata: {name: w}');
    const fleet = loadTexts({ 'workloads/w.yaml': text });
    expect(fleet.warnings).toEqual([{ file: 'workloads/w.yaml', ...positionOf(text, 'Widget'), message: expect.stringMatching(/^kind: Widget \(example\.com\/v1\) is not a built-in kind/) }]);
  });
});

describe('a mapping with tens of thousands of keys (timing: bench/load-large-mapping.bench.ts)', () => {
  const MAX = 1024 * 1024;
  const { text, keys } = largeConfigMap(1_000_004);

  it('loads completely and correctly under the default size limit', () => {
    expect(text.length).toBeGreaterThanOrEqual(1_000_004);
    expect(text.length).toBeLessThan(MAX);
    const fleet = loadTexts({ 'workloads/big.yaml': text });
    expect(fleet.errors).toEqual([]);
    const data = fleet.templates[0]!.object['data'] as Record<string, string>;
    expect(Object.keys(data)).toHaveLength(keys);
    expect(keys).toBeGreaterThan(80_000);
    expect(data[`k${String(keys - 1).padStart(5, '0')}`]).toBe('v');
  }, 60_000);

  it('still finds a duplicate key, at the second occurrence', () => {
    const duplicated = `${text}  k00000: again\n`;
    const fleet = loadTexts({ 'workloads/big.yaml': duplicated });
    expect(fleet.errors).toEqual([{ file: 'workloads/big.yaml', ...positionOf(duplicated, 'k00000', 1), message: 'data.k00000: duplicate key: a mapping key may appear only once' }]);
    expect(fleet.brokenFiles).toEqual(['workloads/big.yaml']);
  }, 60_000);

  it('treats keys that become the same JSON key as duplicates (1 and "1")', () => {
    const small = yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}', 'data:', '  1: a', '  "1": b');
    expect(loadTexts({ 'workloads/c.yaml': small }).errors).toEqual([{ file: 'workloads/c.yaml', ...positionOf(small, '"1"'), message: 'data[1]: duplicate key: a mapping key may appear only once' }]);
  });
});
