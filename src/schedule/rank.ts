/**
 * Scoring and ranking (docs/fleet-repository.md#ranking): ClusterLocality gives 100 to clusters of the previous
 * placement; candidates are ordered by score, then available replicas (estimate + replicas already there), then
 * name. The same estimates feed spread selection and dynamic division.
 */
import type { PlacementCluster } from '../model/fleet.js';
import type { ClusterView, FilterMemo, ScheduleContext } from './context.js';
import { estimateAvailableReplicas, UNLIMITED_REPLICAS, type ReplicaEstimate } from './estimate.js';
import type { PodRequests } from './replicas.js';
import { estimateComponentSets, type ComponentSet } from './component-sets.js';
import type { FilterRule, RankedCluster } from './types.js';

/** A candidate cluster with the numbers the later phases use; `info` is what explanations show. */
export interface Candidate {
  view: ClusterView;
  info: RankedCluster;
}

export const LOCALITY_SCORE = 100;

const NOT_ESTIMATED: ReplicaEstimate = { replicas: UNLIMITED_REPLICAS, limitedBy: 'not estimated: the template has no replicas' };

/** Estimates per key and cluster, shared by every template with the same pod shape or component set. */
function memoized(ctx: ScheduleContext, view: ClusterView, key: string, estimate: () => ReplicaEstimate): ReplicaEstimate {
  let row = ctx.estimateMemo.get(key);
  if (!row) {
    row = new Array<ReplicaEstimate | undefined>(ctx.clusters.length);
    ctx.estimateMemo.set(key, row);
  }
  let result = row[view.index];
  if (result === undefined) {
    result = estimate();
    row[view.index] = result;
  }
  return result;
}

/** General-estimator answer for one pod shape on one cluster. */
export function clusterEstimate(ctx: ScheduleContext, view: ClusterView, requests: PodRequests): ReplicaEstimate {
  return memoized(ctx, view, requests.key, () => estimateAvailableReplicas(view.capacity, requests));
}

/** Complete component sets that fit on one cluster; the key cannot collide with a pod shape's. */
function clusterSetEstimate(ctx: ScheduleContext, view: ClusterView, set: ComponentSet): ReplicaEstimate {
  return memoized(ctx, view, `\u0000sets ${set.key}`, () => estimateComponentSets(view.capacity, set.components));
}

export function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    b.info.score - a.info.score ||
    b.info.availableReplicas - a.info.availableReplicas ||
    (a.info.name < b.info.name ? -1 : a.info.name > b.info.name ? 1 : 0)
  );
}

export interface RankRequest {
  feasible: readonly ClusterView[];
  /** Template replicas; 0 skips estimation as Karmada does for objects without replicas. */
  replicas: number;
  requests: PodRequests;
  /** Set when the template is estimated in complete component sets instead of replicas of one pod shape. */
  components?: ComponentSet;
  previous: readonly PlacementCluster[];
  kept: ReadonlyMap<string, readonly FilterRule[]>;
  /** Shared filter results for `feasible`; the ranking before any placement is cached there. */
  memo?: FilterMemo | null;
}

/** Candidates in rank order, and their explanation records in the same order. */
export interface Ranking {
  candidates: readonly Candidate[];
  infos: readonly RankedCluster[];
}

const NO_RULES: readonly FilterRule[] = [];

function makeCandidate(view: ClusterView, estimate: ReplicaEstimate, assigned: number, score: number, kept: readonly FilterRule[]): Candidate {
  return {
    view,
    info: {
      name: view.name,
      score,
      availableReplicas: estimate.replicas + assigned,
      estimatedReplicas: estimate.replicas,
      limitedBy: estimate.limitedBy,
      previousReplicas: assigned,
      keptByPreviousPlacement: kept,
    },
  };
}

function ranking(candidates: readonly Candidate[]): Ranking {
  return { candidates, infos: candidates.map((c) => c.info) };
}

/**
 * The ranking as if nothing were placed yet. It depends only on the candidates and the pod shape, so templates
 * sharing both share it (most templates of a policy do).
 */
function baseRanking(ctx: ScheduleContext, req: RankRequest): Ranking {
  const sets = req.components;
  const key = sets ? `\u0000sets ${sets.key}` : req.replicas === 0 ? '\u0000no replicas' : req.requests.key;
  const cached = req.memo?.rankings.get(key);
  if (cached) return cached;
  const estimate = (view: ClusterView): ReplicaEstimate =>
    sets ? clusterSetEstimate(ctx, view, sets) : req.replicas === 0 ? NOT_ESTIMATED : clusterEstimate(ctx, view, req.requests);
  const candidates = req.feasible.map((view) => makeCandidate(view, estimate(view), 0, 0, NO_RULES)).sort(compareCandidates);
  const result = ranking(candidates);
  req.memo?.rankings.set(key, result);
  return result;
}

/** Merges two lists already in rank order. */
function mergeRanked(a: readonly Candidate[], b: readonly Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compareCandidates(a[i] as Candidate, b[j] as Candidate) <= 0 ? (a[i++] as Candidate) : (b[j++] as Candidate));
  while (i < a.length) out.push(a[i++] as Candidate);
  while (j < b.length) out.push(b[j++] as Candidate);
  return out;
}

export function rankClusters(ctx: ScheduleContext, req: RankRequest): Ranking {
  const base = baseRanking(ctx, req);
  const previousReplicas = new Map<string, number>();
  let previousTotal = 0;
  for (const p of req.previous) {
    previousReplicas.set(p.name, (previousReplicas.get(p.name) ?? 0) + p.replicas);
    previousTotal += p.replicas;
  }
  if (previousReplicas.size === 0 && req.kept.size === 0) return base;
  // Only clusters of the previous placement rank differently; re-rank those and merge them back in.
  const changed: Candidate[] = [];
  const unchanged: Candidate[] = [];
  for (const c of base.candidates) {
    const held = previousReplicas.get(c.info.name);
    const kept = req.kept.get(c.info.name);
    if (held === undefined && kept === undefined) {
      unchanged.push(c);
      continue;
    }
    const estimate = { replicas: c.info.estimatedReplicas, limitedBy: c.info.limitedBy };
    const score = held !== undefined && previousTotal > 0 ? LOCALITY_SCORE : 0;
    changed.push(makeCandidate(c.view, estimate, held ?? 0, score, kept ?? NO_RULES));
  }
  if (changed.length === 0) return base;
  return ranking(mergeRanked(changed.sort(compareCandidates), unchanged));
}
