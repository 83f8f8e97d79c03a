/**
 * Evictions that wait for a clock: a NoExecute taint the policy tolerates for a while, and a workload Degraded on a
 * cluster for longer than its application failover allows. The controller calls this with its clock reading and
 * commits the orders as graceful eviction tasks, so replaying any commit needs no clock. Evictions that need no
 * clock (an untolerated NoExecute taint) are the scheduler's.
 */
import {
  DEFAULT_APPLICATION_GRACE_PERIOD_SECONDS,
  DEFAULT_APPLICATION_TOLERATION_SECONDS,
  type EvictionProducer,
  type EvictionReason,
  type PurgeMode,
} from '../model/eviction.js';
import type { ClusterDef, Fleet, PlacementCluster, PropagationPolicyDoc } from '../model/fleet.js';
import type { Taint, Toleration } from '../model/kube.js';
import type { PlacementDecision } from '../model/placement.js';
import { identityKey, type ObjectRef, type PolicyRef } from '../model/refs.js';
import { policyKey, policyRef } from '../match/claim.js';
import { formatTaint, toleratesTaint } from '../schedule/taints.js';
import { noExecuteTaints, taintSeenKey } from './tolerations.js';
import { isEvictable, normalizePurgeMode } from '../model/eviction.js';
import { effectiveTolerations } from '../schedule/taints.js';
import { formatDuration, parseTime } from './time.js';

export interface EvictionOrder {
  resource: ObjectRef;
  policy: PolicyRef;
  fromCluster: string;
  reason: EvictionReason;
  producer: EvictionProducer;
  purgeMode: PurgeMode;
  gracePeriodSeconds?: number;
  suppressDeletion?: boolean;
  /** The replicas `fromCluster` held (absent when it held none, e.g. a template without replicas). */
  replicas?: number;
  /** Why, in words; becomes the task's message. */
  message: string;
  /** When the eviction became due (at or before the `nowMs` it was ordered at). */
  dueAtMs: number;
  /** The decision's clusters when ordered (the placement before the eviction). */
  clusters: PlacementCluster[];
  /** Taint-based evictions: the NoExecute taint whose toleration ran out first. */
  taint?: Taint;
}

export interface TimedEvictions {
  /** Due now, in decision order, at most one per (resource, cluster). */
  orders: EvictionOrder[];
  /** The earliest time a further eviction falls due if nothing changes, or null: when to wake up next. */
  nextDueAtMs: number | null;
}

export interface TimedEvictionOptions {
  /**
   * When the controller first observed each NoExecute taint that has no `timeAdded` (a taint written in clusters/
   * by a person has none), keyed by `taintSeenKey(cluster, taint)`. A taint in neither is measured from `nowMs`.
   */
  firstSeenMs?: ReadonlyMap<string, number>;
}

type Candidate = Omit<EvictionOrder, 'resource' | 'policy' | 'fromCluster' | 'replicas' | 'clusters'>;

export function timedEvictions(fleet: Fleet, decisions: readonly PlacementDecision[], nowMs: number, options: TimedEvictionOptions = {}): TimedEvictions {
  const policies = new Map<string, PropagationPolicyDoc>();
  for (const p of fleet.propagationPolicies) if (!policies.has(policyKey(policyRef(p)))) policies.set(policyKey(policyRef(p)), p);
  const defs = new Map(fleet.clusters.map((c) => [c.name, c]));
  const firstSeen = options.firstSeenMs ?? new Map<string, number>();
  const orders: EvictionOrder[] = [];
  let nextDueAtMs: number | null = null;
  for (const d of decisions) {
    // A dependency follows its workloads (propagateDeps): evicting the workload moves it.
    if (!d.policy || (d.requiredBy && d.requiredBy.length > 0) || !isEvictable(d.resource)) continue;
    const policy = policies.get(policyKey(d.policy));
    if (!policy) continue;
    const record = fleet.placements.get(identityKey(d.resource));
    const evicting = new Set([...(d.gracefulEvictionTasks ?? []), ...(record?.gracefulEvictionTasks ?? [])].map((t) => t.fromCluster));
    const tolerations = effectiveTolerations(policy.spec.placement, fleet.settings.defaultTolerationSeconds).all;
    for (const pc of d.clusters) {
      if (evicting.has(pc.name)) continue;
      const def = defs.get(pc.name);
      const candidates = [
        def ? taintCandidate(def, fleet, policy, tolerations, firstSeen, nowMs) : null,
        applicationCandidate(pc.name, policy, record?.clusterStatuses, nowMs),
      ].filter((c): c is Candidate => c !== null);
      const first = candidates.sort((a, b) => a.dueAtMs - b.dueAtMs)[0];
      if (!first) continue;
      if (first.dueAtMs <= nowMs) {
        orders.push({ resource: d.resource, policy: d.policy, fromCluster: pc.name, ...(pc.replicas > 0 ? { replicas: pc.replicas } : {}), clusters: d.clusters, ...first });
      } else if (nextDueAtMs === null || first.dueAtMs < nextDueAtMs) {
        nextDueAtMs = first.dueAtMs;
      }
    }
  }
  return { orders, nextDueAtMs };
}

