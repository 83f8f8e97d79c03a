/**
 * Replica division over the selected clusters (docs/fleet-repository.md#replica-division). Every proportional split uses
 * Webster. DynamicWeight and Aggregated run Karmada's "Steady" mode against the previous placement: scale-up
 * only adds, scale-down shrinks the previous shares, and replicas on clusters that are no longer selected are
 * forgotten and placed again.
 */
import type { PlacementCluster } from '../model/fleet.js';
import type { Placement } from '../model/karmada.js';
import { compareStrings } from '../model/refs.js';
import { clusterMatchesAffinity } from '../match/selectors.js';
import { allocateWebsterSeats, type WeightedParty } from '../util/webster.js';
import type { Candidate } from './rank.js';
import type { DivisionExplanation, DivisionStrategy } from './types.js';

export type ReplicaStrategy = Exclude<DivisionStrategy, 'NoReplicas'>;

export function replicaStrategy(placement: Placement): ReplicaStrategy {
  const rs = placement.replicaScheduling;
  if (!rs || rs.replicaSchedulingType === 'Duplicated') return 'Duplicated';
  if (rs.replicaDivisionPreference === 'Aggregated') return 'Aggregated';
  return rs.weightPreference?.dynamicWeight ? 'DynamicWeight' : 'StaticWeight';
}

export function describeStrategy(placement: Placement): string {
  switch (replicaStrategy(placement)) {
    case 'Duplicated':
      return placement.replicaScheduling ? 'Duplicated' : 'Duplicated (no replicaScheduling)';
    case 'Aggregated':
      return 'Divided, Aggregated';
    case 'DynamicWeight':
      return 'Divided, Weighted by available replicas (dynamicWeight)';
    case 'StaticWeight':
      return placement.replicaScheduling?.weightPreference ? 'Divided, Weighted by staticWeightList' : 'Divided, Weighted equally (no weightPreference)';
  }
}

export interface AssignRequest {
  placement: Placement;
  replicas: number;
  /** Selected clusters in selection order. */
  selected: readonly Candidate[];
  previous: readonly PlacementCluster[];
  /** Memo of static weights by cluster index, shared by the templates of one placement. */
  weightMemo?: (number | undefined)[];
}

export interface AssignOutcome {
  ok: boolean;
  /** Sorted by name; divided clusters with 0 replicas are left out unless the template asks for 0. */
  clusters: PlacementCluster[];
  failure?: string;
  explanation: DivisionExplanation;
}

function byName(a: PlacementCluster, b: PlacementCluster): number {
  return compareStrings(a.name, b.name);
}

function finish(result: PlacementCluster[], explanation: Omit<DivisionExplanation, 'result'>): AssignOutcome {
  const clusters = result.filter((c) => c.replicas > 0).sort(byName);
  return { ok: true, clusters, explanation: { ...explanation, result: clusters } };
}

function failed(failure: string, explanation: Omit<DivisionExplanation, 'result'>): AssignOutcome {
  return { ok: false, clusters: [], failure, explanation: { ...explanation, result: [] } };
}

export function assignReplicas(req: AssignRequest): AssignOutcome {
  const strategy = replicaStrategy(req.placement);
  if (req.selected.length === 0) {
    return failed('no clusters available to schedule', { strategy, replicas: req.replicas });
  }
  if (req.replicas === 0) {
    // Scaling to zero (or an object without replicas) keeps every selected cluster listed, so nothing is deleted.
    const clusters = req.selected.map((c) => ({ name: c.info.name, replicas: 0 })).sort(byName);
    return { ok: true, clusters, explanation: { strategy: 'NoReplicas', replicas: 0, result: clusters } };
  }
  switch (strategy) {
    case 'Duplicated':
      return finish(
        req.selected.map((c) => ({ name: c.info.name, replicas: req.replicas })),
        { strategy, replicas: req.replicas },
      );
    case 'StaticWeight':
      return divideByStaticWeight(req);
    case 'DynamicWeight':
    case 'Aggregated':
      return divideSteadily(req, strategy);
  }
}

