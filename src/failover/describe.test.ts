import { describe, expect, it } from 'vitest';
import { TAINT_NOT_READY } from '../model/constants.js';
import type { GracefulEvictionTask } from '../model/eviction.js';
import type { ObjectRef } from '../model/refs.js';
import { placed } from '../schedule/testing.js';
import { clusterReadyNote, describeEvictions } from './describe.js';
import { evictionOrder } from './testing.js';
import type { EvictionOrder } from './timed-evictions.js';
import { formatDuration } from './time.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const ref = (name: string, namespace = 'shop'): ObjectRef => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name });
const taint = { key: TAINT_NOT_READY, effect: 'NoExecute' as const, timeAdded: new Date(T0).toISOString() };

function taintOrder(name: string, extra: Partial<EvictionOrder> = {}): EvictionOrder {
  return evictionOrder({ resource: ref(name), dueAtMs: T0 + 30_000, taint, ...extra });
}

const dropped = (why: 'HealthyElsewhere' | 'GracePeriodExpired' | 'PurgeDirectly' | 'DeletionConfirmed', task: Partial<GracefulEvictionTask> = {}, healthyOn?: string[]) => ({
  task: { fromCluster: 'member1', reason: 'TaintUntolerated' as const, producer: 'TaintManager' as const, purgeMode: 'Gracefully' as const, ...task },
  why,
  ...(healthyOn ? { healthyOn } : {}),
});

describe('describeEvictions', () => {
  it('says in one line why a cluster was left and where the replicas went', () => {
    const lines = describeEvictions({
      evictions: [{ order: taintOrder('web'), after: placed(['member2', 2], ['member3', 2]) }],
      clusterNotes: new Map([['member1', 'member1 NotReady for 30s']]),
    });
    expect(lines).toEqual([`member1 NotReady for 30s; taint ${TAINT_NOT_READY}:NoExecute; shop/web: 2 replicas evicted from member1 to member3`]);
  });

  it('names clusters that took on more replicas, and says when nothing else fits', () => {
    const grew = describeEvictions({ evictions: [{ order: taintOrder('web', { replicas: 1 }), after: placed(['member2', 3]) }] });
    expect(grew).toEqual([`taint ${TAINT_NOT_READY}:NoExecute; shop/web: 1 replica evicted from member1 to member2`]);
    const stuck = describeEvictions({ evictions: [{ order: taintOrder('web'), after: placed(['member1', 2]) }] });
    expect(stuck).toEqual([`taint ${TAINT_NOT_READY}:NoExecute; shop/web: 2 replicas evicted from member1 (no other cluster fits: kept there)`]);
  });

  it('groups the resources one taint evicted under one header line', () => {
    const { replicas: _, ...noReplicas } = taintOrder('settings');
    const lines = describeEvictions({
      evictions: [
        { order: taintOrder('web'), after: placed(['member2', 4]) },
        { order: { ...noReplicas, resource: { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'shop' }, clusters: placed(['member1', 0]) }, after: placed(['member2', 0]) },
      ],
      clusterNotes: new Map([['member1', 'member1 unreachable for 1m']]),
    });
    expect(lines).toEqual([`member1 unreachable for 1m; taint ${TAINT_NOT_READY}:NoExecute`, '  shop/web: 2 replicas evicted from member1 to member2', '  shop: evicted from member1 to member2']);
  });

  it('describes an application failover with its own cause', () => {
    const order = taintOrder('web', { fromCluster: 'member2', reason: 'ApplicationFailure', taint: undefined, message: 'Degraded on member2 for 5m (since x; tolerationSeconds 300)' });
    delete order.taint;
    expect(describeEvictions({ evictions: [{ order, after: placed(['member1', 2], ['member3', 2]) }] })).toEqual([
      'shop/web Degraded on member2 for 5m (since x; tolerationSeconds 300); shop/web: 2 replicas evicted from member2 to member3',
    ]);
  });

  it('says why an old copy was deleted', () => {
    const lines = describeEvictions({
      purges: [
        { resource: ref('web'), dropped: dropped('HealthyElsewhere', {}, ['member3']) },
        { resource: ref('api'), dropped: dropped('GracePeriodExpired', { gracePeriodSeconds: 600 }) },
        { resource: ref('db'), dropped: dropped('GracePeriodExpired') },
        { resource: ref('job'), dropped: dropped('PurgeDirectly') },
        { resource: ref('kept'), dropped: dropped('DeletionConfirmed') },
      ],
    });
    expect(lines).toEqual([
      'shop/web: old copy on member1 deleted (Healthy on member3)',
      'shop/api: old copy on member1 deleted (grace period 600s expired)',
      'shop/db: old copy on member1 deleted (grace period default expired)',
      'shop/job: old copy on member1 deleted (purgeMode Directly)',
      'shop/kept: old copy on member1 deleted (suppressDeletion set to false)',
    ]);
  });
});

describe('clusterReadyNote', () => {
  const at = (status: 'True' | 'False' | 'Unknown', sinceMs?: number) => ({
    conditions: [{ type: 'Ready', status, ...(sinceMs !== undefined ? { lastTransitionTime: new Date(sinceMs).toISOString() } : {}) }],
  });

  it('says how long a cluster has been NotReady or unreachable', () => {
    expect(clusterReadyNote('member1', at('False', T0), T0 + 30_000)).toBe('member1 NotReady for 30s');
    expect(clusterReadyNote('member1', at('Unknown', T0), T0 + 90_000)).toBe('member1 unreachable for 1m30s');
    expect(clusterReadyNote('member1', at('False'), T0)).toBe('member1 NotReady');
  });

  it('says nothing for a Ready cluster or one without status', () => {
    expect(clusterReadyNote('member1', at('True', T0), T0)).toBeUndefined();
    expect(clusterReadyNote('member1', undefined, T0)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_999, '45s'],
    [300_000, '5m'],
    [330_000, '5m30s'],
    [3_720_000, '1h2m'],
    [-5, '0s'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
