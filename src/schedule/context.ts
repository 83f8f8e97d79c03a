/**
 * Everything about the fleet that does not depend on the template being scheduled, computed once per run:
 * clusters in name order with their taints, capacity and served APIs, policy indexes, and memo tables shared by
 * all templates (filter verdicts per placement, estimates per pod shape). Plain data; no global state.
 */
import type { ClusterDef, ClusterStatus, Fleet, InvalidPolicyDoc, PlacementRecord, ResourceTemplate } from '../model/fleet.js';
import { firstTaintPerKeyAndEffect, type Taint } from '../model/kube.js';
import type { Placement } from '../model/karmada.js';
import { compareRefs, compareStrings } from '../model/refs.js';
import { clusterCapacity, type ClusterCapacity, type ReplicaEstimate } from './estimate.js';
import { indexPolicies, type PolicyIndex } from '../match/claim.js';
import { effectiveTolerations, systemTaints, type EffectiveTolerations } from './taints.js';
import type { FilteredCluster } from './types.js';
import type { Ranking } from './rank.js';

export interface ClusterView {
  name: string;
  /** Position in `ScheduleContext.clusters`. */
  index: number;
  def: ClusterDef;
  status: ClusterStatus | undefined;
  /**
   * Declared taints (clusters/), then those ClusterTaintPolicies recorded (status.taints), then the system taints
   * derived from the Ready condition; a key and effect already listed is not listed again.
   */
  taints: Taint[];
  statusTaints: Taint[];
  systemTaints: Taint[];
  capacity: ClusterCapacity;
  /** `groupVersion/kind` keys the cluster serves, or null when unknown (then every API is assumed served). */
  apis: Set<string> | null;
}

/**
 * Filter results shared by every template with the same placement, term and API: a verdict per cluster (by
 * index, null when it passes every rule) and the candidate lists for templates without a previous placement.
 */
export interface FilterMemo {
  verdicts: readonly (FilteredCluster | null)[];
  feasible: readonly ClusterView[];
  filtered: readonly FilteredCluster[];
  /** Rankings of `feasible` when nothing is placed yet, per pod shape (see rank.ts). */
  rankings: Map<string, Ranking>;
}

export interface ScheduleContext {
  clusters: ClusterView[];
  clusterByName: Map<string, ClusterView>;
  policies: PolicyIndex;
  invalidPolicies: InvalidPolicyDoc[];
  placements: Map<string, PlacementRecord>;
  /** Filter results per placement and (term, API) key. */
  filterMemo: Map<Placement, Map<string, FilterMemo>>;
  /** Static weight of each cluster (by index) under a placement's staticWeightList. */
  staticWeightMemo: Map<Placement, (number | undefined)[]>;
  /** General-estimator answers per pod shape (`PodRequests.key`), per cluster index. */
  estimateMemo: Map<string, (ReplicaEstimate | undefined)[]>;
  /** Problems about cluster status files, reported once. */
  statusProblems: { cluster: string; message: string }[];
  /** fleet.yaml `spec.failover.defaultTolerationSeconds`, for the webhook's default tolerations. */
  defaultTolerationSeconds: number;
  /** Effective tolerations per placement (the policy's own plus the defaulted ones). */
  tolerationMemo: Map<Placement, EffectiveTolerations>;
}

export function tolerationsOf(ctx: ScheduleContext, placement: Placement): EffectiveTolerations {
  let memo = ctx.tolerationMemo.get(placement);
  if (!memo) {
    memo = effectiveTolerations(placement, ctx.defaultTolerationSeconds);
    ctx.tolerationMemo.set(placement, memo);
  }
  return memo;
}

export function apiKey(groupVersion: string, kind: string): string {
  return `${groupVersion}/${kind}`;
}

function servedApis(status: ClusterStatus | undefined): Set<string> | null {
  const list = status?.apiEnablements;
  // An empty list means discovery reported nothing, not that the cluster serves nothing.
  if (!list || list.length === 0) return null;
  const out = new Set<string>();
  for (const gv of list) for (const r of gv.resources ?? []) out.add(apiKey(gv.groupVersion, r.kind));
  return out;
}

export function compareTemplates(a: ResourceTemplate, b: ResourceTemplate): number {
  return compareRefs(a.ref, b.ref) || compareStrings(a.source.file, b.source.file) || a.source.line - b.source.line;
}

export function createScheduleContext(fleet: Fleet): ScheduleContext {
  const sorted = [...fleet.clusters].sort(
    (a, b) => compareStrings(a.name, b.name) || compareStrings(a.source.file, b.source.file) || a.source.line - b.source.line,
  );
  const clusters: ClusterView[] = [];
  const clusterByName = new Map<string, ClusterView>();
  const statusProblems: ScheduleContext['statusProblems'] = [];
  for (const def of sorted) {
    if (clusterByName.has(def.name)) continue;
    const status = fleet.clusterStatuses.get(def.name);
    const sys = systemTaints(status);
    const recorded = status?.taints ?? [];
    const capacity = clusterCapacity(status);
    for (const message of capacity.problems) statusProblems.push({ cluster: def.name, message });
    const view: ClusterView = {
      name: def.name,
      index: clusters.length,
      def,
      status,
      taints: firstTaintPerKeyAndEffect([...(def.spec.taints ?? []), ...recorded, ...sys]),
      statusTaints: recorded,
      systemTaints: sys,
      capacity,
      apis: servedApis(status),
    };
    clusters.push(view);
    clusterByName.set(def.name, view);
  }
  return {
    clusters,
    clusterByName,
    policies: indexPolicies(fleet.propagationPolicies),
    invalidPolicies: fleet.invalidPolicies,
    placements: fleet.placements,
    filterMemo: new Map(),
    staticWeightMemo: new Map(),
    estimateMemo: new Map(),
    statusProblems,
    defaultTolerationSeconds: fleet.settings.defaultTolerationSeconds,
    tolerationMemo: new Map(),
  };
}