/** Weight = the highest matching staticWeightList entry; no match anywhere means equal weights. */
export function staticWeights(req: Pick<AssignRequest, 'placement' | 'selected' | 'weightMemo'>): { weights: WeightedParty[]; source: string } {
  const list = req.placement.replicaScheduling?.weightPreference?.staticWeightList;
  if (req.placement.replicaScheduling?.weightPreference === undefined) {
    return { weights: req.selected.map((c) => ({ name: c.info.name, weight: 1 })), source: 'no weightPreference: every cluster weight 1' };
  }
  const weights: WeightedParty[] = [];
  for (const c of req.selected) {
    let weight = req.weightMemo?.[c.view.index];
    if (weight === undefined) {
      weight = 0;
      for (const entry of list ?? []) {
        if (entry.weight > weight && clusterMatchesAffinity(c.view.def, entry.targetCluster)) weight = entry.weight;
      }
      if (req.weightMemo) req.weightMemo[c.view.index] = weight;
    }
    if (weight > 0) weights.push({ name: c.info.name, weight });
  }
  if (weights.length === 0) {
    return { weights: req.selected.map((c) => ({ name: c.info.name, weight: 1 })), source: 'no candidate matches staticWeightList: every cluster weight 1' };
  }
  return { weights, source: 'staticWeightList (highest matching entry; unmatched clusters get nothing)' };
}

function divideByStaticWeight(req: AssignRequest): AssignOutcome {
  const { weights, source } = staticWeights(req);
  const seats = allocateWebsterSeats(weights, req.replicas);
  return finish(
    weights.map((w) => ({ name: w.name, replicas: seats.get(w.name) ?? 0 })),
    { strategy: 'StaticWeight', replicas: req.replicas, divided: req.replicas, weightSource: source, weights },
  );
}

/** Stable sort by weight, largest first; ties keep their incoming order as Go's insertion sort does for short lists. */
function largestFirst(parties: WeightedParty[]): WeightedParty[] {
  return parties.map((p, i) => [p, i] as const).sort(([a, i], [b, j]) => b.weight - a.weight || i - j).map(([p]) => p);
}

function divideSteadily(req: AssignRequest, strategy: 'DynamicWeight' | 'Aggregated'): AssignOutcome {
  const selectedNames = new Set(req.selected.map((c) => c.info.name));
  const previous = [...req.previous].sort(byName);
  const kept = previous.filter((p) => selectedNames.has(p.name) && p.replicas > 0);
  const forgotten = previous.filter((p) => !selectedNames.has(p.name) && p.replicas > 0);
  const assigned = kept.reduce((sum, p) => sum + p.replicas, 0);
  const base = { strategy, replicas: req.replicas, kept, forgotten };

  if (assigned === req.replicas) return finish(kept.map((p) => ({ ...p })), { ...base, mode: 'Unchanged' });

  let mode: 'ScaleUp' | 'ScaleDown';
  let target: number;
  let available: WeightedParty[];
  let init: PlacementCluster[];
  let weightSource: string;
  if (assigned > req.replicas) {
    // Scale down in proportion to the previous shares, as if scheduling for the first time over them.
    mode = 'ScaleDown';
    target = req.replicas;
    available = largestFirst(kept.map((p) => ({ name: p.name, weight: p.replicas })));
    init = [];
    weightSource = 'previous replicas';
  } else {
    mode = 'ScaleUp';
    target = req.replicas - assigned;
    available = largestFirst(req.selected.map((c) => ({ name: c.info.name, weight: c.info.estimatedReplicas })));
    init = kept;
    weightSource = 'estimated available replicas';
  }
  const availableTotal = available.reduce((sum, p) => sum + p.weight, 0);
  if (availableTotal < target) {
    return failed(`Clusters available replicas ${availableTotal} are not enough to schedule.`, {
      ...base,
      mode,
      divided: target,
      weightSource,
      weights: available,
      availableTotal,
    });
  }
  if (strategy === 'Aggregated') {
    // Clusters already running replicas come first, then the shortest prefix that can hold the target.
    const prior = new Set(init.filter((p) => p.replicas > 0).map((p) => p.name));
    if (prior.size > 0) available = [...available.filter((p) => prior.has(p.name)), ...available.filter((p) => !prior.has(p.name))];
    let sum = 0;
    const cut = available.findIndex((p) => (sum += p.weight) >= target);
    if (cut >= 0) available = available.slice(0, cut + 1);
  }
  const seats = allocateWebsterSeats(available, target);
  const totals = new Map<string, number>();
  for (const p of init) totals.set(p.name, (totals.get(p.name) ?? 0) + p.replicas);
  for (const [name, n] of seats) totals.set(name, (totals.get(name) ?? 0) + n);
  return finish(
    [...totals].map(([name, replicas]) => ({ name, replicas })),
    { ...base, mode, divided: target, weightSource, weights: available, availableTotal },
  );
}
