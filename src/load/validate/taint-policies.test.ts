import { describe, expect, it } from 'vitest';
import { loadTexts, positionOf, yamlLines } from '../testing.js';

function ctp(name: string, ...specLines: string[]): string {
  return yamlLines('apiVersion: policy.karmada.io/v1alpha1', 'kind: ClusterTaintPolicy', 'metadata:', `  name: ${name}`, 'spec:', ...specLines.map((l) => `  ${l}`));
}

const NOT_READY = ['addOnConditions: [{conditionType: Ready, operator: In, statusValues: ["False", Unknown]}]', 'removeOnConditions: [{conditionType: Ready, operator: In, statusValues: ["True"]}]'];
const TAINT = 'taints: [{key: cluster.karmada.io/not-ready, effect: NoSchedule}]';

describe('ClusterTaintPolicy', () => {
  it('is read with its target clusters, conditions and taints', () => {
    const text = ctp('not-ready', 'targetClusters: {labelSelector: {matchLabels: {tier: edge}}}', ...NOT_READY, 'taints:', '  - {key: cluster.karmada.io/not-ready, effect: NoSchedule}', '  - {key: outage, value: "yes", effect: NoExecute}');
    const fleet = loadTexts({ 'policies/taints.yaml': text });
    expect(fleet.errors).toEqual([]);
    expect(fleet.clusterTaintPolicies).toEqual([
      {
        name: 'not-ready',
        spec: {
          targetClusters: { labelSelector: { matchLabels: { tier: 'edge' } } },
          addOnConditions: [{ conditionType: 'Ready', operator: 'In', statusValues: ['False', 'Unknown'] }],
          removeOnConditions: [{ conditionType: 'Ready', operator: 'In', statusValues: ['True'] }],
          taints: [
            { key: 'cluster.karmada.io/not-ready', effect: 'NoSchedule' },
            { key: 'outage', value: 'yes', effect: 'NoExecute' },
          ],
        },
        source: { file: 'policies/taints.yaml', line: 1, column: 1 },
      },
    ]);
    expect(fleet.propagationPolicies).toEqual([]);
    expect(fleet.templates).toEqual([]);
  });

  it('is cluster-scoped: a namespace is a warning and the policy is used', () => {
    const text = yamlLines('apiVersion: policy.karmada.io/v1alpha1', 'kind: ClusterTaintPolicy', 'metadata: {name: t, namespace: shop}', 'spec:', `  ${TAINT}`, ...NOT_READY.map((l) => `  ${l}`));
    const fleet = loadTexts({ 'policies/t.yaml': text });
    expect(fleet.warnings.map((w) => w.message)).toEqual(['metadata.namespace: ClusterTaintPolicy is cluster-scoped; the namespace is ignored']);
    expect(fleet.clusterTaintPolicies.map((p) => p.name)).toEqual(['t']);
  });

  it('warns when it has no conditions at all (it would never change a taint)', () => {
    const text = ctp('idle', TAINT);
    const fleet = loadTexts({ 'policies/t.yaml': text });
    expect(fleet.warnings).toEqual([{ file: 'policies/t.yaml', ...positionOf(text, 'spec:'), message: 'spec: neither addOnConditions nor removeOnConditions is set: this policy never adds or removes a taint' }]);
    expect(fleet.clusterTaintPolicies).toHaveLength(1);
  });

  const INVALID: [string, string, string, string][] = [
    ['no spec', yamlLines('apiVersion: policy.karmada.io/v1alpha1', 'kind: ClusterTaintPolicy', 'metadata: {name: t}'), 'spec: is required', 'apiVersion'],
    ['no taints', ctp('t', ...NOT_READY), 'spec.taints: is required', 'spec:'],
    ['an empty taint list', ctp('t', ...NOT_READY, 'taints: []'), 'spec.taints: must list at least one taint', 'taints: []'],
    ['a taint effect outside the enum', ctp('t', ...NOT_READY, 'taints: [{key: a, effect: NoSchedul}]'), 'spec.taints[0].effect: expected NoSchedule, PreferNoSchedule or NoExecute, got "NoSchedul"', 'NoSchedul'],
    ['a taint without key', ctp('t', ...NOT_READY, 'taints: [{effect: NoSchedule}]'), 'spec.taints[0].key: is required', '{effect'],
    ['a taint key that is not a qualified name', ctp('t', ...NOT_READY, 'taints: [{key: "a b", effect: NoSchedule}]'), 'spec.taints[0].key: ', '"a b"'],
    [
      'the same taint twice',
      ctp('t', ...NOT_READY, 'taints: [{key: a, effect: NoSchedule}, {key: a, value: x, effect: NoSchedule}]'),
      'spec.taints[1]: duplicate taint a:NoSchedule (also taints[0]); key and effect must be unique together',
      '{key: a, value',
    ],
    ['an operator outside the enum', ctp('t', 'addOnConditions: [{conditionType: Ready, operator: Exists, statusValues: ["False"]}]', TAINT), 'spec.addOnConditions[0].operator: expected In or NotIn, got "Exists"', 'Exists'],
    ['a status value outside the enum', ctp('t', 'removeOnConditions: [{conditionType: Ready, operator: In, statusValues: ["true"]}]', TAINT), 'spec.removeOnConditions[0].statusValues[0]: expected True, False or Unknown, got "true"', '"true"'],
    ['a condition without conditionType', ctp('t', 'addOnConditions: [{operator: In, statusValues: ["False"]}]', TAINT), 'spec.addOnConditions[0].conditionType: is required', '{operator'],
    ['a condition without statusValues', ctp('t', 'addOnConditions: [{conditionType: Ready, operator: In}]', TAINT), 'spec.addOnConditions[0].statusValues: is required', '{conditionType'],
    ['a typo in targetClusters', ctp('t', 'targetClusters: {clusterName: [a]}', ...NOT_READY, TAINT), 'spec.targetClusters.clusterName: unknown field', 'clusterName'],
    ['an unknown spec field', ctp('t', ...NOT_READY, TAINT, 'taint: []'), 'spec.taint: unknown field', 'taint:'],
    ['a wrong apiVersion', ctp('t', ...NOT_READY, TAINT).replace('v1alpha1', 'v1beta1'), 'apiVersion: expected policy.karmada.io/v1alpha1, got "policy.karmada.io/v1beta1"', 'policy.karmada.io'],
  ];

  it.each(INVALID)('%s: reported at its position and not used', (_, text, message, needle) => {
    const fleet = loadTexts({ 'policies/t.yaml': text });
    expect(fleet.errors).toHaveLength(1);
    expect(fleet.errors[0]).toMatchObject({ file: 'policies/t.yaml', ...positionOf(text, needle) });
    expect(fleet.errors[0]!.message.startsWith(message)).toBe(true);
    expect(fleet.clusterTaintPolicies).toEqual([]);
    expect(fleet.invalidPolicies).toEqual([]);
  });

  it('refuses two policies that manage the same taint, and keeps the others', () => {
    const a = ctp('a', ...NOT_READY, TAINT);
    const b = ctp('b', ...NOT_READY, 'taints: [{key: cluster.karmada.io/not-ready, value: x, effect: NoSchedule}]');
    const c = ctp('c', ...NOT_READY, 'taints: [{key: cluster.karmada.io/not-ready, effect: NoExecute}]');
    const fleet = loadTexts({ 'policies/a.yaml': a, 'policies/b.yaml': b, 'policies/c.yaml': c });
    expect(fleet.errors).toEqual([
      { file: 'policies/a.yaml', line: 1, column: 1, message: 'ClusterTaintPolicy a: taint cluster.karmada.io/not-ready:NoSchedule is also managed by ClusterTaintPolicy b (policies/b.yaml:1:1); a taint may belong to one policy only, so none of them is used' },
      { file: 'policies/b.yaml', line: 1, column: 1, message: 'ClusterTaintPolicy b: taint cluster.karmada.io/not-ready:NoSchedule is also managed by ClusterTaintPolicy a (policies/a.yaml:1:1); a taint may belong to one policy only, so none of them is used' },
    ]);
    expect(fleet.clusterTaintPolicies.map((p) => p.name)).toEqual(['c']);
  });

  it('uses neither definition of a policy written twice', () => {
    const text = ctp('t', ...NOT_READY, TAINT);
    const fleet = loadTexts({ 'policies/a.yaml': text, 'policies/b.yaml': text });
    expect(fleet.errors.map((e) => e.file)).toEqual(['policies/a.yaml', 'policies/b.yaml']);
    expect(fleet.clusterTaintPolicies).toEqual([]);
  });
});

