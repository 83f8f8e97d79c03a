import { describe, expect, it } from 'vitest';
import type { Fleet, PlacementRecord, WorkloadRebalancerDoc } from '../model/fleet.js';
import type { Placement } from '../model/karmada.js';
import type { PlacementDecision } from '../model/placement.js';
import { scheduleFleet } from './schedule-fleet.js';
import { cluster, deployment, fleet, placed, pp, replicasByCluster, selectByName } from './testing.js';
import { placementFingerprint } from './triggers.js';

const web = deployment('web', { replicas: 3 });
const weighted = (w1: number, w2: number): Placement => ({
  clusterAffinity: { clusterNames: ['m1', 'm2', 'm3'] },
  replicaScheduling: {
    replicaSchedulingType: 'Divided',
    replicaDivisionPreference: 'Weighted',
    weightPreference: {
      staticWeightList: [
        { targetCluster: { clusterNames: ['m1'] }, weight: w1 },
        { targetCluster: { clusterNames: ['m2'] }, weight: w2 },
      ],
    },
  },
});
const policy = (placement: Placement) => pp('web', 'default', { resourceSelectors: [selectByName('Deployment', 'web')], placement });

/** The placement record a status commit would hold for this decision. */
function recordOf(d: PlacementDecision, clusters = d.clusters): PlacementRecord {
  return {
    resource: d.resource,
    policy: d.policy,
    clusters,
    conditions: [{ type: 'Scheduled', status: d.scheduled ? 'True' : 'False', reason: d.reason, message: d.message }],
    ...(d.observedAffinityName !== undefined ? { observedAffinityName: d.observedAffinityName } : {}),
    ...(d.appliedPlacement !== undefined ? { appliedPlacement: d.appliedPlacement } : {}),
    ...(d.rebalancedBy !== undefined ? { rebalancedBy: d.rebalancedBy } : {}),
  };
}

const rebalancer = (name: string, workloads = [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' }]): WorkloadRebalancerDoc => ({
  name,
  spec: { workloads },
  source: { file: `policies/${name}.yaml`, line: 1, column: 1 },
});

function schedule(placement: Placement, previous?: PlacementRecord, extra: Partial<Fleet> = {}, clusters = ['m1', 'm2', 'm3']) {
  const f: Fleet = { ...fleet({ clusters: clusters.map((n) => cluster(n)), policies: [policy(placement)], templates: [web], placements: previous ? [previous] : [] }), ...extra };
  const result = scheduleFleet(f);
  return { decision: result.decisions[0]!, result };
}

describe('rescheduling triggers (no failback surprises)', () => {
  it('keeps a Divided placement that a failover left behind, even when the evicted cluster is back', () => {
    const first = schedule(weighted(2, 1)).decision;
    expect(replicasByCluster(first.clusters)).toEqual({ m1: 2, m2: 1 });
    // What a failover of m1 recorded: all three replicas on m2, decided from the same placement.
    const { decision, result } = schedule(weighted(2, 1), recordOf(first, placed(['m2', 3])));
    expect(replicasByCluster(decision.clusters)).toEqual({ m2: 3 });
    expect(decision.scheduled).toBe(true);
    expect(result.explanations.get('apps/Deployment/default/web')?.steady).toMatch(/kept as placed/);
  });

  it('schedules afresh once for a WorkloadRebalancer naming it, records that, and is steady afterwards', () => {
    const first = schedule(weighted(2, 1)).decision;
    const afterFailover = recordOf(first, placed(['m2', 3]));
    const rebalanced = schedule(weighted(2, 1), afterFailover, { workloadRebalancers: [rebalancer('restore')] });
    expect(replicasByCluster(rebalanced.decision.clusters)).toEqual({ m1: 2, m2: 1 });
    expect(rebalanced.decision.rebalancedBy).toEqual([expect.stringMatching(/^restore@[0-9a-f]{8}$/)]);
    expect(rebalanced.result.rebalancers).toEqual([{ name: 'restore', key: rebalanced.decision.rebalancedBy![0], workloads: [{ workload: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' }, result: 'Successful' }] }]);

    // Replaying the next commit (the rebalancer done, recorded on the placement) moves nothing again.
    const again = schedule(weighted(2, 1), recordOf(rebalanced.decision, placed(['m2', 3])), { workloadRebalancers: [rebalancer('restore')] });
    expect(replicasByCluster(again.decision.clusters)).toEqual({ m2: 3 });
    expect(again.decision.rebalancedBy).toEqual(rebalanced.decision.rebalancedBy);
  });

  it('reports a rebalancer naming a workload that does not exist as Failed', () => {
    const { result } = schedule(weighted(2, 1), undefined, { workloadRebalancers: [rebalancer('typo', [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'wbe' }])] });
    expect(result.rebalancers[0]?.workloads[0]).toMatchObject({ result: 'Failed', reason: 'ReferencedBindingNotFound' });
  });

  it.each([
    ['the replica count changed (an eviction removed a cluster)', (r: PlacementRecord) => ({ ...r, clusters: placed(['m2', 1]) })],
    ['the last attempt failed', (r: PlacementRecord) => ({ ...r, conditions: [{ type: 'Scheduled', status: 'False' as const, reason: 'Unschedulable', message: 'x' }] })],
    ['the record predates placement fingerprints', (r: PlacementRecord) => ({ ...r, appliedPlacement: undefined })],
    ['another policy placed it', (r: PlacementRecord) => ({ ...r, policy: { kind: 'PropagationPolicy' as const, namespace: 'default', name: 'other' } })],
    ['a cluster it uses left the fleet', (r: PlacementRecord) => ({ ...r, clusters: placed(['gone', 1], ['m2', 2]) })],
  ])('schedules again when %s', (_, edit) => {
    const first = schedule(weighted(2, 1)).decision;
    const previous = edit({ ...recordOf(first), clusters: placed(['m2', 3]) });
    expect(replicasByCluster(schedule(weighted(2, 1), previous).decision.clusters)).toEqual({ m1: 2, m2: 1 });
  });

  it('schedules again when the placement changed', () => {
    const first = schedule(weighted(2, 1)).decision;
    expect(replicasByCluster(schedule(weighted(1, 2), recordOf(first)).decision.clusters)).toEqual({ m1: 1, m2: 2 });
  });

  it('always schedules Duplicated placements again, so a new cluster is picked up', () => {
    const dup: Placement = { clusterAffinity: { clusterNames: ['m1', 'm2', 'm3'] }, replicaScheduling: { replicaSchedulingType: 'Duplicated' } };
    const first = schedule(dup, undefined, {}, ['m1', 'm2']).decision;
    expect(first.clusters.map((c) => c.name)).toEqual(['m1', 'm2']);
    expect(schedule(dup, recordOf(first)).decision.clusters.map((c) => c.name)).toEqual(['m1', 'm2', 'm3']);
  });

  it('ignores edits to a clusterAffinities term that is not in use, and follows edits to the one that is', () => {
    const terms = (backup: string[]): Placement => ({
      clusterAffinities: [
        { affinityName: 'primary', clusterNames: ['m1'] },
        { affinityName: 'backup', clusterNames: backup },
      ],
      replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' },
    });
    expect(placementFingerprint(terms(['m2']), 'primary')).toBe(placementFingerprint(terms(['m3']), 'primary'));
    expect(placementFingerprint(terms(['m2']), 'backup')).not.toBe(placementFingerprint(terms(['m3']), 'backup'));
  });
});
