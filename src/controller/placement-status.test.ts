import { describe, expect, it } from 'vitest';
import type { PlacementRecord } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import type { PlacementDecision } from '../model/placement.js';
import { identityKey } from '../model/refs.js';
import type { ClusterOutcome } from './cluster-pass.js';
import { observePlacements } from './placement-status.js';

const ref = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'worker' };
const key = identityKey(ref);
const EARLIER = '2026-03-01T11:50:00.000Z';
const NOW = '2026-03-01T12:00:00.000Z';

const decision: PlacementDecision = { resource: ref, policy: null, scheduled: true, reason: 'Success', message: '', clusters: [{ name: 'member1', replicas: 1 }] };

/** A Pod whose phase decides its health: Failed is Degraded, Running and ready is Healthy. */
function pod(phase: 'Failed' | 'Running'): KubeObject {
  const conditions = phase === 'Running' ? [{ type: 'Ready', status: 'True' }] : [];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'worker', namespace: 'shop' }, status: { phase, conditions } };
}

function outcome(live: KubeObject): ClusterOutcome {
  return {
    changeSet: { cluster: 'member1', entries: [], reachable: true, inventory: { cluster: 'member1', entries: [] } },
    changes: new Map(),
    applied: new Set([key]),
    live: new Map([[key, live]]),
    notes: new Map(),
    notices: [],
    missing: [],
  };
}

function observe(live: KubeObject, previous?: PlacementRecord['clusterStatuses']) {
  const records = new Map<string, PlacementRecord>(previous ? [[key, { resource: ref, policy: null, clusters: decision.clusters, clusterStatuses: previous }]] : []);
  const observed = observePlacements([decision], new Map([['member1', outcome(live)]]), new Map([[key, { object: pod('Running') }]]), { clusters: new Set(), previous: records }, NOW);
  return observed.get(key)?.clusters[0];
}

describe('observePlacements: the application failover clock', () => {
  it('stamps degradedSince when a workload turns Degraded', () => {
    expect(observe(pod('Failed'), [{ name: 'member1', applied: true, health: 'Healthy' }])).toMatchObject({ health: 'Degraded', degradedSince: NOW });
  });

  it('keeps the recorded degradedSince while it stays Degraded, so a restart does not reset the clock', () => {
    expect(observe(pod('Failed'), [{ name: 'member1', applied: true, health: 'Degraded', degradedSince: EARLIER }])).toMatchObject({ degradedSince: EARLIER });
  });

  it('clears it when the workload is no longer Degraded', () => {
    const status = observe(pod('Running'), [{ name: 'member1', applied: true, health: 'Degraded', degradedSince: EARLIER }]);
    expect(status?.health).not.toBe('Degraded');
    expect(status?.degradedSince).toBeUndefined();
  });
});