describe('WorkloadRebalancer', () => {
  const wr = (...specLines: string[]) =>
    yamlLines('apiVersion: apps.karmada.io/v1alpha1', 'kind: WorkloadRebalancer', 'metadata: {name: rebalance}', 'spec:', ...specLines.map((l) => `  ${l}`));

  it('is read and never taken for a resource template', () => {
    const text = wr('workloads:', '  - {apiVersion: apps/v1, kind: Deployment, name: web, namespace: shop}', '  - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, name: reader}', 'ttlSecondsAfterFinished: 60');
    const fleet = loadTexts({ 'policies/r.yaml': text });
    expect(fleet.errors).toEqual([]);
    expect(fleet.warnings).toEqual([]);
    expect(fleet.templates).toEqual([]);
    expect(fleet.heldResources).toEqual([]);
    expect(fleet.workloadRebalancers).toEqual([
      {
        name: 'rebalance',
        spec: {
          workloads: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' },
            { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader' },
          ],
          ttlSecondsAfterFinished: 60,
        },
        source: { file: 'policies/r.yaml', line: 1, column: 1 },
      },
    ]);
  });

  it.each([
    ['no workloads', wr('ttlSecondsAfterFinished: 5'), 'spec.workloads: is required', 'spec:'],
    ['an empty workload list', wr('workloads: []'), 'spec.workloads: must list at least one workload', 'workloads: []'],
    ['a workload without name', wr('workloads: [{apiVersion: v1, kind: ConfigMap}]'), 'spec.workloads[0].name: is required', '{apiVersion'],
    ['a workload with an unknown field', wr('workloads: [{apiVersion: v1, kind: ConfigMap, name: a, nmespace: x}]'), 'spec.workloads[0].nmespace: unknown field', 'nmespace'],
    ['a wrong apiVersion', wr('workloads: [{apiVersion: v1, kind: ConfigMap, name: a}]').replace('apps.karmada.io/v1alpha1', 'apps.karmada.io/v1'), 'apiVersion: expected apps.karmada.io/v1alpha1, got "apps.karmada.io/v1"', 'apps.karmada.io'],
  ])('%s: reported and not used', (_, text, message, needle) => {
    const fleet = loadTexts({ 'policies/r.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'policies/r.yaml', ...positionOf(text, needle), message }]);
    expect(fleet.workloadRebalancers).toEqual([]);
    expect(fleet.templates).toEqual([]);
  });
});
