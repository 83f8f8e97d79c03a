import { describe, expect, it } from 'vitest';
import type { HealthStatus } from '../../model/fleet.js';
import type { KubeObject } from '../../model/kube.js';
import { canonicalJson } from '../../util/canonical.js';
import { aggregateStatus, type MemberStatus } from '../index.js';
import { fromYaml } from '../testing.js';

const deployment = fromYaml('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 5}');

function member(cluster: string, status: Record<string, unknown> | null, health: HealthStatus = 'Healthy', applied = true): MemberStatus {
  return { cluster, applied, health, status };
}

describe('aggregated health', () => {
  it.each<[string, MemberStatus[], HealthStatus]>([
    ['all healthy', [member('a', {}), member('b', {})], 'Healthy'],
    ['one progressing', [member('a', {}), member('b', {}, 'Progressing')], 'Progressing'],
    ['degraded beats progressing', [member('a', {}, 'Degraded'), member('b', {}, 'Progressing')], 'Degraded'],
    ['not applied on one member counts as Missing', [member('a', {}), member('b', null, 'Healthy', false)], 'Missing'],
    ['not applied and unreachable stays Unknown', [member('a', {}), member('b', null, 'Unknown', false)], 'Unknown'],
    ['not applied anywhere', [member('a', null, 'Missing', false), member('b', null, 'Missing', false)], 'Missing'],
    ['suspended and healthy', [member('a', {}, 'Suspended'), member('b', {})], 'Suspended'],
    ['no members', [], 'Unknown'],
  ])('%s', (_, members, expected) => {
    expect(aggregateStatus(deployment, members).health).toBe(expected);
  });
});

