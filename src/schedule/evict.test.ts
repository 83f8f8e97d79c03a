import { describe, expect, it } from 'vitest';
import type { GracefulEvictionTask } from '../model/eviction.js';
import type { Fleet } from '../model/fleet.js';
import type { Placement } from '../model/karmada.js';
import type { Taint, Toleration } from '../model/kube.js';
import { identityKey } from '../model/refs.js';
import { formatExplanation } from './explain.js';
import { scheduleFleet } from './schedule-fleet.js';
import { effectiveTolerations } from './taints.js';
import {
  capacityFor,
  cluster,
  configMap,
  deployment,
  fleet,
  invalidPolicy,
  placed,
  pp,
  ppRef,
  record,
  replicasByCluster,
  selectByName,
  selectKind,
  type PolicySpec,
} from './testing.js';

const NOT_READY = 'cluster.karmada.io/not-ready';
const UNREACHABLE = 'cluster.karmada.io/unreachable';
const DRAIN: Taint = { key: 'drain', effect: 'NoExecute' };
const DYNAMIC: Placement = { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } } };

const web = deployment('web', { replicas: 6, cpu: '1' });
const policyFor = (placement: Placement, extra: Omit<PolicySpec, 'placement'> = {}) =>
  pp('web', 'default', { resourceSelectors: [selectByName('Deployment', 'web')], placement, ...extra });
const roomy = { a: capacityFor(20), b: capacityFor(20), c: capacityFor(20) };

function schedule(f: Fleet) {
  const result = scheduleFleet(f);
  const decision = result.decisions[0]!;
  const explanation = result.explanations.get(identityKey(decision.resource))!;
  return { decision, explanation, text: formatExplanation(explanation), result };
}

const settings = (f: Fleet, defaultTolerationSeconds: number): Fleet => ({ ...f, settings: { ...f.settings, defaultTolerationSeconds } });

describe('effectiveTolerations: the webhook default not-ready/unreachable NoExecute tolerations', () => {
  const defaults = (seconds: number): Toleration[] => [
    { key: NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds },
    { key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds },
  ];

  it('adds both to a policy without tolerations, with the fleet default seconds', () => {
    expect(effectiveTolerations({}, 45)).toEqual({ all: defaults(45), defaulted: defaults(45) });
  });

  it('keeps the policy own tolerations first', () => {
    const own: Toleration = { key: 'gpu', operator: 'Exists' };
    expect(effectiveTolerations({ clusterTolerations: [own] }, 300).all).toEqual([own, ...defaults(300)]);
  });

  it('does not add one the policy lists with the same key, operator, value and effect, whatever its seconds', () => {
    const own: Toleration = { key: NOT_READY, operator: 'Exists', effect: 'NoExecute' };
    const effective = effectiveTolerations({ clusterTolerations: [own] }, 300);
    expect(effective.all).toEqual([own, defaults(300)[1]]);
    expect(effective.defaulted).toEqual([defaults(300)[1]]);
  });

  it.each<[string, Toleration]>([
    ['the same key for another effect', { key: NOT_READY, operator: 'Exists', effect: 'NoSchedule' }],
    ['the same key with operator Equal', { key: NOT_READY, operator: 'Equal', effect: 'NoExecute' }],
    ['an empty key with Exists (tolerates everything)', { operator: 'Exists' }],
    ['no effect (every effect)', { key: NOT_READY, operator: 'Exists' }],
  ])('still adds both next to %s (Karmada compares entries, not what they tolerate)', (_, own) => {
    expect(effectiveTolerations({ clusterTolerations: [own] }, 300).defaulted).toEqual(defaults(300));
  });
});

