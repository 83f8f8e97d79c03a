import { describe, expect, it } from 'vitest';
import { identityKey } from '../model/refs.js';
import { deployment, fleet, placed, ppRef, record } from '../schedule/testing.js';
import { applyEvictions } from './apply-evictions.js';
import { evictionOrder } from './testing.js';
import type { EvictionOrder } from './timed-evictions.js';

const NOW = '2026-03-01T12:05:00.000Z';
const web = deployment('web', { namespace: 'shop', replicas: 4 });
const key = identityKey(web.ref);

function order(fromCluster: string, extra: Partial<EvictionOrder> = {}): EvictionOrder {
  return evictionOrder({ fromCluster, ...extra });
}

describe('applyEvictions', () => {
  it('removes the cluster from the record and appends a stamped task, leaving the input fleet untouched', () => {
    const before = fleet({ templates: [web], placements: [record(web, ppRef('web', 'shop'), placed(['member1', 2], ['member2', 2]))] });
    const after = applyEvictions(before, [order('member1')], NOW);
    expect(after.placements.get(key)).toEqual({
      ...record(web, ppRef('web', 'shop'), placed(['member2', 2])),
      gracefulEvictionTasks: [
        {
          fromCluster: 'member1',
          replicas: 2,
          reason: 'TaintUntolerated',
          message: 'taint cluster.karmada.io/not-ready:NoExecute tolerated for 30s',
          producer: 'TaintManager',
          purgeMode: 'Gracefully',
          creationTimestamp: NOW,
          clustersBeforeFailover: ['member1', 'member2'],
        },
      ],
    });
    expect(before.placements.get(key)?.clusters).toEqual(placed(['member1', 2], ['member2', 2]));
    expect(before.placements.get(key)?.gracefulEvictionTasks).toBeUndefined();
  });

  it('carries grace period and suppressDeletion into the task', () => {
    const before = fleet({ placements: [record(web, ppRef('web', 'shop'), placed(['member1', 2], ['member2', 2]))] });
    const after = applyEvictions(before, [order('member2', { reason: 'ApplicationFailure', purgeMode: 'Never', suppressDeletion: true, gracePeriodSeconds: 60 })], NOW);
    expect(after.placements.get(key)?.gracefulEvictionTasks?.[0]).toMatchObject({ fromCluster: 'member2', purgeMode: 'Never', suppressDeletion: true, gracePeriodSeconds: 60 });
  });

  it('builds the record from the order when the placement was never recorded', () => {
    const after = applyEvictions(fleet({}), [order('member1')], NOW);
    expect(after.placements.get(key)).toMatchObject({ resource: web.ref, policy: ppRef('web', 'shop'), clusters: placed(['member2', 2]) });
  });

  it('evicts two clusters one after the other, and ignores a second order for a cluster already evicting', () => {
    const before = fleet({ placements: [record(web, ppRef('web', 'shop'), placed(['member1', 1], ['member2', 1], ['member3', 2]))] });
    const after = applyEvictions(before, [order('member1'), order('member2'), order('member1')], NOW);
    const rec = after.placements.get(key);
    expect(rec?.clusters).toEqual(placed(['member3', 2]));
    expect(rec?.gracefulEvictionTasks?.map((t) => [t.fromCluster, t.clustersBeforeFailover])).toEqual([
      ['member1', ['member1', 'member2', 'member3']],
      ['member2', ['member2', 'member3']],
    ]);
  });

  it('returns the same fleet when there is nothing to do', () => {
    const f = fleet({});
    expect(applyEvictions(f, [], NOW)).toBe(f);
  });
});
