/**
 * The clock-driven half of failover, between scheduling and applying: evictions whose toleration or application
 * failover time has come are recorded as tasks and the fleet is scheduled again around them; then each open task
 * is settled (the old copy may go once the workload is Healthy elsewhere, the grace period is over, or the purge
 * mode says so). Everything decided here lands in the status commit, so a replay of that commit needs no clock.
 */
import { applyEvictions, clusterReadyNote, describeEvictions, noExecuteTaints, settleEvictionTasks, taintSeenKey, timedEvictions, type EvictionEvent, type EvictionOrder, type PurgeEvent } from '../failover/index.js';
import type { GracefulEvictionTask } from '../model/eviction.js';
import type { Fleet } from '../model/fleet.js';
import { wholeSecondTimestamp } from '../model/time.js';
import type { PlacementDecision } from '../model/placement.js';
import { identityKey } from '../model/refs.js';
import type { RebalancerOutcome } from '../schedule/index.js';

export interface FailoverOutcome {
  decisions: PlacementDecision[];
  rebalancers: RebalancerOutcome[];
  /** Per cluster: templates whose old copy there is deleted by a recorded decision (exempt from the prune breaker). */
  decidedPrunes: Map<string, Set<string>>;
  /** Commit-message lines: what was evicted where, and which old copies go. */
  timeline: string[];
  /** When the next eviction or task deadline falls due, if any. */
  nextDueAtMs: number | null;
  /** Whether anything here changed the decisions (they must be rendered again). */
  changed: boolean;
}

export type Schedule = (fleet: Fleet) => { decisions: PlacementDecision[]; rebalancers: RebalancerOutcome[] };


/**
 * `firstSeenMs` remembers, per cluster NoExecute taint without `timeAdded` (one written in clusters/), when this
 * controller first saw it; it is updated here.
 */
export function failoverStep(
  fleet: Fleet,
  scheduled: ReturnType<Schedule>,
  schedule: Schedule,
  clock: { nowMs: number; firstSeenMs: Map<string, number> },
): FailoverOutcome {
  const { nowMs, firstSeenMs } = clock;
  rememberUntimedTaints(fleet, nowMs, firstSeenMs);
  let { decisions, rebalancers } = scheduled;
  let changed = false;
  const timed = timedEvictions(fleet, decisions, nowMs, { firstSeenMs });
  let orders = timed.orders;
  if (orders.length > 0) {
    let evicted = schedule(applyEvictions(fleet, orders, wholeSecondTimestamp(nowMs)));
    // A failure never empties a placement: an eviction nothing else can take over is not carried out.
    const stranded = new Map<string, string>();
    for (const o of orders) {
      const d = decisionOf(evicted.decisions, o);
      if (!d?.scheduled) stranded.set(identityKey(o.resource), `eviction from ${o.fromCluster} not carried out, no other cluster can take it: ${d?.message ?? 'not scheduled'}`);
    }
    if (stranded.size > 0) {
      orders = orders.filter((o) => !stranded.has(identityKey(o.resource)));
      evicted = orders.length > 0 ? schedule(applyEvictions(fleet, orders, wholeSecondTimestamp(nowMs))) : scheduled;
    }
    if (orders.length > 0 || stranded.size > 0) {
      ({ decisions, rebalancers } = evicted);
      // Kept where it is, and said so: the placement is Unschedulable until a cluster can take it.
      decisions = decisions.map((d) => {
        const why = stranded.get(identityKey(d.resource));
        return why ? { ...d, scheduled: false, reason: 'Unschedulable' as const, message: why } : d;
      });
      changed = true;
    }
  }
  const events: EvictionEvent[] = orders.map((order) => ({ order, after: decisionOf(decisions, order)?.clusters ?? [] }));
  events.push(...schedulerEvictions(fleet, decisions, nowMs));
  // Settling rewrites tasks: on copies, so the decisions a caller memoises stay as scheduled.
  decisions = decisions.map((d) => (d.gracefulEvictionTasks ? { ...d } : d));
  const settled = settleTasks(fleet, decisions, nowMs);
  changed ||= settled.changed;
  if (settled.purges.length > 0) decisions = afterSettling(fleet, decisions, settled.decidedPrunes, schedule);
  const clusterNotes = new Map<string, string>();
  for (const c of fleet.clusters) {
    const note = clusterReadyNote(c.name, fleet.clusterStatuses.get(c.name), nowMs);
    if (note) clusterNotes.set(c.name, note);
  }
  const timeline = describeEvictions({ evictions: events, purges: settled.purges, clusterNotes });
  const due = [timed.nextDueAtMs, settled.nextDueAtMs].filter((t): t is number => t !== null);
  return { decisions, rebalancers, decidedPrunes: settled.decidedPrunes, timeline, nextDueAtMs: due.length > 0 ? Math.min(...due) : null, changed };
}

/**
 * Once a task is gone its cluster is a candidate again, and a placement that is always scheduled afresh
 * (Duplicated) returns there at once: scheduling again now keeps that copy instead of deleting it this pass and
 * creating it the next. A Divided placement stays as failover left it (no failback), so its old copy goes.
 */
