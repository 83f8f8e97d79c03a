/**
 * Cluster selection under spread constraints (docs/fleet-repository.md#spread-constraints, Karmada's spreadconstraint package).
 * Only the `cluster` and `region`+`cluster` paths exist; zone and provider constraints only filter clusters.
 */
import type { Placement, SpreadConstraint } from '../model/karmada.js';
import { compareStrings } from '../model/refs.js';
import { compareCandidates, type Candidate } from './rank.js';
import type { SelectionExplanation } from './types.js';

export interface SelectionOutcome {
  ok: boolean;
  /** In selection order. */
  selected: Candidate[];
  failure?: string;
  explanation: SelectionExplanation;
}

/** Static weights divide over every candidate; Karmada ignores spread constraints for them. */
export function usesStaticWeights(placement: Placement): boolean {
  const rs = placement.replicaScheduling;
  if (!rs || rs.replicaSchedulingType !== 'Divided') return false;
  if ((rs.replicaDivisionPreference ?? 'Weighted') !== 'Weighted') return false;
  const wp = rs.weightPreference;
  return wp === undefined || ((wp.staticWeightList ?? []).length > 0 && !wp.dynamicWeight);
}

/** Duplicated placement (or none given) ignores capacity when choosing clusters. */
export function ignoresAvailability(placement: Placement): boolean {
  const rs = placement.replicaScheduling;
  return !rs || rs.replicaSchedulingType === 'Duplicated';
}

export function selectClusters(placement: Placement, ranked: readonly Candidate[], replicas: number): SelectionOutcome {
  const constraints = placement.spreadConstraints ?? [];
  const availabilityConsidered = !ignoresAvailability(placement);
  const base = { availabilityConsidered, constraints };
  if (constraints.length === 0 || usesStaticWeights(placement)) {
    const reason = constraints.length === 0 ? 'no spreadConstraints: every candidate is selected' : 'static weight division ignores spreadConstraints: every candidate is selected';
    return done([...ranked], { method: 'AllCandidates', reason, ...base });
  }
  const byField = new Map<string, SpreadConstraint>();
  for (const c of constraints) byField.set(c.spreadByField ?? '', c);
  const region = byField.get('region');
  const cluster = byField.get('cluster');
  if (region) return selectByRegion(ranked, region, cluster, placement, replicas, base);
  if (cluster) return selectByCluster(ranked, cluster, availabilityConsidered ? replicas : null, base);
  return fail('just support cluster and region spread constraint', { method: 'ClusterSpread', reason: 'no cluster or region constraint', ...base });
}

export type ExplanationBase = Pick<SelectionExplanation, 'availabilityConsidered' | 'constraints'>;

function done(selected: Candidate[], partial: Omit<SelectionExplanation, 'selected'>): SelectionOutcome {
  return { ok: true, selected, explanation: { ...partial, selected: selected.map((c) => c.info.name) } };
}

function fail(failure: string, partial: Omit<SelectionExplanation, 'selected'>): SelectionOutcome {
  return { ok: false, selected: [], failure, explanation: { ...partial, selected: [] } };
}

function totalAvailable(clusters: readonly Candidate[]): number {
  let sum = 0;
  for (const c of clusters) sum += c.info.availableReplicas;
  return sum;
}

/**
 * `cluster` constraint: the top min(maxGroups, candidates) clusters by rank. When capacity matters and they
 * cannot hold the replicas, walk up from the worst selected cluster, swapping in the unselected cluster with the
 * most available replicas when it has more.
 */
function selectByCluster(ranked: readonly Candidate[], constraint: SpreadConstraint, needReplicas: number | null, base: ExplanationBase): SelectionOutcome {
  const minGroups = constraint.minGroups ?? 0;
  const maxGroups = constraint.maxGroups ?? 0;
  const describe = `cluster minGroups ${minGroups}, maxGroups ${maxGroups}`;
  if (ranked.length < minGroups) {
    return fail('the number of feasible clusters is less than spreadConstraint.MinGroups', {
      method: 'ClusterSpread',
      reason: `${ranked.length} candidates for ${describe}`,
      ...base,
    });
  }
  const needCount = Math.min(maxGroups, ranked.length);
  if (needReplicas === null) {
    return done(ranked.slice(0, needCount), { method: 'ClusterSpread', reason: `top ${needCount} candidates by rank (${describe})`, ...base });
  }
  const chosen = ranked.slice(0, needCount);
  const rest = ranked.slice(needCount);
  const swaps: { out: string; in: string }[] = [];
  for (let i = chosen.length - 1; totalAvailable(chosen) < needReplicas && i >= 0; i--) {
    const current = chosen[i] as Candidate;
    let best = -1;
    let bestAvailable = current.info.availableReplicas;
    for (let j = 0; j < rest.length; j++) {
      const a = (rest[j] as Candidate).info.availableReplicas;
      if (a > bestAvailable) {
        best = j;
        bestAvailable = a;
      }
    }
    if (best < 0) continue;
    const incoming = rest[best] as Candidate;
    chosen[i] = incoming;
    rest[best] = current;
    swaps.push({ out: current.info.name, in: incoming.info.name });
  }
  const reason = `top ${needCount} candidates by rank (${describe}), swapping in larger clusters until ${needReplicas} replicas fit`;
  if (chosen.length === 0 || totalAvailable(chosen) < needReplicas) {
    return fail(`no enough resource when selecting ${needCount} clusters`, { method: 'ClusterSpread', reason, ...base, swaps });
  }
  return done(chosen, { method: 'ClusterSpread', reason, ...base, swaps });
}

