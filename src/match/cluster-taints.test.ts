import { describe, expect, it } from 'vitest';
import type { ClusterDef, ClusterStatus, ClusterTaintPolicyDoc } from '../model/fleet.js';
import type { ClusterTaintPolicySpec, MatchCondition } from '../model/karmada.js';
import type { Condition, Taint } from '../model/kube.js';
import { allConditionsMatch, nextClusterTaints, nextFleetTaints } from './cluster-taints.js';

const T0 = '2026-01-01T00:00:00Z';
const NOW = '2026-01-01T00:05:00Z';

function cluster(name: string, labels: Record<string, string> = {}, region?: string): ClusterDef {
  return { name, labels, annotations: {}, spec: { syncMode: 'Push', ...(region ? { region } : {}) }, source: { file: `clusters/${name}.yaml`, line: 1, column: 1 } };
}

function policy(name: string, spec: Partial<ClusterTaintPolicySpec>): ClusterTaintPolicyDoc {
  return { name, spec: { taints: [{ key: 'cluster.karmada.io/not-ready', effect: 'NoSchedule' }], ...spec }, source: { file: `policies/${name}.yaml`, line: 1, column: 1 } };
}

const ready = (status: Condition['status']): Condition[] => [{ type: 'Ready', status }];
const inReady = (...statusValues: string[]): MatchCondition => ({ conditionType: 'Ready', operator: 'In', statusValues });
const notInReady = (...statusValues: string[]): MatchCondition => ({ conditionType: 'Ready', operator: 'NotIn', statusValues });
const notReadyTaint = (timeAdded?: string): Taint => ({ key: 'cluster.karmada.io/not-ready', effect: 'NoSchedule', ...(timeAdded ? { timeAdded } : {}) });

const NOT_READY_POLICY = policy('not-ready', { addOnConditions: [inReady('False', 'Unknown')], removeOnConditions: [inReady('True')] });

describe('allConditionsMatch', () => {
  it.each<[string, Condition[], MatchCondition[] | undefined, boolean]>([
    ['In with the status listed', ready('False'), [inReady('False')], true],
    ['In without it', ready('True'), [inReady('False', 'Unknown')], false],
    ['NotIn with the status listed', ready('True'), [notInReady('True')], false],
    ['NotIn without it', ready('Unknown'), [notInReady('True')], true],
    ['In on a condition the cluster does not have', ready('False'), [{ conditionType: 'NetworkReady', operator: 'In', statusValues: ['False'] }], false],
    ['NotIn on a condition the cluster does not have (Karmada: no match)', ready('False'), [{ conditionType: 'NetworkReady', operator: 'NotIn', statusValues: ['True'] }], false],
    ['an empty list', ready('False'), [], false],
    ['an absent list', ready('False'), undefined, false],
    ['entries are ANDed: all match', [...ready('False'), { type: 'Zonal', status: 'True' }], [inReady('False'), { conditionType: 'Zonal', operator: 'In', statusValues: ['True'] }], true],
    ['entries are ANDed: one fails', [...ready('False'), { type: 'Zonal', status: 'False' }], [inReady('False'), { conditionType: 'Zonal', operator: 'In', statusValues: ['True'] }], false],
  ])('%s', (_, conditions, matches, expected) => {
    expect(allConditionsMatch(conditions, matches)).toBe(expected);
  });
});

