/**
 * Carrying out eviction orders on the fleet the scheduler reads next: the cluster leaves the placement record and a
 * graceful eviction task takes its place, so the scheduler re-places the lost replicas elsewhere (the ClusterEviction
 * filter keeps them off the evicted cluster) and the old copy stays until the task is settled.
 */
import type { GracefulEvictionTask } from '../model/eviction.js';
import type { Fleet, PlacementRecord } from '../model/fleet.js';
import { identityKey } from '../model/refs.js';
import type { EvictionOrder } from './timed-evictions.js';

/** A new fleet (the input is not touched); an order for a cluster that already has a task is ignored. */
export function applyEvictions(fleet: Fleet, orders: readonly EvictionOrder[], nowIso: string): Fleet {
  if (orders.length === 0) return fleet;
  const placements = new Map(fleet.placements);
  for (const order of orders) {
    const key = identityKey(order.resource);
    const record: PlacementRecord = placements.get(key) ?? { resource: order.resource, policy: order.policy, clusters: order.clusters };
    const tasks = record.gracefulEvictionTasks ?? [];
    if (tasks.some((t) => t.fromCluster === order.fromCluster)) continue;
    placements.set(key, {
      ...record,
      clusters: record.clusters.filter((c) => c.name !== order.fromCluster),
      gracefulEvictionTasks: [...tasks, taskOf(order, record.clusters.map((c) => c.name), nowIso)],
    });
  }
  return { ...fleet, placements };
}

function taskOf(order: EvictionOrder, clustersBeforeFailover: string[], nowIso: string): GracefulEvictionTask {
  return {
    fromCluster: order.fromCluster,
    ...(order.replicas !== undefined ? { replicas: order.replicas } : {}),
    reason: order.reason,
    message: order.message,
    producer: order.producer,
    purgeMode: order.purgeMode,
    ...(order.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: order.gracePeriodSeconds } : {}),
    ...(order.suppressDeletion !== undefined ? { suppressDeletion: order.suppressDeletion } : {}),
    creationTimestamp: nowIso,
    clustersBeforeFailover,
  };
}
