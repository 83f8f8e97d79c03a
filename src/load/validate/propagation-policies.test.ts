import { describe, expect, it } from 'vitest';
import { loadTexts, positionOf, yamlLines } from '../testing.js';

const SELECTORS = ['resourceSelectors:', '  - {apiVersion: apps/v1, kind: Deployment, name: web}'];

function policy(kind: string, specLines: string[], metadata = ['  name: web', '  namespace: shop']): string {
  return yamlLines('apiVersion: policy.karmada.io/v1alpha1', `kind: ${kind}`, 'metadata:', ...metadata, 'spec:', ...specLines.map((l) => `  ${l}`));
}

const pp = (...specLines: string[]) => policy('PropagationPolicy', specLines);

/** [case, policy text, the error message expected (exact), text marking the error's position, occurrence]. */
const INVALID: [string, string, string, string, number?][] = [
  [
    'unknown replicaSchedulingType',
    pp(...SELECTORS, 'placement:', '  replicaScheduling:', '    replicaSchedulingType: Divded'),
    'spec.placement.replicaScheduling.replicaSchedulingType: expected Duplicated or Divided, got "Divded"',
    'Divded',
  ],
  [
    'unknown division preference',
    pp(...SELECTORS, 'placement:', '  replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Even}'),
    'spec.placement.replicaScheduling.replicaDivisionPreference: expected Aggregated or Weighted, got "Even"',
    'Even',
  ],
  [
    'field selector key other than provider, region, zone',
    pp(...SELECTORS, 'placement:', '  clusterAffinity:', '    fieldSelector:', '      matchExpressions: [{key: cloud, operator: In, values: [aws]}]'),
    'spec.placement.clusterAffinity.fieldSelector.matchExpressions[0].key: expected provider, region or zone, got "cloud"',
    'cloud',
  ],
  [
    'field selector operator other than In, NotIn',
    pp(...SELECTORS, 'placement:', '  clusterAffinity:', '    fieldSelector:', '      matchExpressions:', '        - key: region', '          operator: Exists'),
    'spec.placement.clusterAffinity.fieldSelector.matchExpressions[0].operator: expected In or NotIn, got "Exists"',
    'Exists',
  ],
  [
    'label selector operator outside the enum',
    pp(...SELECTORS, 'placement:', '  clusterAffinity:', '    labelSelector:', '      matchExpressions: [{key: tier, operator: Equals, values: [a]}]'),
    'spec.placement.clusterAffinity.labelSelector.matchExpressions[0].operator: expected In, NotIn, Exists or DoesNotExist, got "Equals"',
    'Equals',
  ],
  [
    'In without values',
    pp(...SELECTORS, 'placement:', '  clusterAffinity:', '    labelSelector:', '      matchExpressions:', '        - {key: tier, operator: In}'),
    'spec.placement.clusterAffinity.labelSelector.matchExpressions[0].values: must be a non-empty list when operator is In',
    '{key: tier',
  ],
  [
    'Exists with values',
    pp('resourceSelectors:', '  - apiVersion: apps/v1', '    kind: Deployment', '    labelSelector:', '      matchExpressions: [{key: tier, operator: Exists, values: [a]}]'),
    'spec.resourceSelectors[0].labelSelector.matchExpressions[0].values: must be empty when operator is Exists',
    'values',
  ],
  [
    'label key syntax',
    pp('resourceSelectors:', '  - apiVersion: apps/v1', '    kind: Deployment', '    labelSelector:', '      matchLabels: {"bad key": x}'),
    'spec.resourceSelectors[0].labelSelector.matchLabels[bad key]: key must be a qualified name ([prefix/]name; the name of letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit), got "bad key"',
    '"bad key"',
  ],
  [
    'label value syntax',
    pp('resourceSelectors:', '  - apiVersion: apps/v1', '    kind: Deployment', '    labelSelector:', '      matchLabels: {app: "-web"}'),
    'spec.resourceSelectors[0].labelSelector.matchLabels.app: must be empty or letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, got "-web"',
    '"-web"',
  ],
  ['empty resourceSelectors', pp('resourceSelectors: []'), 'spec.resourceSelectors: must not be empty (an empty list does not select everything in Karmada)', 'resourceSelectors'],
  ['missing resourceSelectors', pp('placement: {}'), 'spec.resourceSelectors: is required', 'spec'],
  ['selector without kind', pp('resourceSelectors:', '  - apiVersion: apps/v1', '    name: web'), 'spec.resourceSelectors[0].kind: is required', 'apiVersion: apps/v1'],
  ['selector with an empty apiVersion', pp('resourceSelectors:', '  - {apiVersion: "", kind: Deployment}'), 'spec.resourceSelectors[0].apiVersion: must not be empty', '""'],
  [
    'preemption Always without a selector name',
    pp('resourceSelectors:', '  - {apiVersion: apps/v1, kind: Deployment}', 'preemption: Always'),
    'spec.resourceSelectors[0].name: must be set when preemption is Always (preempting by kind or label could take over unexpected resources)',
    '{apiVersion',
  ],
  ['preemption outside the enum', pp(...SELECTORS, 'preemption: Sometimes'), 'spec.preemption: expected Always or Never, got "Sometimes"', 'Sometimes'],
  ['conflictResolution outside the enum', pp(...SELECTORS, 'conflictResolution: overwrite'), 'spec.conflictResolution: expected Abort or Overwrite, got "overwrite"', 'overwrite'],
  [
    'clusterAffinity together with clusterAffinities',
    pp(...SELECTORS, 'placement:', '  clusterAffinity: {clusterNames: [member1]}', '  clusterAffinities:', '    - {affinityName: a, clusterNames: [member2]}'),
    'spec.placement.clusterAffinities: clusterAffinity and clusterAffinities are mutually exclusive',
    'clusterAffinities',
  ],
  [
    'affinity term without a name',
    pp(...SELECTORS, 'placement:', '  clusterAffinities:', '    - clusterNames: [member2]'),
    'spec.placement.clusterAffinities[0].affinityName: is required',
    'clusterNames: [member2]',
  ],
  [
    'duplicate affinity names',
    pp(...SELECTORS, 'placement:', '  clusterAffinities:', '    - {affinityName: primary, clusterNames: [member1]}', '    - {affinityName: primary, clusterNames: [member2]}'),
    'spec.placement.clusterAffinities[1].affinityName: must be unique; "primary" is also the name of clusterAffinities[0]',
    'primary',
    1,
  ],
  [
    'affinity name longer than 32 characters',
    pp(...SELECTORS, 'placement:', '  clusterAffinities:', `    - {affinityName: ${'a'.repeat(33)}}`),
    'spec.placement.clusterAffinities[0].affinityName: must be at most 32 characters, got 33',
    'a'.repeat(33),
  ],
  [
    'affinity name that is not a qualified name',
    pp(...SELECTORS, 'placement:', '  clusterAffinities:', '    - {affinityName: "primary group"}'),
    `spec.placement.clusterAffinities[0].affinityName: must be a qualified name ([prefix/]name; the name of letters, digits, '-', '_' and '.', starting and ending with a letter or digit), got "primary group"`,
    '"primary group"',
  ],
  [
    'two spread constraints on cluster',
    pp(...SELECTORS, 'placement:', '  spreadConstraints:', '    - {spreadByField: cluster, maxGroups: 2}', '    - {maxGroups: 3}'),
    'spec.placement.spreadConstraints[1].spreadByField: only one spread constraint per field is allowed; "cluster" appears more than once',
    '{maxGroups: 3}',
  ],
  [
    'spreadByField with spreadByLabel',
    pp(...SELECTORS, 'placement:', '  spreadConstraints:', '    - {spreadByField: cluster, spreadByLabel: rack}'),
    'spec.placement.spreadConstraints[0]: spreadByField and spreadByLabel are mutually exclusive',
    '{spreadByField',
  ],
  [
    'maxGroups below minGroups',
    pp(...SELECTORS, 'placement:', '  spreadConstraints:', '    - {spreadByField: cluster, minGroups: 3, maxGroups: 2}'),
    'spec.placement.spreadConstraints[0].maxGroups: must not be lower than minGroups (3), got 2',
    '2}',
  ],
  [
    'negative minGroups',
    pp(...SELECTORS, 'placement:', '  spreadConstraints:', '    - {spreadByField: cluster, minGroups: -1}'),
    'spec.placement.spreadConstraints[0].minGroups: expected an integer between 0 and 2147483647, got -1',
    '-1',
  ],
  [
    'region spreading without a cluster constraint',
    pp(...SELECTORS, 'placement:', '  spreadConstraints:', '    - {spreadByField: region, minGroups: 2}'),
    'spec.placement.spreadConstraints: a spread constraint with spreadByField "cluster" is required when any spreadByField is used',
    'spreadConstraints',
  ],
  [
    'spreadByField outside the enum',
    pp(...SELECTORS, 'placement:', '  spreadConstraints:', '    - {spreadByField: rack}'),
    'spec.placement.spreadConstraints[0].spreadByField: expected cluster, region, zone or provider, got "rack"',
    'rack',
  ],
  [
    'an invalid constraint next to a valid one (no second, false error)',
    pp(...SELECTORS, 'placement:', '  spreadConstraints:', '    - {spreadByField: rack}', '    - {spreadByField: cluster, minGroups: 1}'),
    'spec.placement.spreadConstraints[0].spreadByField: expected cluster, region, zone or provider, got "rack"',
    'rack',
  ],
  [
    'a label requirement value with bad syntax (no second, false error about missing values)',
    pp('resourceSelectors:', '  - apiVersion: v1', '    kind: ConfigMap', '    labelSelector: {matchExpressions: [{key: a, operator: In, values: ["b c"]}]}'),
    'spec.resourceSelectors[0].labelSelector.matchExpressions[0].values[0]: must be empty or letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, got "b c"',
    '"b c"',
  ],
  [
    'static weight below 1',
    pp(...SELECTORS, 'placement:', '  replicaScheduling:', '    weightPreference:', '      staticWeightList:', '        - {targetCluster: {clusterNames: [member1]}, weight: 0}'),
    'spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight: expected an integer between 1 and 2147483647, got 0',
    '0}',
  ],
  [
    'dynamicWeight outside the enum',
    pp(...SELECTORS, 'placement:', '  replicaScheduling:', '    weightPreference: {dynamicWeight: Capacity}'),
    'spec.placement.replicaScheduling.weightPreference.dynamicWeight: expected AvailableReplicas, got "Capacity"',
    'Capacity',
  ],
  [
    'suspension of everything and of some clusters',
    pp(...SELECTORS, 'suspension:', '  dispatching: true', '  dispatchingOnClusters: {clusterNames: [member1]}'),
    'spec.suspension.dispatchingOnClusters: dispatching: true and dispatchingOnClusters.clusterNames are mutually exclusive',
    'dispatchingOnClusters',
  ],
  [
    'application failover without propagateDeps',
    pp(...SELECTORS, 'failover:', '  application:', '    decisionConditions: {tolerationSeconds: 60}'),
    'spec.propagateDeps: must be true when failover.application is set (dependencies must move with the application)',
    'spec',
  ],
  [
    'gracePeriodSeconds with an immediate purge',
    pp(...SELECTORS, 'propagateDeps: true', 'failover:', '  application:', '    decisionConditions: {}', '    purgeMode: Directly', '    gracePeriodSeconds: 30'),
    'spec.failover.application.gracePeriodSeconds: may only be set when purgeMode is Gracefully (or Graciously), not Directly',
    '30',
  ],
  [
    'gracePeriodSeconds of 0',
    pp(...SELECTORS, 'propagateDeps: true', 'failover:', '  application:', '    decisionConditions: {}', '    gracePeriodSeconds: 0'),
    'spec.failover.application.gracePeriodSeconds: expected an integer between 1 and 2147483647, got 0',
    '0\n',
  ],
  [
    'purgeMode outside the enum',
    pp(...SELECTORS, 'propagateDeps: true', 'failover:', '  application:', '    decisionConditions: {}', '    purgeMode: Later'),
    'spec.failover.application.purgeMode: expected Directly, Gracefully, Never, Immediately or Graciously, got "Later"',
    'Later',
  ],
  [
    'gracePeriodSeconds with the legacy immediate purge',
    pp(...SELECTORS, 'propagateDeps: true', 'failover:', '  application:', '    decisionConditions: {}', '    purgeMode: Immediately', '    gracePeriodSeconds: 30'),
    'spec.failover.application.gracePeriodSeconds: may only be set when purgeMode is Gracefully (or Graciously), not Immediately',
    '30',
  ],
  [
    'gracePeriodSeconds with purge mode Never',
    pp(...SELECTORS, 'propagateDeps: true', 'failover:', '  application:', '    decisionConditions: {}', '    purgeMode: Never', '    gracePeriodSeconds: 30'),
    'spec.failover.application.gracePeriodSeconds: may only be set when purgeMode is Gracefully (or Graciously), not Never',
    '30',
  ],
  [
    'a negative application tolerationSeconds',
    pp(...SELECTORS, 'propagateDeps: true', 'failover:', '  application:', '    decisionConditions: {tolerationSeconds: -1}'),
    'spec.failover.application.decisionConditions.tolerationSeconds: expected an integer between 0 and 2147483647, got -1',
    '-1',
  ],
  [
    'a cluster failover purge mode Never (only Directly or Gracefully)',
    pp(...SELECTORS, 'failover:', '  cluster: {purgeMode: Never}'),
    'spec.failover.cluster.purgeMode: expected Directly or Gracefully, got "Never"',
    'Never',
  ],
  [
    'application failover without decisionConditions',
    pp(...SELECTORS, 'propagateDeps: true', 'failover:', '  application:', '    purgeMode: Directly'),
    'spec.failover.application.decisionConditions: is required',
    'application',
  ],
  ['a misspelt placement field', pp(...SELECTORS, 'placement:', '  clusterAfinity: {clusterNames: [member1]}'), 'spec.placement.clusterAfinity: unknown field', 'clusterAfinity'],
  [
    'a placement written at the top level',
    yamlLines('apiVersion: policy.karmada.io/v1alpha1', 'kind: PropagationPolicy', 'metadata: {name: web}', 'spec:', ...SELECTORS.map((l) => `  ${l}`), 'placement: {}'),
    'placement: unknown field (a top-level field; should it be under spec?)',
    'placement',
  ],
  [
    'a toleration operator outside the enum',
    pp(...SELECTORS, 'placement:', '  clusterTolerations:', '    - {key: gpu, operator: Lt, value: "4"}'),
    'spec.placement.clusterTolerations[0].operator: expected Exists, Equal or "", got "Lt"',
    'Lt',
  ],
  [
    'a toleration with Exists and a value',
    pp(...SELECTORS, 'placement:', '  clusterTolerations:', '    - {key: gpu, operator: Exists, value: "yes"}'),
    'spec.placement.clusterTolerations[0].value: must be empty when operator is Exists',
    '"yes"',
  ],
  [
    'a selector in another namespace',
    pp('resourceSelectors:', '  - {apiVersion: apps/v1, kind: Deployment, namespace: other}'),
    'spec.resourceSelectors[0].namespace: must be empty or the policy\'s own namespace "shop" (a PropagationPolicy cannot reach other namespaces), got "other"',
    'other',
  ],
  ['a missing spec', yamlLines('apiVersion: policy.karmada.io/v1alpha1', 'kind: PropagationPolicy', 'metadata: {name: web}'), 'spec: is required', 'apiVersion'],
  [
    'a name longer than 63 characters',
    policy('PropagationPolicy', SELECTORS, [`  name: ${'p'.repeat(64)}`]),
    'metadata.name: must be at most 63 characters for a PropagationPolicy, got 64',
    'p'.repeat(64),
  ],
  ['a wrong API version', yamlLines('apiVersion: policy.karmada.io/v1beta1', 'kind: PropagationPolicy', 'metadata: {name: web}', 'spec:', ...SELECTORS.map((l) => `  ${l}`)), 'apiVersion: expected policy.karmada.io/v1alpha1, got "policy.karmada.io/v1beta1"', 'policy.karmada.io/v1beta1'],
  ['priority that is not an integer', pp(...SELECTORS, 'priority: high'), 'spec.priority: expected an integer between -2147483648 and 2147483647, got "high"', 'high'],
  ['a string field given a number', pp(...SELECTORS, 'schedulerName: 7'), 'spec.schedulerName: expected a string, got 7; quote it', '7'],
];