describe('scheduleFleet: an untolerated NoExecute taint evicts at once', () => {
  const drained = (f: Partial<Parameters<typeof fleet>[0]> = {}) =>
    fleet({
      clusters: [cluster('a'), cluster('b', { taints: [DRAIN] }), cluster('c')],
      statuses: roomy,
      policies: [policyFor(DYNAMIC)],
      templates: [web],
      placements: [record(web, ppRef('web'), placed(['a', 2], ['b', 2], ['c', 2]))],
      ...f,
    });

  it('Divided: removes the cluster, keeps the rest and places the lost replicas on the other candidates', () => {
    const { decision } = schedule(drained());
    expect(decision.scheduled).toBe(true);
    expect(decision.clusters.map((c) => c.name)).toEqual(['a', 'c']);
    const byCluster = replicasByCluster(decision.clusters);
    expect((byCluster['a'] ?? 0) + (byCluster['c'] ?? 0)).toBe(6);
    expect(byCluster['a']).toBeGreaterThanOrEqual(2);
    expect(byCluster['c']).toBeGreaterThanOrEqual(2);
    expect(decision.gracefulEvictionTasks).toEqual<GracefulEvictionTask[]>([
      {
        fromCluster: 'b',
        replicas: 2,
        reason: 'TaintUntolerated',
        message: 'taint drain:NoExecute on b (spec.taints in clusters/b.yaml) is not tolerated',
        producer: 'TaintManager',
        purgeMode: 'Gracefully',
      },
    ]);
  });

  it('Duplicated: the evicted cluster is replaced by a new candidate', () => {
    const f = drained({
      clusters: [cluster('a'), cluster('b', { taints: [DRAIN] }), cluster('c')],
      policies: [policyFor({})],
      placements: [record(web, ppRef('web'), placed(['a', 6], ['b', 6]))],
    });
    const { decision } = schedule(f);
    expect(decision.clusters).toEqual(placed(['a', 6], ['c', 6]));
    expect(decision.gracefulEvictionTasks?.map((t) => [t.fromCluster, t.replicas])).toEqual([['b', 6]]);
  });

  it('takes the purge mode from failover.cluster.purgeMode', () => {
    const { decision } = schedule(drained({ policies: [policyFor(DYNAMIC, { failover: { cluster: { purgeMode: 'Directly' } } })] }));
    expect(decision.gracefulEvictionTasks?.[0]?.purgeMode).toBe('Directly');
  });

  it('gives a task of an object without replicas no replica count', () => {
    const cm = configMap('settings');
    const f = fleet({
      clusters: [cluster('a'), cluster('b', { taints: [DRAIN] })],
      policies: [pp('cm', 'default', { resourceSelectors: [selectKind('ConfigMap')] })],
      templates: [cm],
      placements: [record(cm, ppRef('cm'), placed(['a', 0], ['b', 0]))],
    });
    const { decision } = schedule(f);
    expect(decision.clusters).toEqual(placed(['a', 0]));
    expect(decision.gracefulEvictionTasks).toHaveLength(1);
    expect(decision.gracefulEvictionTasks?.[0]).not.toHaveProperty('replicas');
  });

  it('names a taint ClusterTaintPolicies recorded under status.taints', () => {
    const statuses = { ...roomy, b: { ...capacityFor(20), taints: [{ key: 'outage', effect: 'NoExecute' as const, timeAdded: '2026-01-01T00:00:00Z' }] } };
    const { decision } = schedule(drained({ clusters: [cluster('a'), cluster('b'), cluster('c')], statuses }));
    expect(decision.gracefulEvictionTasks?.[0]?.message).toBe(
      'taint outage:NoExecute on b (status.taints in status/clusters/b.yaml, added 2026-01-01T00:00:00Z, by a ClusterTaintPolicy) is not tolerated',
    );
  });

  it.each<[string, Toleration]>([
    ['with tolerationSeconds (the controller evicts when they run out)', { key: 'drain', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }],
    ['without tolerationSeconds (tolerated for ever)', { key: 'drain', operator: 'Exists', effect: 'NoExecute' }],
  ])('does not evict for a tolerated NoExecute taint %s', (_, toleration) => {
    const { decision } = schedule(drained({ policies: [policyFor({ ...DYNAMIC, clusterTolerations: [toleration] })] }));
    expect(decision.clusters).toEqual(placed(['a', 2], ['b', 2], ['c', 2]));
    expect(decision).not.toHaveProperty('gracefulEvictionTasks');
  });

  it('does not evict for not-ready/unreachable NoExecute: the defaulted tolerations wait for the controller', () => {
    const statuses = { ...roomy, b: { ...capacityFor(20), taints: [{ key: NOT_READY, effect: 'NoExecute' as const, timeAdded: '2026-01-01T00:00:00Z' }] } };
    const { decision } = schedule(drained({ clusters: [cluster('a'), cluster('b'), cluster('c')], statuses }));
    expect(decision.clusters).toEqual(placed(['a', 2], ['b', 2], ['c', 2]));
    expect(decision).not.toHaveProperty('gracefulEvictionTasks');
  });

  it('admits a cluster whose only taint is not-ready:NoExecute as a new candidate, as the defaulted toleration covers it', () => {
    const statuses = { ...roomy, c: { ...capacityFor(20), taints: [{ key: NOT_READY, effect: 'NoExecute' as const }] } };
    const f = fleet({ clusters: [cluster('a'), cluster('c')], statuses, policies: [policyFor({})], templates: [web] });
    expect(schedule(f).decision.clusters).toEqual(placed(['a', 6], ['c', 6]));
  });

  it('does not evict for a NoSchedule taint (it only keeps new placements away)', () => {
    const { decision } = schedule(drained({ clusters: [cluster('a'), cluster('b', { taints: [{ key: 'drain', effect: 'NoSchedule' }] }), cluster('c')] }));
    expect(decision.clusters).toEqual(placed(['a', 2], ['b', 2], ['c', 2]));
  });

  it('moves on to the next clusterAffinities term when the evicted cluster was the only one of the current term', () => {
    const placement: Placement = {
      clusterAffinities: [
        { affinityName: 'primary', clusterNames: ['b'] },
        { affinityName: 'backup', clusterNames: ['c'] },
      ],
    };
    const f = drained({ policies: [policyFor(placement)], placements: [record(web, ppRef('web'), placed(['b', 6]), 'primary')] });
    const { decision } = schedule(f);
    expect(decision).toMatchObject({ scheduled: true, clusters: placed(['c', 6]), observedAffinityName: 'backup' });
    expect(decision.gracefulEvictionTasks?.map((t) => t.fromCluster)).toEqual(['b']);
  });

  it('lists the recorded tasks first, unchanged, then the new ones by cluster name', () => {
    const recorded: GracefulEvictionTask[] = [
      { fromCluster: 'z', replicas: 1, reason: 'ApplicationFailure', producer: 'ResourceBindingApplicationFailoverController', purgeMode: 'Never', creationTimestamp: '2026-01-01T00:00:00Z' },
      { fromCluster: 'y', reason: 'TaintUntolerated', producer: 'TaintManager', purgeMode: 'Directly' },
    ];
    const clusters = ['a', 'b', 'c', 'd'].map((n) => cluster(n, n === 'c' || n === 'b' ? { taints: [DRAIN] } : {}));
    const f = fleet({
      clusters,
      statuses: { ...roomy, d: capacityFor(20) },
      policies: [policyFor(DYNAMIC)],
      templates: [web],
      placements: [{ ...record(web, ppRef('web'), placed(['a', 2], ['c', 2], ['b', 2])), gracefulEvictionTasks: recorded }],
    });
    const { decision } = schedule(f);
    expect(decision.gracefulEvictionTasks?.map((t) => t.fromCluster)).toEqual(['z', 'y', 'b', 'c']);
    expect(decision.gracefulEvictionTasks?.slice(0, 2)).toEqual(recorded);
    expect(JSON.stringify(scheduleFleet(f).decisions)).toBe(JSON.stringify(scheduleFleet(f).decisions));
  });
});