describe('Deployment, StatefulSet, DaemonSet counters', () => {
  it('sums the counters of every member (the Placement example in docs/fleet-repository.md)', () => {
    const out = aggregateStatus(deployment, [
      member('member1', { observedGeneration: 4, replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 }),
      member('member2', { observedGeneration: 7, replicas: 1, readyReplicas: 0, availableReplicas: 0, updatedReplicas: 1, unavailableReplicas: 1 }, 'Progressing'),
    ]);
    expect(out).toEqual({ health: 'Progressing', replicas: 3, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 3, unavailableReplicas: 1 });
    expect(Object.keys(out)).toEqual(['availableReplicas', 'health', 'readyReplicas', 'replicas', 'unavailableReplicas', 'updatedReplicas']);
  });

  it('counts a member without status as zero, and takes the status from the object when not given separately', () => {
    const live = fromYaml('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, generation: 3}\nstatus: {observedGeneration: 3, replicas: 4, readyReplicas: 4}');
    const out = aggregateStatus(deployment, [{ cluster: 'b', applied: true, health: 'Healthy', object: live }, member('a', null, 'Unknown')]);
    expect(out).toMatchObject({ replicas: 4, readyReplicas: 4, availableReplicas: 0, health: 'Unknown' });
  });

  it('reports the template generation as observed only when every member has caught up', () => {
    const template = fromYaml('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, generation: 9}\nstatus: {observedGeneration: 8}');
    const live = (gen: number, observed: number) => fromYaml(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, generation: ${gen}}\nstatus: {observedGeneration: ${observed}}`);
    const m = (cluster: string, o: KubeObject): MemberStatus => ({ cluster, applied: true, health: 'Healthy', object: o });
    expect(aggregateStatus(template, [m('a', live(3, 3)), m('b', live(5, 5))]).observedGeneration).toBe(9);
    // One member's controller has not seen its latest spec: keep the previous value.
    expect(aggregateStatus(template, [m('a', live(3, 3)), m('b', live(6, 5))]).observedGeneration).toBe(8);
    // Templates from Git normally carry no generation: then the field is not invented.
    expect(aggregateStatus(deployment, [m('a', live(3, 3))])).not.toHaveProperty('observedGeneration');
  });

  it('sums StatefulSet counters', () => {
    const sts = fromYaml('apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}');
    const out = aggregateStatus(sts, [
      member('a', { replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      member('b', { replicas: 2, readyReplicas: 1, currentReplicas: 2, updatedReplicas: 0, availableReplicas: 1 }),
    ]);
    expect(out).toEqual({ health: 'Healthy', replicas: 5, readyReplicas: 4, currentReplicas: 5, updatedReplicas: 3, availableReplicas: 4 });
  });

  it('sums the seven DaemonSet counters', () => {
    const ds = fromYaml('apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}');
    const s = { currentNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: 2, numberMisscheduled: 0, numberReady: 2, updatedNumberScheduled: 3, numberUnavailable: 1 };
    const out = aggregateStatus(ds, [member('a', s), member('b', s)]);
    expect(out).toEqual({
      health: 'Healthy',
      currentNumberScheduled: 6,
      desiredNumberScheduled: 6,
      numberAvailable: 4,
      numberMisscheduled: 0,
      numberReady: 4,
      updatedNumberScheduled: 6,
      numberUnavailable: 2,
    });
  });
});

describe('Job', () => {
  const job = fromYaml('apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: shop}');
  const complete = (start: string, end: string) => ({
    succeeded: 1,
    startTime: start,
    completionTime: end,
    conditions: [{ type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastTransitionTime: end }],
  });

  it('is Complete only when every member completed, with the earliest start and latest completion', () => {
    const out = aggregateStatus(job, [member('b', complete('2025-03-01T10:00:05Z', '2025-03-01T10:03:00Z')), member('a', complete('2025-03-01T10:00:00Z', '2025-03-01T10:02:00Z'))]);
    expect(out).toEqual({
      health: 'Healthy',
      active: 0,
      succeeded: 2,
      failed: 0,
      startTime: '2025-03-01T10:00:00Z',
      completionTime: '2025-03-01T10:03:00Z',
      conditions: [{ type: 'Complete', status: 'True', reason: 'Completed', message: 'Job completed' }],
    });
  });

  it('is not Complete while a member is still running, and has no completionTime', () => {
    const out = aggregateStatus(job, [member('a', complete('2025-03-01T10:00:00Z', '2025-03-01T10:02:00Z')), member('b', { active: 1, startTime: '2025-03-01T10:00:09Z' }, 'Progressing')]);
    expect(out).toEqual({ health: 'Progressing', active: 1, succeeded: 1, failed: 0, startTime: '2025-03-01T10:00:00Z' });
  });

  it('has no startTime until every member started, and no Complete while a member has no status', () => {
    const out = aggregateStatus(job, [member('a', complete('2025-03-01T10:00:00Z', '2025-03-01T10:02:00Z')), member('b', null, 'Missing', false)]);
    expect(out).not.toHaveProperty('startTime');
    expect(out).not.toHaveProperty('conditions');
    expect(out.health).toBe('Missing');
  });

  it('is Failed when any member failed, naming the clusters in order', () => {
    const failed = {
      failed: 3,
      startTime: '2025-03-01T10:00:00Z',
      conditions: [
        { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded' },
        { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
      ],
    };
    const out = aggregateStatus(job, [member('zeta', failed, 'Degraded'), member('alpha', failed, 'Degraded'), member('mid', complete('2025-03-01T10:00:00Z', '2025-03-01T10:01:00Z'))]);
    expect(out.conditions).toEqual([
      { type: 'FailureTarget', status: 'True', reason: 'JobFailed', message: 'Job failed in member clusters alpha, zeta' },
      { type: 'Failed', status: 'True', reason: 'JobFailed', message: 'Job failed in member clusters alpha, zeta' },
    ]);
    expect(out).toMatchObject({ failed: 6, succeeded: 1, health: 'Degraded' });
  });
});

describe('CronJob', () => {
  it('joins active Jobs in cluster order and keeps the latest times', () => {
    const cj = fromYaml('apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report}');
    const ref = (uid: string) => ({ apiVersion: 'batch/v1', kind: 'Job', name: 'report-29011', namespace: 'shop', uid });
    const out = aggregateStatus(cj, [
      member('b', { active: [ref('u-b')], lastScheduleTime: '2025-03-01T11:00:00Z', lastSuccessfulTime: '2025-03-01T10:01:00Z' }, 'Progressing'),
      member('a', { lastScheduleTime: '2025-03-01T10:00:00Z', lastSuccessfulTime: '2025-03-01T10:02:00Z' }),
      member('c', {}),
    ]);
    expect(out).toEqual({ health: 'Progressing', active: [ref('u-b')], lastScheduleTime: '2025-03-01T11:00:00Z', lastSuccessfulTime: '2025-03-01T10:02:00Z' });
  });
});

describe('Service and Ingress', () => {
  const lb = (points: unknown[]) => ({ loadBalancer: { ingress: points } });

  it('joins load-balancer ingress points, naming the cluster where the hostname is empty', () => {
    const svc = fromYaml('apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer}');
    const out = aggregateStatus(svc, [member('member2', lb([{ hostname: 'web.eu.example.net' }])), member('member1', lb([{ ip: '203.0.113.7', ipMode: 'VIP' }])), member('member3', {}, 'Progressing')]);
    expect(out).toEqual({
      health: 'Progressing',
      loadBalancer: { ingress: [{ hostname: 'member1', ip: '203.0.113.7', ipMode: 'VIP' }, { hostname: 'web.eu.example.net' }] },
    });
  });

  it('adds nothing for a Service that is not a LoadBalancer', () => {
    const svc = fromYaml('apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ClusterIP}');
    expect(aggregateStatus(svc, [member('a', { loadBalancer: {} })])).toEqual({ health: 'Healthy' });
  });

  it('does the same for an Ingress', () => {
    const ing = fromYaml('apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}');
    const out = aggregateStatus(ing, [member('a', lb([{ ip: '10.0.0.1' }])), member('b', lb([{ ip: '10.0.0.2', hostname: '' }]))]);
    expect(out.loadBalancer).toEqual({ ingress: [{ ip: '10.0.0.1', hostname: 'a' }, { ip: '10.0.0.2', hostname: 'b' }] });
  });
});

describe('Pod, PersistentVolume, PersistentVolumeClaim', () => {
  const pod = fromYaml('apiVersion: v1\nkind: Pod\nmetadata: {name: p}');
  it.each<[string, (Record<string, unknown> | null)[], string]>([
    ['Failed wins', [{ phase: 'Running' }, { phase: 'Failed' }, { phase: 'Pending' }], 'Failed'],
    ['Pending before Running', [{ phase: 'Running' }, { phase: 'Pending' }], 'Pending'],
    ['Running before Succeeded', [{ phase: 'Succeeded' }, { phase: 'Running' }], 'Running'],
    ['all Succeeded', [{ phase: 'Succeeded' }, { phase: 'Succeeded' }], 'Succeeded'],
    ['a member without status counts as Pending', [{ phase: 'Succeeded' }, null], 'Pending'],
  ])('Pod phase: %s', (_, statuses, phase) => {
    expect(aggregateStatus(pod, statuses.map((s, i) => member(`m${i}`, s))).phase).toBe(phase);
  });

  const pvc = fromYaml('apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}');
  it.each<[string, (Record<string, unknown> | null)[], string | undefined]>([
    ['all Bound', [{ phase: 'Bound' }, { phase: 'Bound' }], 'Bound'],
    ['one Pending', [{ phase: 'Bound' }, { phase: 'Pending' }], 'Pending'],
    ['Lost anywhere wins', [{ phase: 'Pending' }, { phase: 'Lost' }, { phase: 'Bound' }], 'Lost'],
    ['members without status are skipped', [null, { phase: 'Bound' }], 'Bound'],
    ['nothing reported: no phase is invented', [null, null], undefined],
  ])('PVC phase: %s', (_, statuses, phase) => {
    expect(aggregateStatus(pvc, statuses.map((s, i) => member(`m${i}`, s))).phase).toBe(phase);
  });

  it('PV phase: Failed > Pending > Available > Bound > Released, uncollected as Pending', () => {
    const pv = fromYaml('apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv}');
    expect(aggregateStatus(pv, [member('a', { phase: 'Released' }), member('b', { phase: 'Bound' })]).phase).toBe('Bound');
    expect(aggregateStatus(pv, [member('a', { phase: 'Available' }), member('b', null)]).phase).toBe('Pending');
    expect(aggregateStatus(pv, [member('a', { phase: 'Pending' }), member('b', { phase: 'Failed' })]).phase).toBe('Failed');
  });
});

describe('PodDisruptionBudget', () => {
  it('sums counters and keys disrupted pods by cluster', () => {
    const pdb = fromYaml('apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}');
    const out = aggregateStatus(pdb, [
      member('b', { currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, disruptionsAllowed: 1, disruptedPods: { 'web-1': '2025-03-01T10:00:00Z' } }),
      member('a', { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 }),
    ]);
    expect(out).toEqual({ health: 'Healthy', currentHealthy: 5, desiredHealthy: 3, expectedPods: 5, disruptionsAllowed: 2, disruptedPods: { 'b/web-1': '2025-03-01T10:00:00Z' } });
  });
});

describe('determinism and robustness', () => {
  it('gives byte-identical output whatever the member order', () => {
    const svc = fromYaml('apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer}');
    const members = ['m3', 'm1', 'm2'].map((c, i) => member(c, { loadBalancer: { ingress: [{ ip: `10.0.0.${i}` }] } }));
    const expected = canonicalJson(aggregateStatus(svc, members));
    expect(canonicalJson(aggregateStatus(svc, [...members].reverse()))).toBe(expected);
    expect(JSON.stringify(aggregateStatus(svc, [members[1]!, members[2]!, members[0]!]))).toBe(JSON.stringify(aggregateStatus(svc, members)));
  });

  it('does not modify its input', () => {
    const members = [member('a', { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } })];
    const before = JSON.stringify(members);
    aggregateStatus(fromYaml('apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer}'), members);
    expect(JSON.stringify(members)).toBe(before);
  });

  it('gives health alone for kinds without aggregation rules', () => {
    const cm = fromYaml('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}');
    expect(aggregateStatus(cm, [member('a', { anything: 1 })])).toEqual({ health: 'Healthy' });
  });

  it('does not throw on a member status it cannot read', () => {
    const out = aggregateStatus(deployment, [member('a', { replicas: 'many' }, 'Unknown')]);
    expect(out).toEqual({ health: 'Unknown', message: 'cannot aggregate member status: replicas: expected an integer, got "many"' });
  });
});