export interface RegionGroup {
  name: string;
  clusters: Candidate[];
  score: number;
}

/** Karmada weighs a score point against a replica so that capacity decides first and locality breaks ties. */
const WEIGHT_UNIT = 1000;

/** A region's score (Karmada's calcGroupScore): capacity for the replicas first, then average locality score. */
export function regionScore(clusters: readonly Candidate[], placement: Placement, replicas: number, regionMinGroups: number, clusterMinGroups: number): number {
  if (ignoresAvailability(placement)) {
    let valid = 0;
    let validScore = 0;
    for (const c of clusters) {
      if (c.info.availableReplicas >= replicas) {
        valid++;
        validScore += c.info.score;
      }
    }
    return valid * WEIGHT_UNIT + (valid > 0 ? Math.floor(validScore / valid) : 0);
  }
  const groups = regionMinGroups > 0 ? regionMinGroups : 1;
  const target = Math.ceil(replicas / groups);
  const needClusters = Math.max(clusterMinGroups, groups);
  let sum = 0;
  let scoreSum = 0;
  let used = 0;
  for (const c of clusters) {
    sum += c.info.availableReplicas;
    scoreSum += c.info.score;
    used++;
    if (used >= needClusters && sum >= target) break;
  }
  if (sum < target) return sum * WEIGHT_UNIT + Math.floor(scoreSum / Math.max(clusters.length, 1));
  return target * WEIGHT_UNIT + Math.floor(scoreSum / used);
}

/**
 * `region` + `cluster` constraints: group candidates by `spec.region` (clusters without one cannot take part),
 * score each region, then choose regions and clusters.
 */
function selectByRegion(
  ranked: readonly Candidate[],
  regionConstraint: SpreadConstraint,
  clusterConstraint: SpreadConstraint | undefined,
  placement: Placement,
  replicas: number,
  base: ExplanationBase,
): SelectionOutcome {
  const byName = new Map<string, RegionGroup>();
  for (const c of ranked) {
    const region = c.view.def.spec.region;
    if (!region) continue;
    let group = byName.get(region);
    if (!group) {
      group = { name: region, clusters: [], score: 0 };
      byName.set(region, group);
    }
    group.clusters.push(c);
  }
  const regionMin = regionConstraint.minGroups ?? 0;
  const clusterMin = clusterConstraint?.minGroups ?? 0;
  for (const g of byName.values()) g.score = regionScore(g.clusters, placement, replicas, regionMin, clusterMin);
  return chooseFromRegions([...byName.values()], regionConstraint, clusterConstraint, base);
}

/**
 * Chooses regions by DFS (enough clusters for cluster minGroups, within region min/maxGroups, best summed
 * score), takes each chosen region's best cluster, then fills up to cluster maxGroups with the best remaining
 * clusters of the chosen regions. Region clusters must be in rank order.
 */