function afterSettling(fleet: Fleet, decisions: PlacementDecision[], decidedPrunes: Map<string, Set<string>>, schedule: Schedule): PlacementDecision[] {
  const settledKeys = new Set([...decidedPrunes.values()].flatMap((s) => [...s]));
  const placements = new Map(fleet.placements);
  for (const d of decisions) {
    const key = identityKey(d.resource);
    if (!settledKeys.has(key)) continue;
    const recorded = fleet.placements.get(key);
    placements.set(key, {
      resource: d.resource,
      policy: d.policy,
      clusters: d.clusters,
      conditions: [{ type: 'Scheduled', status: d.scheduled ? 'True' : 'False', reason: d.reason, message: d.message }],
      ...(d.observedAffinityName !== undefined ? { observedAffinityName: d.observedAffinityName } : {}),
      ...(d.appliedPlacement !== undefined ? { appliedPlacement: d.appliedPlacement } : {}),
      ...(d.rebalancedBy ? { rebalancedBy: d.rebalancedBy } : {}),
      ...(d.gracefulEvictionTasks ? { gracefulEvictionTasks: d.gracefulEvictionTasks } : {}),
      ...(recorded?.clusterStatuses ? { clusterStatuses: recorded.clusterStatuses } : {}),
    });
  }
  const again = new Map(schedule({ ...fleet, placements }).decisions.map((d) => [identityKey(d.resource), d]));
  return decisions.map((d) => {
    const key = identityKey(d.resource);
    const next = settledKeys.has(key) ? again.get(key) : undefined;
    if (!next) return d;
    for (const [cluster, keys] of decidedPrunes) if (next.clusters.some((c) => c.name === cluster)) keys.delete(key);
    return next;
  });
}

function decisionOf(decisions: readonly PlacementDecision[], order: Pick<EvictionOrder, 'resource'>): PlacementDecision | undefined {
  const key = identityKey(order.resource);
  return decisions.find((d) => identityKey(d.resource) === key);
}

function rememberUntimedTaints(fleet: Fleet, nowMs: number, firstSeenMs: Map<string, number>): void {
  const present = new Set<string>();
  for (const def of fleet.clusters) {
    for (const taint of noExecuteTaints(def, fleet.clusterStatuses.get(def.name))) {
      if (taint.timeAdded) continue;
      const key = taintSeenKey(def.name, taint);
      present.add(key);
      if (!firstSeenMs.has(key)) firstSeenMs.set(key, nowMs);
    }
  }
  for (const key of [...firstSeenMs.keys()]) if (!present.has(key)) firstSeenMs.delete(key);
}

/** The scheduler's own evictions (untolerated NoExecute taints) are new tasks without a timestamp: say them too. */
function schedulerEvictions(fleet: Fleet, decisions: readonly PlacementDecision[], nowMs: number): EvictionEvent[] {
  const events: EvictionEvent[] = [];
  for (const d of decisions) {
    for (const t of d.gracefulEvictionTasks ?? []) {
      if (t.creationTimestamp || !d.policy) continue;
      const before = fleet.placements.get(identityKey(d.resource))?.clusters ?? [];
      events.push({
        order: {
          resource: d.resource,
          policy: d.policy,
          fromCluster: t.fromCluster,
          reason: t.reason,
          producer: t.producer,
          purgeMode: t.purgeMode,
          ...(t.replicas !== undefined ? { replicas: t.replicas } : {}),
          message: t.message ?? t.reason,
          dueAtMs: nowMs,
          clusters: before,
        },
        after: d.clusters,
      });
    }
  }
  return events;
}

/**
 * Settles every open task with the health recorded in the commit this pass read (so the decision replays), stamps
 * new tasks, and collects the old copies that go now (on a cluster that cannot be reached, they go when it is
 * back: see evictedWhileAway).
 */
function settleTasks(fleet: Fleet, decisions: PlacementDecision[], nowMs: number) {
  const decidedPrunes = new Map<string, Set<string>>();
  const purges: PurgeEvent[] = [];
  let nextDueAtMs: number | null = null;
  let changed = false;
  for (const d of decisions) {
    const tasks = d.gracefulEvictionTasks;
    if (!tasks || tasks.length === 0) continue;
    const key = identityKey(d.resource);
    const recorded = fleet.placements.get(key)?.clusterStatuses ?? [];
    // The health recorded so far was observed before this pass moved the replicas: a task made now waits for the
    // next observation, so an old copy never goes because its replacement looked Healthy at its old size.
    const isNew = (t: GracefulEvictionTask) => t.creationTimestamp === undefined || t.creationTimestamp === wholeSecondTimestamp(nowMs);
    const settle = (list: GracefulEvictionTask[], withHealth: boolean) =>
      settleEvictionTasks(list, {
        placedClusters: d.clusters.map((c) => c.name),
        healthOf: (cluster) => (withHealth ? recorded.find((c) => c.name === cluster)?.health : undefined),
        nowMs,
      });
    const fresh = settle(tasks.filter(isNew), false);
    const older = settle(tasks.filter((t) => !isNew(t)), true);
    const result = {
      keep: tasks.flatMap((t) => [...fresh.keep, ...older.keep].find((k) => k.fromCluster === t.fromCluster) ?? []),
      drop: [...older.drop, ...fresh.drop],
      nextSettleAtMs: [fresh.nextSettleAtMs, older.nextSettleAtMs].filter((x): x is number => x !== null).reduce<number | null>((a, b) => (a === null ? b : Math.min(a, b)), null),
    };
    const keep = result.keep;
    if (result.drop.length > 0 || keep.some((t, i) => t !== tasks[i])) changed = true;
    if (keep.length > 0) d.gracefulEvictionTasks = keep;
    else delete d.gracefulEvictionTasks;
    for (const dropped of result.drop) {
      purges.push({ resource: d.resource, dropped });
      const set = decidedPrunes.get(dropped.task.fromCluster) ?? new Set<string>();
      set.add(key);
      decidedPrunes.set(dropped.task.fromCluster, set);
    }
    if (result.nextSettleAtMs !== null) nextDueAtMs = nextDueAtMs === null ? result.nextSettleAtMs : Math.min(nextDueAtMs, result.nextSettleAtMs);
  }
  return { decidedPrunes, purges, nextDueAtMs, changed };
}
