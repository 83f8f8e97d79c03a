import { describe, expect, it } from 'vitest';
import type { ClusterStatus, HealthStatus, PlacementRecord } from '../model/fleet.js';
import { statusTaints } from './documents.js';
import { diffPlacement, diffReady, diffTaints, replicasOn } from './status-diff.js';
import { summarize } from './history.js';

const WEB = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };

function placement(clusters: [string, number][], health: Record<string, HealthStatus>, scheduled: 'True' | 'False' = 'True'): PlacementRecord {
  return {
    resource: WEB,
    policy: { kind: 'PropagationPolicy', namespace: 'shop', name: 'web' },
    clusters: clusters.map(([name, replicas]) => ({ name, replicas })),
    conditions: [{ type: 'Scheduled', status: scheduled, reason: scheduled === 'True' ? 'Success' : 'Unschedulable', message: scheduled === 'True' ? '' : 'no cluster fits' }],
    clusterStatuses: Object.entries(health).map(([name, h]) => ({ name, applied: true, health: h, ...(h === 'Degraded' ? { message: 'crash loop' } : {}) })),
    aggregated: { health: Object.values(health).includes('Degraded') ? 'Degraded' : 'Healthy' },
  };
}

describe('diffPlacement', () => {
  it('is null when neither clusters, health nor the Scheduled condition changed', () => {
    const p = placement([['member1', 2]], { member1: 'Healthy' });
    expect(diffPlacement(p, structuredClone(p))).toBeNull();
    expect(diffPlacement(undefined, undefined)).toBeNull();
  });

  it('reports clusters before and after, sorted, and only the clusters whose health moved', () => {
    const before = placement([['member2', 1], ['member1', 2]], { member1: 'Healthy', member2: 'Healthy' });
    const after = placement([['member1', 3]], { member1: 'Healthy', member3: 'Degraded' });
    expect(diffPlacement(before, after)).toEqual({
      resource: WEB,
      before: [{ name: 'member1', replicas: 2 }, { name: 'member2', replicas: 1 }],
      after: [{ name: 'member1', replicas: 3 }],
      health: [
        { cluster: 'member2', before: 'Healthy', after: null, message: '' },
        { cluster: 'member3', before: null, after: 'Degraded', message: 'crash loop' },
      ],
      aggregated: { before: 'Healthy', after: 'Degraded' },
      scheduled: null,
    });
  });

  it('treats a missing file as null clusters and reports the Scheduled transition by status and reason', () => {
    const after = placement([['member1', 2]], { member1: 'Healthy' }, 'False');
    const d = diffPlacement(undefined, after)!;
    expect(d.before).toBeNull();
    expect(d.scheduled).toEqual({ before: null, after: { status: 'False', reason: 'Unschedulable', message: 'no cluster fits' } });
    expect(diffPlacement(after, undefined)!.after).toBeNull();
  });

  it('ignores a reworded Scheduled message alone', () => {
    const a = placement([['member1', 2]], { member1: 'Healthy' }, 'False');
    const b = structuredClone(a);
    b.conditions![0]!.message = 'reworded';
    expect(diffPlacement(a, b)).toBeNull();
  });
});

describe('replicasOn', () => {
  it('is the replicas on the cluster, or null when it is not placed there', () => {
    const p = placement([['member1', 0]], {});
    expect(replicasOn(p, 'member1')).toBe(0);
    expect(replicasOn(p, 'member2')).toBeNull();
    expect(replicasOn(undefined, 'member1')).toBeNull();
  });
});

describe('diffReady', () => {
  const status = (s: 'True' | 'False', reason: string, message = ''): ClusterStatus => ({ conditions: [{ type: 'Ready', status: s, reason, message, lastTransitionTime: '2025-01-01T00:00:00Z' }] });
  it('reports a change of status or reason, not of message', () => {
    expect(diffReady(status('True', 'ClusterReady'), status('False', 'ClusterNotReachable', 'timeout'))).toEqual({
      before: { status: 'True', reason: 'ClusterReady', message: '' },
      after: { status: 'False', reason: 'ClusterNotReachable', message: 'timeout' },
    });
    expect(diffReady(status('False', 'ClusterNotReady', 'a'), status('False', 'ClusterNotReady', 'b'))).toBeNull();
    expect(diffReady(undefined, status('True', 'ClusterReady'))?.before).toBeNull();
  });
});

describe('diffTaints', () => {
  it('compares taints as sets of key=value:effect', () => {
    const a = [{ key: 'a', effect: 'NoSchedule' as const }, { key: 'b', value: 'x', effect: 'NoExecute' as const }];
    const b = [{ key: 'b', value: 'x', effect: 'NoExecute' as const, timeAdded: 'later' }, { key: 'c', effect: 'NoSchedule' as const }];
    expect(diffTaints('spec', a, b)).toEqual({ source: 'spec', added: ['c:NoSchedule'], removed: ['a:NoSchedule'] });
    expect(diffTaints('status', a, [...a].reverse())).toBeNull();
  });
});

describe('statusTaints', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it('reads status.taints leniently: entries that are not taints and damaged files yield nothing', () => {
    const text = 'kind: ClusterStatus\nstatus:\n  taints:\n    - {key: a, effect: NoSchedule}\n    - {key: b, effect: Sometimes}\n    - 7\n';
    expect(statusTaints(enc(text))).toEqual([{ key: 'a', effect: 'NoSchedule' }]);
    expect(statusTaints(enc('status: [\n'))).toEqual([]);
    expect(statusTaints(enc('status: {taints: nope}\n'))).toEqual([]);
  });
});

describe('summarize', () => {
  it('counts added, modified and removed files per area in a fixed order', () => {
    expect(
      summarize([
        { path: 'workloads/a.yaml', before: null, after: '1' },
        { path: 'status/placements/shop/x.yaml', before: '1', after: '2' },
        { path: 'workloads/b.yaml', before: '1', after: null },
        { path: 'fleet.yaml', before: '1', after: '2' },
      ]),
    ).toBe('placements: 1 modified; workloads: 1 added, 1 removed; settings: 1 modified');
    expect(summarize([])).toBe('no fleet files changed');
  });
});