export function chooseFromRegions(
  regionList: readonly RegionGroup[],
  regionConstraint: SpreadConstraint,
  clusterConstraint: SpreadConstraint | undefined,
  base: ExplanationBase,
): SelectionOutcome {
  const regionMin = regionConstraint.minGroups ?? 0;
  const regionMax = regionConstraint.maxGroups ?? 0;
  const clusterMin = clusterConstraint?.minGroups ?? 0;
  const clusterMax = clusterConstraint?.maxGroups ?? 0;
  const regions = [...regionList].sort((a, b) => compareStrings(a.name, b.name));
  const byName = new Map(regions.map((r) => [r.name, r] as const));
  const describe = `region minGroups ${regionMin}, maxGroups ${regionMax}; cluster minGroups ${clusterMin}, maxGroups ${clusterMax}`;
  const partial = (chosen: ReadonlySet<string>, reason: string): Omit<SelectionExplanation, 'selected'> => ({
    method: 'RegionSpread',
    reason,
    ...base,
    regions: regions.map((r) => ({ name: r.name, score: r.score, clusters: r.clusters.map((c) => c.info.name), chosen: chosen.has(r.name) })),
  });

  if (regions.length < regionMin) {
    return fail('the number of feasible region is less than spreadConstraint.MinGroups', partial(new Set(), `${regions.length} regions for ${describe}`));
  }
  let chosen: GroupInfo[] | null;
  try {
    chosen = selectGroups(
      regions.map((r) => ({ name: r.name, value: r.clusters.length, weight: r.score })),
      regionMin,
      regionMax,
      clusterMin,
    );
  } catch (e) {
    if (!(e instanceof SearchTooLargeError)) throw e;
    return fail(e.message, partial(new Set(), describe));
  }
  if (chosen === null || chosen.length === 0) {
    return fail('the number of clusters is less than the cluster spreadConstraint.MinGroups', partial(new Set(), describe));
  }
  const selected: Candidate[] = [];
  const spare: Candidate[] = [];
  for (const g of chosen) {
    const [first, ...others] = (byName.get(g.name) as RegionGroup).clusters;
    if (first) selected.push(first);
    spare.push(...others);
  }
  const needCount = Math.min(selected.length + spare.length, clusterMax);
  const restCount = needCount - selected.length;
  if (restCount > 0) selected.push(...spare.sort(compareCandidates).slice(0, restCount));
  const chosenNames = new Set(chosen.map((g) => g.name));
  const reason = `regions ${chosen.map((g) => g.name).join(', ')} chosen (${describe}); their best clusters first, then the best remaining up to cluster maxGroups`;
  return done(selected, partial(chosenNames, reason));
}

export interface GroupInfo {
  name: string;
  /** What must reach the target (clusters in a region, or available replicas). */
  value: number;
  /** Preference between feasible combinations (the group score). */
  weight: number;
}

export class SearchTooLargeError extends Error {}

/** Karmada explores combinations exhaustively; beyond this many steps Flotilla gives up instead of hanging. */
const MAX_SEARCH_STEPS = 1_000_000;

interface GroupPath {
  id: number;
  groups: GroupInfo[];
  weight: number;
  value: number;
}

/**
 * Karmada's selectGroups: every combination of [min, max] groups whose values reach the target (found by a
 * DFS over groups sorted by value asc, weight desc, name), preferring higher summed weight, then higher summed
 * value, then discovery order; a best path's prefix that is itself feasible is preferred over the path.
 */
export function selectGroups(groups: readonly GroupInfo[], min: number, max: number, target: number): GroupInfo[] | null {
  if (groups.length === 0) return null;
  const sorted = [...groups].sort((a, b) => a.value - b.value || b.weight - a.weight || compareStrings(a.name, b.name));
  const paths: GroupPath[] = [];
  const stack: GroupInfo[] = [];
  let steps = 0;
  const visit = (sum: number, begin: number): void => {
    if (++steps > MAX_SEARCH_STEPS) throw new SearchTooLargeError(`too many region combinations to search (more than ${MAX_SEARCH_STEPS})`);
    if (sum >= target && stack.length >= min && stack.length <= max) {
      const members = [...stack].sort((a, b) => b.weight - a.weight || compareStrings(a.name, b.name));
      let weight = 0;
      let value = 0;
      for (const g of members) {
        weight += g.weight;
        value += g.value;
      }
      paths.push({ id: paths.length + 1, groups: members, weight, value });
      return;
    }
    if (stack.length >= max) return;
    for (let i = begin; i < sorted.length; i++) {
      const g = sorted[i] as GroupInfo;
      stack.push(g);
      visit(sum + g.value, i + 1);
      stack.pop();
    }
  };
  visit(0, 0);
  if (paths.length === 0) return null;
  paths.sort((a, b) => b.weight - a.weight || b.value - a.value || a.id - b.id);
  let best = paths[0] as GroupPath;
  for (let i = 1; i < paths.length; i++) {
    const p = paths[i] as GroupPath;
    if (isPrefixOf(p, best)) best = p;
  }
  return best.groups;
}

function isPrefixOf(sub: GroupPath, path: GroupPath): boolean {
  if (sub.groups.length >= path.groups.length) return false;
  return sub.groups.every((g, i) => path.groups[i]?.name === g.name);
}
