/**
 * The filter phase (docs/fleet-repository.md#filter): which clusters are candidates for one template under one
 * affinity term. Every rule is evaluated, not just the first failing one, so an explanation can list them all.
 * Clusters already holding the template pass TaintToleration and APIEnablement, as in Karmada: a taint or a
 * discovery hiccup must not pull an existing placement.
 */
import type { ResourceTemplate } from '../model/fleet.js';
import type { ClusterAffinity, Placement } from '../model/karmada.js';
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

function taintReason(view: ClusterView, placement: Placement): FilterReason | null {
  const taint = findUntoleratedTaint(view.taints, placement.clusterTolerations ?? []);
  if (taint === null) return null;
  const ready = view.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const file = `status/clusters/${view.name}.yaml`;
  const origin = view.systemTaints.includes(taint)
    ? ` (system taint: Ready=${ready ?? 'Unknown'} in ${file})`
    : view.statusTaints.includes(taint)
      ? ` (status.taints in ${file}${taint.timeAdded ? `, added ${taint.timeAdded}` : ''}, by a ClusterTaintPolicy)`
      : '';
  return { rule: 'TaintToleration', detail: `untolerated taint ${formatTaint(taint)}${origin}` };
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

/** Every rule a cluster fails, ignoring where the template runs today. */
export function clusterFilterVerdict(
  view: ClusterView,
  template: ResourceTemplate,
  placement: Placement,
  affinity: ClusterAffinity | undefined,
): FilteredCluster | null {
  const reasons: FilterReason[] = [];
  const mismatch = clusterAffinityMismatch(view.def, affinity);
  if (mismatch !== null) reasons.push({ rule: 'ClusterAffinity', detail: mismatch });
  const taint = taintReason(view, placement);
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
    const verdicts = ctx.clusters.map((view) => clusterFilterVerdict(view, req.template, req.placement, req.affinity));
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

export function filterClusters(ctx: ScheduleContext, req: FilterRequest): FilterOutcome {
  const memo = filterMemo(ctx, req);
  const affected = [...req.previous].some((name) => {
    const view = ctx.clusterByName.get(name);
    return view !== undefined && memo.verdicts[view.index] !== null;
  });
  // Only clusters of the previous placement that fail a rule can change the shared outcome.
  if (!affected) return { feasible: memo.feasible, filtered: memo.filtered, kept: NOTHING_KEPT, memo };
  const feasible: ClusterView[] = [];
  const filtered: FilteredCluster[] = [];
  const kept = new Map<string, FilterRule[]>();
  for (let i = 0; i < ctx.clusters.length; i++) {
    const view = ctx.clusters[i] as ClusterView;
    const verdict = memo.verdicts[i] ?? null;
    if (verdict === null) {
      feasible.push(view);
      continue;
    }
    if (!req.previous.has(view.name)) {
      filtered.push(verdict);
      continue;
    }
    const blocking = verdict.reasons.filter((r) => !BYPASSED_FOR_PLACED.has(r.rule));
    if (blocking.length === 0) {
      feasible.push(view);
      kept.set(view.name, verdict.reasons.map((r) => r.rule));
    } else {
      filtered.push({ name: view.name, reasons: blocking });
    }
  }
  return { feasible, filtered, kept, memo: null };
}

/** Karmada's FitError in words: how many clusters each rule rejected. */
export function describeNoFit(total: number, filtered: readonly FilteredCluster[]): string {
  if (total === 0) return 'no cluster fits: the fleet has no clusters';
  const counts = new Map<FilterRule, number>();
  for (const f of filtered) for (const r of f.reasons) counts.set(r.rule, (counts.get(r.rule) ?? 0) + 1);
  const order: FilterRule[] = ['ClusterAffinity', 'TaintToleration', 'APIEnablement', 'SpreadConstraint'];
  const parts = order.filter((r) => counts.has(r)).map((r) => `${r} rejects ${counts.get(r)}`);
  return `no cluster fits (0/${total} available): ${parts.join(', ')}`;
}
