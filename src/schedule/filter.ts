/**
 * The filter phase (docs/fleet-repository.md#filter): which clusters are candidates for one template under one
 * affinity term. Every rule is evaluated, not just the first failing one, so an explanation can list them all.
 * Clusters already holding the template pass TaintToleration and APIEnablement, as in Karmada: a taint or a
 * discovery hiccup must not pull an existing placement. Clusters being evicted (ClusterEviction) never pass.
 */
import type { ResourceTemplate } from '../model/fleet.js';
import type { ClusterAffinity, Placement } from '../model/karmada.js';
import type { Taint, Toleration } from '../model/kube.js';
import { clusterAffinityMismatch } from '../match/selectors.js';
import { apiKey, type ClusterView, type FilterMemo, type ScheduleContext } from './context.js';
import { findUntoleratedTaint, formatTaint } from './taints.js';
import type { FilteredCluster, FilterReason, FilterRule } from './types.js';

export interface FilterRequest {
  template: ResourceTemplate;
  placement: Placement;
  /** The term being tried (`clusterAffinity`, or one of `clusterAffinities`); undefined means every cluster. */
  affinity: ClusterAffinity | undefined;
  /** Identifies the term within the placement, for memoisation ("" for `clusterAffinity`). */
  termKey: string;
  /** Clusters of the previous placement. */
  previous: ReadonlySet<string>;
  /**
   * The policy's effective tolerations (its own plus the defaulted ones; see `tolerationsOf`), a function of the
   * placement since verdicts are shared per placement. Default: the placement's own.
   */
  tolerations?: readonly Toleration[];
  /** Clusters with an open graceful eviction task for this template, with why they are being evicted. */
  evicted?: ReadonlyMap<string, string>;
}

export interface FilterOutcome {
  /** Candidates in cluster-name order (shared between templates: do not modify). */
  feasible: readonly ClusterView[];
  filtered: readonly FilteredCluster[];
  /** For candidates that passed only because they hold the template: the rules they would have failed. */
  kept: ReadonlyMap<string, FilterRule[]>;
  /** Set when `feasible` is the shared list, so rankings of it can be shared too. */
  memo: FilterMemo | null;
}

const BYPASSED_FOR_PLACED: ReadonlySet<FilterRule> = new Set<FilterRule>(['TaintToleration', 'APIEnablement']);

/** Where a cluster's taint comes from, for people reading why a cluster was left out or evicted. */
export function taintOrigin(view: ClusterView, taint: Taint): string {
  const file = `status/clusters/${view.name}.yaml`;
  if (view.systemTaints.includes(taint)) {
    const ready = view.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    return `system taint: Ready=${ready ?? 'Unknown'} in ${file}`;
  }
  if (view.statusTaints.includes(taint)) return `status.taints in ${file}${taint.timeAdded ? `, added ${taint.timeAdded}` : ''}, by a ClusterTaintPolicy`;
  return `spec.taints in ${view.def.source.file}`;
}

function taintReason(view: ClusterView, tolerations: readonly Toleration[]): FilterReason | null {
  const taint = findUntoleratedTaint(view.taints, tolerations);
  if (taint === null) return null;
  return { rule: 'TaintToleration', detail: `untolerated taint ${formatTaint(taint)} (${taintOrigin(view, taint)})` };
}

function spreadFieldReason(view: ClusterView, placement: Placement): FilterReason | null {
  for (const c of placement.spreadConstraints ?? []) {
    const spec = view.def.spec;
    if (c.spreadByField === 'provider' && !spec.provider) return { rule: 'SpreadConstraint', detail: 'spec.provider is not set (spreadByField: provider)' };
    if (c.spreadByField === 'region' && !spec.region) return { rule: 'SpreadConstraint', detail: 'spec.region is not set (spreadByField: region)' };
    if (c.spreadByField === 'zone' && (spec.zones ?? []).length === 0) return { rule: 'SpreadConstraint', detail: 'spec.zones is empty (spreadByField: zone)' };
  }
  return null;
}

