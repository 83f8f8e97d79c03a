import { describe, expect, it } from 'vitest';
import type { GracefulEvictionTask } from '../model/eviction.js';
import type { HealthStatus } from '../model/fleet.js';
import { settleEvictionTasks, type SettleOptions } from './settle.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const CREATED = new Date(T0).toISOString();

function task(extra: Partial<GracefulEvictionTask> = {}): GracefulEvictionTask {
  return { fromCluster: 'member1', reason: 'TaintUntolerated', producer: 'TaintManager', purgeMode: 'Gracefully', creationTimestamp: CREATED, ...extra };
}

function options(health: Record<string, HealthStatus>, nowMs: number, placedClusters = ['member2', 'member3']): SettleOptions {
  return { placedClusters, healthOf: (c) => health[c], nowMs };
}

describe('settleEvictionTasks', () => {
  it('keeps a task while the replacement is not Healthy and says when it expires (10 minutes by default)', () => {
    const t = task();
    expect(settleEvictionTasks([t], options({ member2: 'Healthy', member3: 'Progressing' }, T0 + 1000))).toEqual({ keep: [t], drop: [], nextSettleAtMs: T0 + 600_000 });
  });

  it('drops a task once the workload is Healthy on every other cluster of the placement', () => {
    const t = task();
    const placedClusters = ['member1', 'member2', 'member3'];
    expect(settleEvictionTasks([t], options({ member2: 'Healthy', member3: 'Healthy' }, T0 + 1000, placedClusters))).toEqual({
      keep: [],
      drop: [{ task: t, why: 'HealthyElsewhere', healthyOn: ['member2', 'member3'] }],
      nextSettleAtMs: null,
    });
  });

  it('counts a cluster without observed health as not Healthy', () => {
    expect(settleEvictionTasks([task()], options({ member2: 'Healthy' }, T0 + 1000)).keep).toHaveLength(1);
  });

  it('never deletes the only copy for health when no other cluster holds the workload', () => {
    expect(settleEvictionTasks([task()], options({}, T0 + 1000, ['member1'])).keep).toHaveLength(1);
  });

  it('drops a task when its grace period (or the default timeout) runs out', () => {
    const short = task({ gracePeriodSeconds: 30 });
    expect(settleEvictionTasks([short], options({}, T0 + 29_999)).nextSettleAtMs).toBe(T0 + 30_000);
    expect(settleEvictionTasks([short], options({}, T0 + 30_000)).drop).toEqual([{ task: short, why: 'GracePeriodExpired' }]);
    const byDefault = settleEvictionTasks([task()], { ...options({}, T0 + 60_000), defaultTimeoutSeconds: 60 });
    expect(byDefault.drop.map((d) => d.why)).toEqual(['GracePeriodExpired']);
  });

  it('drops at once for purge mode Directly and for suppressDeletion false', () => {
    const direct = task({ purgeMode: 'Directly' });
    const confirmed = task({ purgeMode: 'Never', suppressDeletion: false });
    expect(settleEvictionTasks([direct, confirmed], options({}, T0)).drop).toEqual([
      { task: direct, why: 'PurgeDirectly' },
      { task: confirmed, why: 'DeletionConfirmed' },
    ]);
  });

  it('keeps a suppressDeletion task forever, whatever the health or age, without a wake-up time', () => {
    const never = task({ purgeMode: 'Never', suppressDeletion: true });
    expect(settleEvictionTasks([never], options({ member2: 'Healthy', member3: 'Healthy' }, T0 + 86_400_000))).toEqual({ keep: [never], drop: [], nextSettleAtMs: null });
  });

  it('stamps a task without creationTimestamp with now and counts its grace period from then', () => {
    const { creationTimestamp: _, ...unstamped } = task({ gracePeriodSeconds: 60 });
    const settled = settleEvictionTasks([unstamped], options({}, T0 + 5000));
    expect(settled.keep).toEqual([{ ...unstamped, creationTimestamp: '2026-03-01T12:00:05Z' }]);
    expect(settled.nextSettleAtMs).toBe(T0 + 65_000);
  });

  it('wakes up at the earliest expiry among several kept tasks', () => {
    const tasks = [task({ gracePeriodSeconds: 300 }), task({ fromCluster: 'member4', gracePeriodSeconds: 90 })];
    expect(settleEvictionTasks(tasks, options({}, T0)).nextSettleAtMs).toBe(T0 + 90_000);
  });
});