describe('scheduleFleet: ClusterEviction keeps clusters with a task out of the candidates', () => {
  const task: GracefulEvictionTask = { fromCluster: 'b', replicas: 3, reason: 'TaintUntolerated', producer: 'TaintManager', purgeMode: 'Gracefully', creationTimestamp: '2026-01-01T00:00:00Z' };

  it('filters the cluster of a recorded task even when it fits, and keeps the task', () => {
    const f = fleet({
      clusters: [cluster('a'), cluster('b'), cluster('c')],
      statuses: roomy,
      policies: [policyFor({})],
      templates: [web],
      placements: [{ ...record(web, ppRef('web'), placed(['a', 6])), gracefulEvictionTasks: [task] }],
    });
    const { decision, explanation } = schedule(f);
    expect(decision.clusters).toEqual(placed(['a', 6], ['c', 6]));
    expect(decision.gracefulEvictionTasks).toEqual([task]);
    expect(explanation.terms[0]?.filtered).toEqual([
      { name: 'b', reasons: [{ rule: 'ClusterEviction', detail: 'being evicted: graceful eviction task since 2026-01-01T00:00:00Z (TaintUntolerated, TaintManager, purgeMode Gracefully)' }] },
    ]);
  });

  it('takes a task cluster out of the previous placement too (a hand-edited record)', () => {
    const f = fleet({
      clusters: [cluster('a'), cluster('b'), cluster('c')],
      statuses: roomy,
      policies: [policyFor(DYNAMIC)],
      templates: [web],
      placements: [{ ...record(web, ppRef('web'), placed(['a', 3], ['b', 3])), gracefulEvictionTasks: [task] }],
    });
    const { decision } = schedule(f);
    expect(decision.clusters.map((c) => c.name)).not.toContain('b');
    expect(decision.clusters.reduce((n, c) => n + c.replicas, 0)).toBe(6);
  });

  it('keeps the tasks of a template held for an invalid policy', () => {
    const f = fleet({
      clusters: [cluster('a'), cluster('b')],
      invalidPolicies: [invalidPolicy('PropagationPolicy', 'web', 'default', [selectByName('Deployment', 'web')])],
      templates: [web],
      placements: [{ ...record(web, ppRef('web'), placed(['a', 6])), gracefulEvictionTasks: [task] }],
    });
    const { decision } = schedule(f);
    expect(decision).toMatchObject({ reason: 'Unschedulable', clusters: placed(['a', 6]), gracefulEvictionTasks: [task] });
  });
});