/** Every rule a cluster fails, ignoring where the template runs today and which clusters are being evicted. */
export function clusterFilterVerdict(
  view: ClusterView,
  template: ResourceTemplate,
  placement: Placement,
  affinity: ClusterAffinity | undefined,
  tolerations: readonly Toleration[] = placement.clusterTolerations ?? [],
): FilteredCluster | null {
  const reasons: FilterReason[] = [];
  const mismatch = clusterAffinityMismatch(view.def, affinity);
  if (mismatch !== null) reasons.push({ rule: 'ClusterAffinity', detail: mismatch });
  const taint = taintReason(view, tolerations);
  if (taint) reasons.push(taint);
  if (view.apis !== null && !view.apis.has(apiKey(template.ref.apiVersion, template.ref.kind))) {
    reasons.push({
      rule: 'APIEnablement',
      detail: `status.apiEnablements does not list ${template.ref.apiVersion} ${template.ref.kind}`,
    });
  }
  const spread = spreadFieldReason(view, placement);
  if (spread) reasons.push(spread);
  return reasons.length === 0 ? null : { name: view.name, reasons };
}

function filterMemo(ctx: ScheduleContext, req: FilterRequest): FilterMemo {
  let perPlacement = ctx.filterMemo.get(req.placement);
  if (!perPlacement) {
    perPlacement = new Map();
    ctx.filterMemo.set(req.placement, perPlacement);
  }
  // Filter verdicts depend on the template only through its API; share them across templates.
  const key = `${req.termKey}\u0000${apiKey(req.template.ref.apiVersion, req.template.ref.kind)}`;
  let memo = perPlacement.get(key);
  if (!memo) {
    const verdicts = ctx.clusters.map((view) => clusterFilterVerdict(view, req.template, req.placement, req.affinity, req.tolerations));
    memo = {
      verdicts,
      feasible: ctx.clusters.filter((_, i) => verdicts[i] === null),
      filtered: verdicts.filter((v): v is FilteredCluster => v !== null),
      rankings: new Map(),
    };
    perPlacement.set(key, memo);
  }
  return memo;
}

const NOTHING_KEPT: ReadonlyMap<string, FilterRule[]> = new Map();

const NOTHING_EVICTED: ReadonlyMap<string, string> = new Map();

export function filterClusters(ctx: ScheduleContext, req: FilterRequest): FilterOutcome {
  const memo = filterMemo(ctx, req);
  const evicted = req.evicted ?? NOTHING_EVICTED;
  const affected = [...req.previous].some((name) => {
    const view = ctx.clusterByName.get(name);
    return view !== undefined && memo.verdicts[view.index] !== null;
  });
  // Only clusters of the previous placement that fail a rule, and evictions, can change the shared outcome.
  if (!affected && evicted.size === 0) return { feasible: memo.feasible, filtered: memo.filtered, kept: NOTHING_KEPT, memo };
  const feasible: ClusterView[] = [];
  const filtered: FilteredCluster[] = [];
  const kept = new Map<string, FilterRule[]>();
  for (let i = 0; i < ctx.clusters.length; i++) {
    const view = ctx.clusters[i] as ClusterView;
    const verdict = memo.verdicts[i] ?? null;
    const eviction = evicted.get(view.name);
    const reasons = verdict === null ? [] : req.previous.has(view.name) ? verdict.reasons.filter((r) => !BYPASSED_FOR_PLACED.has(r.rule)) : verdict.reasons;
    const blocking: FilterReason[] = eviction === undefined ? reasons : [...reasons, { rule: 'ClusterEviction', detail: eviction }];
    if (blocking.length > 0) {
      filtered.push({ name: view.name, reasons: blocking });
      continue;
    }
    feasible.push(view);
    if (verdict !== null) kept.set(view.name, verdict.reasons.map((r) => r.rule));
  }
  return { feasible, filtered, kept, memo: null };
}

/** Karmada's FitError in words: how many clusters each rule rejected. */
export function describeNoFit(total: number, filtered: readonly FilteredCluster[]): string {
  if (total === 0) return 'no cluster fits: the fleet has no clusters';
  const counts = new Map<FilterRule, number>();
  for (const f of filtered) for (const r of f.reasons) counts.set(r.rule, (counts.get(r.rule) ?? 0) + 1);
  const order: FilterRule[] = ['ClusterAffinity', 'TaintToleration', 'APIEnablement', 'SpreadConstraint', 'ClusterEviction'];
  const parts = order.filter((r) => counts.has(r)).map((r) => `${r} rejects ${counts.get(r)}`);
  return `no cluster fits (0/${total} available): ${parts.join(', ')}`;
}