/**
 * Karmada's taint manager with Kubernetes' toleration rules: when every NoExecute taint is tolerated, the cluster is
 * evicted once the first toleration with seconds runs out, counted from when its taint was added (zero or negative
 * seconds: at once). Tolerations without seconds tolerate forever. An untolerated taint is not for the clock.
 */
function taintCandidate(
  def: ClusterDef,
  fleet: Fleet,
  policy: PropagationPolicyDoc,
  tolerations: readonly Toleration[],
  firstSeen: ReadonlyMap<string, number>,
  nowMs: number,
): Candidate | null {
  let best: { dueAtMs: number; taint: Taint; seconds: number } | null = null;
  for (const taint of noExecuteTaints(def, fleet.clusterStatuses.get(def.name))) {
    const used = tolerations.find((t) => toleratesTaint(t, taint));
    if (!used) return null;
    if (used.tolerationSeconds === undefined) continue;
    const since = parseTime(taint.timeAdded) ?? firstSeen.get(taintSeenKey(def.name, taint)) ?? nowMs;
    const dueAtMs = used.tolerationSeconds <= 0 ? Math.min(since, nowMs) : since + used.tolerationSeconds * 1000;
    if (best === null || dueAtMs < best.dueAtMs) best = { dueAtMs, taint, seconds: used.tolerationSeconds };
  }
  if (best === null) return null;
  const purgeMode = normalizePurgeMode(policy.spec.failover?.cluster?.purgeMode);
  return {
    reason: 'TaintUntolerated',
    producer: 'TaintManager',
    purgeMode: purgeMode === 'Never' ? 'Gracefully' : purgeMode,
    message: `taint ${formatTaint(best.taint)} tolerated for ${Math.max(0, best.seconds)}s`,
    dueAtMs: best.dueAtMs,
    taint: best.taint,
  };
}

/**
 * Karmada's application failover: a workload Degraded on a cluster since longer than
 * `decisionConditions.tolerationSeconds` is evicted from it. The clock is `degradedSince` in the placement record,
 * so it survives a restart of the controller.
 */
function applicationCandidate(
  cluster: string,
  policy: PropagationPolicyDoc,
  statuses: readonly { name: string; health: string; degradedSince?: string }[] | undefined,
  nowMs: number,
): Candidate | null {
  const app = policy.spec.failover?.application;
  if (!app || policy.spec.propagateDeps !== true) return null;
  const status = statuses?.find((s) => s.name === cluster);
  const since = status?.health === 'Degraded' ? parseTime(status.degradedSince) : undefined;
  if (since === undefined) return null;
  const seconds = app.decisionConditions?.tolerationSeconds ?? DEFAULT_APPLICATION_TOLERATION_SECONDS;
  const purgeMode = normalizePurgeMode(app.purgeMode);
  return {
    reason: 'ApplicationFailure',
    producer: 'ResourceBindingApplicationFailoverController',
    purgeMode,
    ...(purgeMode === 'Gracefully' ? { gracePeriodSeconds: app.gracePeriodSeconds ?? DEFAULT_APPLICATION_GRACE_PERIOD_SECONDS } : {}),
    ...(purgeMode === 'Never' ? { suppressDeletion: true } : {}),
    message: `Degraded on ${cluster} for ${formatDuration(nowMs - since)} (since ${status!.degradedSince}; tolerationSeconds ${seconds})`,
    dueAtMs: since + Math.max(0, seconds) * 1000,
  };
}