describe('PropagationPolicy validation (Karmada rules)', () => {
  it.each(INVALID)('%s', (_, text, message, needle, occurrence = 0) => {
    const fleet = loadTexts({ 'policies/p.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'policies/p.yaml', ...positionOf(text, needle, occurrence), message }]);
    expect(fleet.propagationPolicies).toEqual([]);
    expect(fleet.invalidPolicies).toHaveLength(1);
    expect(fleet.brokenFiles).toEqual([]);
  });

  it('applies to ClusterPropagationPolicies too', () => {
    const text = policy('ClusterPropagationPolicy', [...SELECTORS, 'placement:', '  replicaScheduling: {replicaSchedulingType: Both}'], ['  name: all']);
    const fleet = loadTexts({ 'policies/c.yaml': text });
    expect(fleet.errors.map((e) => e.message)).toEqual(['spec.placement.replicaScheduling.replicaSchedulingType: expected Duplicated or Divided, got "Both"']);
    expect(fleet.invalidPolicies.map((p) => [p.kind, p.namespace, p.name])).toEqual([['ClusterPropagationPolicy', '', 'all']]);
  });

  it('reports every problem of a policy, not only the first', () => {
    const text = pp('resourceSelectors:', '  - {apiVersion: apps/v1, kind: Deployment}', 'preemption: Always', 'placement:', '  replicaScheduling: {replicaSchedulingType: Divded}');
    const fleet = loadTexts({ 'policies/p.yaml': text });
    expect(fleet.errors).toHaveLength(2);
  });

  it('accepts every valid shape without a problem', () => {
    const text = pp(
      'resourceSelectors:',
      '  - {apiVersion: apps/v1, kind: Deployment, name: web}',
      '  - apiVersion: v1',
      '    kind: ConfigMap',
      '    labelSelector:',
      '      matchLabels: {app.kubernetes.io/name: web}',
      '      matchExpressions: [{key: tier, operator: NotIn, values: [cache]}, {key: legacy, operator: DoesNotExist}]',
      'propagateDeps: true',
      'priority: 10',
      'preemption: Never',
      'conflictResolution: Overwrite',
      'activationPreference: Lazy',
      'dependentOverrides: [web-canary]',
      'preserveResourcesOnDeletion: true',
      'suspension: {dispatchingOnClusters: {clusterNames: [member3]}}',
      'failover:',
      '  application:',
      '    decisionConditions: {tolerationSeconds: 120}',
      '    purgeMode: Gracefully',
      '    gracePeriodSeconds: 60',
      '    statePreservation: {rules: [{aliasLabelName: example.com/state, jsonPath: "{.jobStatus.id}"}]}',
      '  cluster: {purgeMode: Directly}',
      'placement:',
      '  clusterAffinities:',
      '    - {affinityName: primary, labelSelector: {matchLabels: {tier: primary}}, exclude: [member9]}',
      '    - affinityName: backup',
      '      fieldSelector: {matchExpressions: [{key: zone, operator: NotIn, values: [z1]}]}',
      '  clusterTolerations:',
      '    - {key: dedicated, operator: Equal, value: shop, effect: NoExecute, tolerationSeconds: 30}',
      '    - {operator: Exists}',
      '  spreadConstraints:',
      '    - {spreadByField: region, minGroups: 2, maxGroups: 2}',
      '    - {spreadByField: cluster, minGroups: 2, maxGroups: 4}',
      '  replicaScheduling:',
      '    replicaSchedulingType: Divided',
      '    replicaDivisionPreference: Weighted',
      '    weightPreference: {dynamicWeight: AvailableReplicas}',
    );
    const fleet = loadTexts({ 'policies/p.yaml': text });
    expect(fleet.errors).toEqual([]);
    expect(fleet.warnings).toEqual([]);
    expect(fleet.propagationPolicies).toHaveLength(1);
    expect(fleet.invalidPolicies).toEqual([]);
  });

  it('warns about Karmada fields Flotilla does not implement and still uses the policy', () => {
    const text = pp(...SELECTORS, 'schedulePriority: {priorityClassSource: KubePriorityClass, priorityClassName: high}');
    const fleet = loadTexts({ 'policies/p.yaml': text });
    expect(fleet.errors).toEqual([]);
    expect(fleet.warnings).toEqual([{ file: 'policies/p.yaml', ...positionOf(text, 'schedulePriority'), message: 'spec.schedulePriority: schedulePriority is not supported by Flotilla; ignored' }]);
    expect(fleet.propagationPolicies).toHaveLength(1);
  });
});

describe('an invalid PropagationPolicy keeps the selectors that could be read', () => {
  it('keeps names, label selectors and namespaces, and drops unreadable entries', () => {
    const text = pp(
      'resourceSelectors:',
      '  - {apiVersion: apps/v1, kind: Deployment, name: web}',
      '  - {apiVersion: v1, kind: ConfigMap, labelSelector: {matchLabels: {app: web}}}',
      '  - {apiVersion: v1, kind: Secret, labelSelector: {matchExpressions: [{key: a, operator: In}]}}',
      '  - {kind: Service}',
      '  - just a string',
      'placement: {replicaScheduling: {replicaSchedulingType: Divded}}',
    );
    const fleet = loadTexts({ 'policies/p.yaml': text });
    expect(fleet.invalidPolicies).toEqual([
      {
        kind: 'PropagationPolicy',
        name: 'web',
        namespace: 'shop',
        resourceSelectors: [
          { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
          { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', labelSelector: { matchLabels: { app: 'web' } } },
          // The unreadable label selector is dropped: the selector then covers more, never fewer, resources.
          { apiVersion: 'v1', kind: 'Secret', namespace: 'shop' },
        ],
        source: { file: 'policies/p.yaml', line: 1, column: 1 },
      },
    ]);
  });

  it('keeps a policy whose name cannot be read, and marks its file broken', () => {
    const text = yamlLines('apiVersion: policy.karmada.io/v1alpha1', 'kind: PropagationPolicy', 'metadata: {namespace: shop}', 'spec:', ...SELECTORS.map((l) => `  ${l}`));
    const fleet = loadTexts({ 'policies/p.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'policies/p.yaml', ...positionOf(text, 'metadata'), message: 'metadata.name: is required' }]);
    expect(fleet.brokenFiles).toEqual(['policies/p.yaml']);
    expect(fleet.invalidPolicies).toEqual([
      { kind: 'PropagationPolicy', name: '', namespace: 'shop', resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }], source: { file: 'policies/p.yaml', line: 1, column: 1 } },
    ]);
  });
});

describe('PropagationPolicy defaults (Karmada webhook and CRD)', () => {
  const load = (...specLines: string[]) => {
    const fleet = loadTexts({ 'policies/p.yaml': pp(...specLines) });
    expect(fleet.errors).toEqual([]);
    return fleet.propagationPolicies[0]!;
  };

  it('fills the policy namespace into selectors, and defaults the rest', () => {
    const doc = load(...SELECTORS);
    expect(doc).toEqual({
      kind: 'PropagationPolicy',
      name: 'web',
      namespace: 'shop',
      labels: {},
      spec: {
        resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' }],
        placement: {},
        priority: 0,
        preemption: 'Never',
        conflictResolution: 'Abort',
        schedulerName: 'default-scheduler',
      },
      source: { file: 'policies/p.yaml', line: 1, column: 1 },
    });
  });

  it('defaults the namespace of a PropagationPolicy to default', () => {
    const fleet = loadTexts({ 'policies/p.yaml': policy('PropagationPolicy', SELECTORS, ['  name: web']) });
    expect(fleet.propagationPolicies[0]!.namespace).toBe('default');
    expect(fleet.propagationPolicies[0]!.spec.resourceSelectors[0]!.namespace).toBe('default');
  });

  it('leaves a ClusterPropagationPolicy selector without namespace as "any namespace"', () => {
    const fleet = loadTexts({ 'policies/c.yaml': policy('ClusterPropagationPolicy', SELECTORS, ['  name: all']) });
    expect(fleet.errors).toEqual([]);
    expect(fleet.propagationPolicies[0]!.namespace).toBe('');
    expect(fleet.propagationPolicies[0]!.spec.resourceSelectors[0]!.namespace).toBeUndefined();
  });

  it('warns that a ClusterPropagationPolicy namespace is ignored', () => {
    const text = policy('ClusterPropagationPolicy', SELECTORS, ['  name: all', '  namespace: shop']);
    const fleet = loadTexts({ 'policies/c.yaml': text });
    expect(fleet.warnings).toEqual([{ file: 'policies/c.yaml', ...positionOf(text, 'shop'), message: 'metadata.namespace: ClusterPropagationPolicy is cluster-scoped; the namespace is ignored' }]);
    expect(fleet.propagationPolicies[0]!.namespace).toBe('');
  });

  it.each([
    ['replicaScheduling without a type is Divided and Weighted', ['placement:', '  replicaScheduling: {}'], { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' }],
    ['Divided without a preference is Weighted', ['placement:', '  replicaScheduling: {replicaSchedulingType: Divided}'], { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' }],
    ['Divided Aggregated stays', ['placement:', '  replicaScheduling: {replicaDivisionPreference: Aggregated}'], { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' }],
    ['Duplicated gets no preference', ['placement:', '  replicaScheduling: {replicaSchedulingType: Duplicated}'], { replicaSchedulingType: 'Duplicated' }],
  ])('%s', (_, lines, expected) => {
    expect(load(...SELECTORS, ...lines).spec.placement.replicaScheduling).toEqual(expected);
  });

  it('leaves an absent replicaScheduling absent (Duplicated semantics)', () => {
    expect(load(...SELECTORS, 'placement: {clusterAffinity: {clusterNames: [a]}}').spec.placement.replicaScheduling).toBeUndefined();
  });

  it('defaults spread constraints to spreadByField cluster and minGroups 1', () => {
    const doc = load(...SELECTORS, 'placement:', '  spreadConstraints:', '    - {maxGroups: 2}', '    - {spreadByField: region, minGroups: 0, maxGroups: 2}');
    expect(doc.spec.placement.spreadConstraints).toEqual([
      { maxGroups: 2, spreadByField: 'cluster', minGroups: 1 },
      { spreadByField: 'region', minGroups: 1, maxGroups: 2 },
    ]);
  });

  it('leaves a spreadByLabel constraint without spreadByField', () => {
    const doc = load(...SELECTORS, 'placement:', '  spreadConstraints:', '    - {spreadByLabel: rack, maxGroups: 2}');
    expect(doc.spec.placement.spreadConstraints).toEqual([{ spreadByLabel: 'rack', maxGroups: 2, minGroups: 1 }]);
  });

  it('defaults application failover like the webhook', () => {
    const doc = load(...SELECTORS, 'propagateDeps: true', 'failover:', '  application:', '    decisionConditions: {}', '  cluster: {}');
    expect(doc.spec.failover).toEqual({
      application: { decisionConditions: { tolerationSeconds: 300 }, purgeMode: 'Gracefully', gracePeriodSeconds: 600 },
      cluster: { purgeMode: 'Gracefully' },
    });
  });

  it('gives no grace period to a direct purge', () => {
    const doc = load(...SELECTORS, 'propagateDeps: true', 'failover:', '  application:', '    decisionConditions: {tolerationSeconds: 0}', '    purgeMode: Directly');
    expect(doc.spec.failover?.application).toEqual({ decisionConditions: { tolerationSeconds: 0 }, purgeMode: 'Directly' });
  });

  it.each([
    ['Immediately', { decisionConditions: { tolerationSeconds: 300 }, purgeMode: 'Directly' }],
    ['Graciously', { decisionConditions: { tolerationSeconds: 300 }, purgeMode: 'Gracefully', gracePeriodSeconds: 600 }],
    ['Never', { decisionConditions: { tolerationSeconds: 300 }, purgeMode: 'Never' }],
  ])('reads the purge mode %s as the current spelling, so later stages see one name per mode', (mode, expected) => {
    const doc = load(...SELECTORS, 'propagateDeps: true', 'failover:', '  application:', '    decisionConditions: {}', `    purgeMode: ${mode}`);
    expect(doc.spec.failover?.application).toEqual(expected);
  });

  it('keeps a written cluster failover purge mode', () => {
    const doc = load(...SELECTORS, 'failover: {cluster: {purgeMode: Directly}}');
    expect(doc.spec.failover).toEqual({ cluster: { purgeMode: 'Directly' } });
  });

  it('turns on propagateDeps for ServiceImport selectors', () => {
    const doc = load('resourceSelectors:', '  - {apiVersion: multicluster.x-k8s.io/v1alpha1, kind: ServiceImport, name: web}', 'failover: {application: {decisionConditions: {}}}');
    expect(doc.spec.propagateDeps).toBe(true);
  });

  it('keeps values that are written', () => {
    const doc = load(...SELECTORS, 'priority: -3', 'preemption: Always', 'conflictResolution: Overwrite', 'schedulerName: other');
    expect([doc.spec.priority, doc.spec.preemption, doc.spec.conflictResolution, doc.spec.schedulerName]).toEqual([-3, 'Always', 'Overwrite', 'other']);
  });
});
