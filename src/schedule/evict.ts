/**
 * Taint-based eviction that needs no clock (Karmada's taint manager, for an untolerated NoExecute taint), and the
 * graceful eviction tasks already recorded: both take a cluster out of the previous placement before scheduling,
 * and keep it out of the candidates (ClusterEviction). Evictions that wait (tolerationSeconds, application failover)
 * are decided by the controller at its clock and arrive here as recorded tasks.
 */
import type { PlacementCluster, PlacementRecord } from '../model/fleet.js';
import type { GracefulEvictionTask, PurgeMode } from '../model/eviction.js';
import type { Toleration } from '../model/kube.js';
import { compareStrings } from '../model/refs.js';
import type { ScheduleContext } from './context.js';
import { taintOrigin } from './filter.js';
import { findUntoleratedNoExecuteTaint, formatTaint, type EffectiveTolerations } from './taints.js';
import type { ConsideredToleration, EvictionExplanation } from './types.js';

export interface EvictionPlan {
  /** The previous record without the clusters being evicted: what scheduling starts from. */
  previous: PlacementRecord | undefined;
  /** Every cluster the template is being evicted from (recorded tasks and new evictions), with why. */
  evicting: Map<string, string>;
  /** The tasks of the previous record, unchanged and in order. */
  recorded: GracefulEvictionTask[];
  /** The evictions this schedule makes, sorted by cluster. */
  fresh: GracefulEvictionTask[];
  explanations: EvictionExplanation[];
}

export interface EvictionRequest {
  previous: PlacementRecord | undefined;
  tolerations: readonly Toleration[];
  purgeMode: PurgeMode;
  /** The template's replica count: tasks of templates without replicas carry no count. */
  replicas: number;
  /** False for templates that are never evicted (see isEvictable); recorded tasks still count. */
  evictable?: boolean;
}

function describeTask(task: GracefulEvictionTask): string {
  const when = task.creationTimestamp ? ` since ${task.creationTimestamp}` : '';
  return `graceful eviction task${when} (${task.reason}, ${task.producer}, purgeMode ${task.purgeMode})${task.message ? `: ${task.message}` : ''}`;
}

export function planEvictions(ctx: ScheduleContext, req: EvictionRequest): EvictionPlan {
  const recorded = req.previous?.gracefulEvictionTasks ?? [];
  const evicting = new Map<string, string>();
  const explanations: EvictionExplanation[] = [];
  for (const task of recorded) {
    evicting.set(task.fromCluster, `being evicted: ${describeTask(task)}`);
    explanations.push({ cluster: task.fromCluster, state: 'Recorded', task });
  }
  const fresh: GracefulEvictionTask[] = [];
  const clusters = [...(req.previous?.clusters ?? [])].sort((a, b) => compareStrings(a.name, b.name));
  for (const placed of clusters) {
    const view = ctx.clusterByName.get(placed.name);
    if (!view || evicting.has(placed.name) || req.evictable === false) continue;
    const taint = findUntoleratedNoExecuteTaint(view.taints, req.tolerations);
    if (taint === null) continue;
    const origin = taintOrigin(view, taint);
    const message = `taint ${formatTaint(taint)} on ${view.name} (${origin}) is not tolerated`;
    const task: GracefulEvictionTask = {
      fromCluster: view.name,
      ...(req.replicas > 0 ? { replicas: placed.replicas } : {}),
      reason: 'TaintUntolerated',
      message,
      producer: 'TaintManager',
      purgeMode: req.purgeMode,
    };
    fresh.push(task);
    evicting.set(view.name, `being evicted now: ${message}`);
    explanations.push({ cluster: view.name, state: 'Evicted', task, taint: formatTaint(taint), taintOrigin: origin });
  }
  const previous =
    req.previous && req.previous.clusters.some((c) => evicting.has(c.name))
      ? { ...req.previous, clusters: req.previous.clusters.filter((c) => !evicting.has(c.name)) }
      : req.previous;
  return { previous, evicting, recorded, fresh, explanations };
}

/** The policy's tolerations as the explanation lists them, the defaulted ones marked. */
export function consideredTolerations(effective: EffectiveTolerations): ConsideredToleration[] {
  return effective.all.map((toleration) => ({ toleration, defaulted: effective.defaulted.includes(toleration) }));
}

/** Clusters that gained replicas, or were added, compared with what scheduling started from. */
export function replacements(before: readonly PlacementCluster[], after: readonly PlacementCluster[]): PlacementCluster[] {
  const had = new Map(before.map((c) => [c.name, c.replicas] as const));
  const out: PlacementCluster[] = [];
  for (const c of after) {
    const previous = had.get(c.name);
    if (previous === undefined) out.push({ name: c.name, replicas: c.replicas });
    else if (c.replicas > previous) out.push({ name: c.name, replicas: c.replicas - previous });
  }
  return out;
}
