/**
 * Karmada's graceful eviction controller: when the old copy on an evicted cluster may go. A dropped task means the
 * copy is deleted (it is then an orphan of the placement); a kept task keeps it running untouched.
 */
import { DEFAULT_GRACEFUL_EVICTION_TIMEOUT_SECONDS, type GracefulEvictionTask } from '../model/eviction.js';
import type { HealthStatus } from '../model/fleet.js';
import { parseTime } from './time.js';
import { wholeSecondTimestamp } from '../model/time.js';

export type SettleReason = 'DeletionConfirmed' | 'PurgeDirectly' | 'GracePeriodExpired' | 'HealthyElsewhere';

export interface DroppedTask {
  task: GracefulEvictionTask;
  why: SettleReason;
  /** HealthyElsewhere: the clusters the workload is Healthy on. */
  healthyOn?: string[];
}

export interface SettleOptions {
  /** The clusters of the placement now (after rescheduling). */
  placedClusters: readonly string[];
  /** The workload's health per cluster as last observed; undefined when not observed. */
  healthOf: (cluster: string) => HealthStatus | undefined;
  nowMs: number;
  /** Karmada's `--graceful-eviction-timeout`, for tasks without gracePeriodSeconds. */
  defaultTimeoutSeconds?: number;
}

export interface SettledTasks {
  /** Tasks still open; one without creationTimestamp comes back stamped with `nowMs` (record it). */
  keep: GracefulEvictionTask[];
  drop: DroppedTask[];
  /** When the first kept task's grace period runs out, or null: when to look again if health does not change. */
  nextSettleAtMs: number | null;
}

export function settleEvictionTasks(tasks: readonly GracefulEvictionTask[], options: SettleOptions): SettledTasks {
  const timeoutSeconds = options.defaultTimeoutSeconds ?? DEFAULT_GRACEFUL_EVICTION_TIMEOUT_SECONDS;
  const keep: GracefulEvictionTask[] = [];
  const drop: DroppedTask[] = [];
  let nextSettleAtMs: number | null = null;
  for (const given of tasks) {
    const createdMs = parseTime(given.creationTimestamp);
    const task = createdMs === undefined ? { ...given, creationTimestamp: wholeSecondTimestamp(options.nowMs) } : given;
    const startMs = createdMs ?? options.nowMs;
    const expiresAtMs = startMs + (task.gracePeriodSeconds ?? timeoutSeconds) * 1000;
    const verdict = assess(task, expiresAtMs, options);
    if (verdict) {
      drop.push(verdict);
      continue;
    }
    keep.push(task);
    if (task.suppressDeletion !== true && (nextSettleAtMs === null || expiresAtMs < nextSettleAtMs)) nextSettleAtMs = expiresAtMs;
  }
  return { keep, drop, nextSettleAtMs };
}

/** The first rule that lets the old copy go, in Karmada's order, or null to keep it. */
function assess(task: GracefulEvictionTask, expiresAtMs: number, options: SettleOptions): DroppedTask | null {
  if (task.suppressDeletion === true) return null;
  if (task.suppressDeletion === false) return { task, why: 'DeletionConfirmed' };
  if (task.purgeMode === 'Directly') return { task, why: 'PurgeDirectly' };
  if (expiresAtMs <= options.nowMs) return { task, why: 'GracePeriodExpired' };
  const targets = options.placedClusters.filter((c) => c !== task.fromCluster);
  // No replacement at all is not "healthy everywhere": the only copy is never deleted for health.
  if (targets.length > 0 && targets.every((c) => options.healthOf(c) === 'Healthy')) return { task, why: 'HealthyElsewhere', healthyOn: [...targets] };
  return null;
}