describe('nextClusterTaints', () => {
  const CASES: [string, { cluster?: ClusterDef; conditions: Condition[]; current: Taint[]; policies: ClusterTaintPolicyDoc[] }, Taint[]][] = [
    ['adds the taint with the time it was added', { conditions: ready('False'), current: [], policies: [NOT_READY_POLICY] }, [notReadyTaint(NOW)]],
    ['keeps timeAdded of a taint already there', { conditions: ready('Unknown'), current: [notReadyTaint(T0)], policies: [NOT_READY_POLICY] }, [notReadyTaint(T0)]],
    ['removes it when the remove conditions match', { conditions: ready('True'), current: [notReadyTaint(T0)], policies: [NOT_READY_POLICY] }, []],
    ['adds nothing when the cluster is fine', { conditions: ready('True'), current: [], policies: [NOT_READY_POLICY] }, []],
    [
      'remove wins when both lists match',
      { conditions: ready('False'), current: [notReadyTaint(T0)], policies: [policy('both', { addOnConditions: [inReady('False')], removeOnConditions: [notInReady('True')] })] },
      [],
    ],
    [
      'leaves a taint alone when neither list matches',
      { conditions: ready('Unknown'), current: [notReadyTaint(T0)], policies: [policy('p', { addOnConditions: [inReady('False')], removeOnConditions: [inReady('True')] })] },
      [notReadyTaint(T0)],
    ],
    ['keeps a taint whose policy is gone', { conditions: ready('True'), current: [notReadyTaint(T0)], policies: [] }, [notReadyTaint(T0)]],
    [
      'keeps a taint when the policy no longer targets the cluster',
      { conditions: ready('True'), current: [notReadyTaint(T0)], policies: [policy('p', { ...NOT_READY_POLICY.spec, targetClusters: { clusterNames: ['other'] } })] },
      [notReadyTaint(T0)],
    ],
    [
      'does not add to a cluster outside targetClusters (labels)',
      { cluster: cluster('m1', { tier: 'core' }), conditions: ready('False'), current: [], policies: [policy('p', { ...NOT_READY_POLICY.spec, targetClusters: { labelSelector: { matchLabels: { tier: 'edge' } } } })] },
      [],
    ],
    [
      'adds to a cluster inside targetClusters (field selector)',
      {
        cluster: cluster('m1', {}, 'eu'),
        conditions: ready('False'),
        current: [],
        policies: [policy('p', { ...NOT_READY_POLICY.spec, targetClusters: { fieldSelector: { matchExpressions: [{ key: 'region', operator: 'In', values: ['eu'] }] } } })],
      },
      [notReadyTaint(NOW)],
    ],
    [
      'identifies a taint by key and effect: another value is not added again nor changed',
      { conditions: ready('False'), current: [{ ...notReadyTaint(T0), value: 'old' }], policies: [policy('p', { addOnConditions: [inReady('False')], taints: [{ key: 'cluster.karmada.io/not-ready', value: 'new', effect: 'NoSchedule' }] })] },
      [{ ...notReadyTaint(T0), value: 'old' }],
    ],
    [
      'the same key with another effect is another taint',
      { conditions: ready('False'), current: [notReadyTaint(T0)], policies: [policy('p', { addOnConditions: [inReady('False')], taints: [{ key: 'cluster.karmada.io/not-ready', effect: 'NoExecute' }] })] },
      [{ key: 'cluster.karmada.io/not-ready', effect: 'NoExecute', timeAdded: NOW }, notReadyTaint(T0)],
    ],
    [
      'several taints and policies, sorted by key and effect',
      {
        conditions: [...ready('False'), { type: 'DiskPressure', status: 'True' }],
        current: [{ key: 'z-manual', effect: 'NoSchedule' }],
        policies: [
          policy('disk', { addOnConditions: [{ conditionType: 'DiskPressure', operator: 'In', statusValues: ['True'] }], taints: [{ key: 'disk', value: 'full', effect: 'PreferNoSchedule' }] }),
          policy('not-ready', { addOnConditions: [inReady('False')], taints: [{ key: 'outage', effect: 'NoExecute' }, { key: 'outage', effect: 'NoSchedule' }] }),
        ],
      },
      [
        { key: 'disk', value: 'full', effect: 'PreferNoSchedule', timeAdded: NOW },
        { key: 'outage', effect: 'NoExecute', timeAdded: NOW },
        { key: 'outage', effect: 'NoSchedule', timeAdded: NOW },
        { key: 'z-manual', effect: 'NoSchedule' },
      ],
    ],
    [
      'removes only the policy’s own taints',
      { conditions: ready('True'), current: [notReadyTaint(T0), { key: 'maintenance', effect: 'NoSchedule', timeAdded: T0 }], policies: [NOT_READY_POLICY] },
      [{ key: 'maintenance', effect: 'NoSchedule', timeAdded: T0 }],
    ],
    [
      'a policy without conditions changes nothing',
      { conditions: ready('False'), current: [], policies: [policy('idle', {})] },
      [],
    ],
  ];

  it.each(CASES)('%s', (_, input, expected) => {
    expect(nextClusterTaints(input.cluster ?? cluster('m1'), input.conditions, input.current, input.policies, NOW)).toEqual(expected);
  });

  it.each(CASES)('is idempotent: %s', (_, input) => {
    const c = input.cluster ?? cluster('m1');
    const once = nextClusterTaints(c, input.conditions, input.current, input.policies, NOW);
    // A later pass with nothing changed gives the identical list (so identical bytes, so no commit).
    expect(nextClusterTaints(c, input.conditions, once, input.policies, '2026-01-01T01:00:00Z')).toEqual(once);
  });

  it('does not depend on the order of the policies or of the recorded taints', () => {
    const policies = [
      policy('a', { addOnConditions: [inReady('False')], taints: [{ key: 'a', effect: 'NoSchedule' }] }),
      policy('b', { addOnConditions: [inReady('False')], removeOnConditions: [inReady('False')], taints: [{ key: 'b', effect: 'NoSchedule' }] }),
      policy('c', { addOnConditions: [inReady('False')], taints: [{ key: 'c', effect: 'NoExecute' }] }),
    ];
    const current: Taint[] = [{ key: 'x', effect: 'NoSchedule', timeAdded: T0 }, { key: 'b', effect: 'NoSchedule', timeAdded: T0 }, { key: 'm', effect: 'PreferNoSchedule' }];
    const reference = nextClusterTaints(cluster('m1'), ready('False'), current, policies, NOW);
    expect(reference.map((t) => t.key)).toEqual(['a', 'c', 'm', 'x']);
    for (const order of [[2, 0, 1], [1, 2, 0], [0, 2, 1]]) {
      expect(nextClusterTaints(cluster('m1'), ready('False'), [...current].reverse(), order.map((i) => policies[i]!), NOW)).toEqual(reference);
    }
  });

  it('does not modify its inputs, and drops fields a taint does not have', () => {
    const current = [{ ...notReadyTaint(T0), extra: 1 } as Taint];
    const before = JSON.stringify(current);
    expect(nextClusterTaints(cluster('m1'), ready('False'), current, [NOT_READY_POLICY], NOW)).toEqual([notReadyTaint(T0)]);
    expect(JSON.stringify(current)).toBe(before);
  });
});

describe('nextFleetTaints', () => {
  it('answers for every cluster from the statuses to be recorded', () => {
    const statuses = new Map<string, ClusterStatus>([
      ['down', { conditions: ready('False') }],
      ['up', { conditions: ready('True'), taints: [notReadyTaint(T0)] }],
    ]);
    const result = nextFleetTaints([cluster('down'), cluster('new'), cluster('up')], statuses, [NOT_READY_POLICY], NOW);
    expect([...result]).toEqual([
      ['down', [notReadyTaint(NOW)]],
      ['new', []],
      ['up', []],
    ]);
  });
});