describe('scheduleFleet: an eviction never empties a placement', () => {
  it('keeps the previous placement, cluster included, when nothing else can take the template', () => {
    const f = fleet({
      clusters: [cluster('a', { taints: [DRAIN] }), cluster('b', { taints: [{ key: 'full', effect: 'NoSchedule' }] })],
      statuses: { a: capacityFor(20), b: capacityFor(20) },
      policies: [policyFor(DYNAMIC)],
      templates: [web],
      placements: [record(web, ppRef('web'), placed(['a', 6]))],
    });
    const { decision, text } = schedule(f);
    expect(decision.scheduled).toBe(false);
    expect(decision.reason).toBe('Unschedulable');
    expect(decision.clusters).toEqual(placed(['a', 6]));
    expect(decision.message).toBe(
      'eviction from a not carried out, no other cluster can take the template: no cluster fits (0/2 available): TaintToleration rejects 2, ClusterEviction rejects 1',
    );
    expect(decision).not.toHaveProperty('gracefulEvictionTasks');
    expect(text).toContain('eviction from a not carried out: taint drain:NoExecute (spec.taints in clusters/a.yaml) is not tolerated, but no other cluster can take the template: no cluster fits');
  });

  it('keeps recorded tasks when a new eviction is not carried out', () => {
    const recorded: GracefulEvictionTask = { fromCluster: 'gone', reason: 'ApplicationFailure', producer: 'ResourceBindingApplicationFailoverController', purgeMode: 'Gracefully' };
    const f = fleet({
      clusters: [cluster('a', { taints: [DRAIN] })],
      statuses: { a: capacityFor(20) },
      policies: [policyFor({})],
      templates: [web],
      placements: [{ ...record(web, ppRef('web'), placed(['a', 6])), gracefulEvictionTasks: [recorded] }],
    });
    const { decision } = schedule(f);
    expect(decision).toMatchObject({ reason: 'Unschedulable', clusters: placed(['a', 6]), gracefulEvictionTasks: [recorded] });
  });
});

describe('why explains tolerations and evictions', () => {
  it('lists the considered tolerations, the defaulted ones marked, the evicted cluster, its taint and what replaced it', () => {
    const f = settings(
      fleet({
        clusters: [cluster('a'), cluster('b', { taints: [DRAIN] }), cluster('c')],
        statuses: roomy,
        policies: [policyFor({ clusterTolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }] })],
        templates: [web],
        placements: [record(web, ppRef('web'), placed(['a', 6], ['b', 6]))],
      }),
      30,
    );
    const { explanation, text } = schedule(f);
    expect(explanation.tolerations.map((t) => t.defaulted)).toEqual([false, true, true]);
    expect(text).toContain(
      'tolerations: gpu Exists:NoSchedule, cluster.karmada.io/not-ready Exists:NoExecute for 30s (defaulted), cluster.karmada.io/unreachable Exists:NoExecute for 30s (defaulted)',
    );
    expect(text).toContain('evicted from b now: taint drain:NoExecute (spec.taints in clusters/b.yaml) is not tolerated, 6 replica(s), purgeMode Gracefully; replaced by c +6');
    expect(text).toContain('b: TaintToleration: untolerated taint drain:NoExecute (spec.taints in clusters/b.yaml); ClusterEviction: being evicted now: taint drain:NoExecute on b');
    expect(explanation.evictions).toMatchObject([{ cluster: 'b', state: 'Evicted', replacedBy: placed(['c', 6]) }]);
  });

  it('describes a recorded task', () => {
    const task: GracefulEvictionTask = { fromCluster: 'b', replicas: 2, reason: 'ApplicationFailure', producer: 'ResourceBindingApplicationFailoverController', purgeMode: 'Never', creationTimestamp: '2026-02-03T04:05:06Z' };
    const f = fleet({
      clusters: [cluster('a'), cluster('b')],
      policies: [policyFor({})],
      templates: [web],
      placements: [{ ...record(web, ppRef('web'), placed(['a', 6])), gracefulEvictionTasks: [task] }],
    });
    expect(schedule(f).text).toContain(
      'being evicted from b since 2026-02-03T04:05:06Z (ApplicationFailure, ResourceBindingApplicationFailoverController, 2 replica(s), purgeMode Never): not a candidate; the old copy is kept until the task is cleared',
    );
  });
});
