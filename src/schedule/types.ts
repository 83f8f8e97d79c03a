/**
 * Output types of the schedule stage. Everything here is plain JSON data: arrays are in a stable order and
 * objects are built with a fixed key order, so `JSON.stringify` of a result is byte-identical across runs.
 */
import type { ResourceInterpreter } from '../model/interpreters.js';
import type { ClusterAffinity, SpreadConstraint } from '../model/karmada.js';
import type { PlacementCluster } from '../model/fleet.js';
import type { GracefulEvictionTask } from '../model/eviction.js';
import type { Toleration } from '../model/kube.js';
import type { PlacementDecision, PlacementReason } from '../model/placement.js';
import type { Problem } from '../model/problem.js';
import type { ObjectRef, PolicyRef } from '../model/refs.js';
import type { PolicyExplanation } from '../match/claim.js';

// Policy claiming lives with matching; its explanation types stay part of the schedule stage's output.
export type { ClaimKind, InvalidPolicyMatch, PolicyCandidate, PolicyExplanation, SelectorMatch } from '../match/claim.js';

/** What one WorkloadRebalancer did, recorded in `status/rebalancers/<name>.yaml`. */
export interface RebalancerOutcome {
  name: string;
  /** `name@spec-hash`, as recorded on the placements it rescheduled. */
  key: string;
  workloads: { workload: { apiVersion: string; kind: string; namespace?: string; name: string }; result: 'Successful' | 'Failed'; reason?: string }[];
}

export interface ScheduleResult {
  /** One per template, sorted by `compareRefs`. */
  decisions: PlacementDecision[];
  /** Problems found while scheduling (unparseable quantities, invalid replica counts), sorted. */
  errors: Problem[];
  /** Keyed by `identityKey(resource)`; empty when scheduling ran with `explain: false`. */
  explanations: Map<string, PlacementExplanation>;
  /** One per WorkloadRebalancer in the fleet, in name order. */
  rebalancers: RebalancerOutcome[];
}

export interface ScheduleOptions {
  /** Build a `PlacementExplanation` per template (default true). The controller may skip them to save memory. */
  explain?: boolean;
  /** Runs the fleet's interpreter scripts (replicas, requirements and dependencies of custom resources). */
  interpreter?: ResourceInterpreter;
}

export type FilterRule = 'ClusterAffinity' | 'TaintToleration' | 'APIEnablement' | 'SpreadConstraint' | 'ClusterEviction';

export interface FilterReason {
  rule: FilterRule;
  detail: string;
}

/** A cluster that is not a candidate, with every filter rule that rejected it. */
export interface FilteredCluster {
  name: string;
  reasons: FilterReason[];
}

/** A candidate cluster in ranking order (score desc, available replicas desc, name asc). */
export interface RankedCluster {
  name: string;
  /** ClusterLocality: 100 when the cluster holds part of the previous placement, else 0. */
  score: number;
  /** What ranking and spread selection use: the estimate plus the replicas already placed there. */
  availableReplicas: number;
  /** The general estimator's answer for this template on this cluster. */
  estimatedReplicas: number;
  /** Which input bounded the estimate (`pods`, `cpu`, `no status`, …). */
  limitedBy: string;
  previousReplicas: number;
  /** Filters this cluster passed only because it already holds the template (Karmada keeps placements). */
  keptByPreviousPlacement: readonly FilterRule[];
}

export interface RegionChoice {
  name: string;
  score: number;
  clusters: string[];
  chosen: boolean;
}

export interface SelectionExplanation {
  method: 'AllCandidates' | 'ClusterSpread' | 'RegionSpread';
  /** Why this method was used and how it chose. */
  reason: string;
  availabilityConsidered: boolean;
  constraints: SpreadConstraint[];
  regions?: RegionChoice[];
  /** Clusters swapped in for higher-ranked ones that lacked capacity (cluster spread with availability). */
  swaps?: { out: string; in: string }[];
  /** In selection order. */
  selected: string[];
}

export type DivisionStrategy = 'Duplicated' | 'StaticWeight' | 'DynamicWeight' | 'Aggregated' | 'NoReplicas';

export interface DivisionExplanation {
  strategy: DivisionStrategy;
  replicas: number;
  /** Steady-mode step for DynamicWeight / Aggregated. */
  mode?: 'Unchanged' | 'ScaleUp' | 'ScaleDown';
  /** Replicas of the previous placement on clusters that are still selected. */
  kept?: PlacementCluster[];
  /** Replicas of the previous placement on clusters no longer selected: forgotten and placed again. */
  forgotten?: PlacementCluster[];
  /** Replicas divided in this pass (the increment on scale-up, the new total on scale-down). */
  divided?: number;
  /** Where the weights come from. */
  weightSource?: string;
  /** The weights handed to the Webster split, in the order they were considered. */
  weights?: { name: string; weight: number }[];
  /** Total availability when it was checked against the need. */
  availableTotal?: number;
  result: PlacementCluster[];
}

export interface TermAttempt {
  /** The `clusterAffinities` term name; absent for `clusterAffinity` or no affinity. */
  affinityName?: string;
  affinity?: ClusterAffinity;
  outcome: 'Scheduled' | 'Failed';
  /** Which rule failed, when it did. */
  failure?: string;
  /** Clusters that are not candidates, by name. */
  filtered: readonly FilteredCluster[];
  /** Candidates in rank order; which of them were selected is in `selection.selected`. */
  ranking: readonly RankedCluster[];
  selection?: SelectionExplanation;
  division?: DivisionExplanation;
}

export interface ReplicaExplanation {
  count: number;
  source: string;
  /** Per-pod requests the estimator used (cpu in millicores as "500m", others in base units). */
  requests: Record<string, string>;
  /** Set when the kind has a GetComponents script. */
  components?: ComponentExplanation;
}

export interface ComponentExplanation {
  /** Each component's replicas in one set and what one of its replicas requests. */
  components: { name: string; replicas: number; requests: Record<string, string> }[];
  /** What one complete set requests in total. */
  perSet: Record<string, string>;
  /** True when cluster capacity was estimated in complete sets (then "available" counts sets). */
  estimatedInSets: boolean;
  /** Why the sets were or were not used. */
  note: string;
}

export interface DependencyLink {
  resource: ObjectRef;
  policy: PolicyRef | null;
  clusters: string[];
}

/** A toleration the policy's placement is checked with; `defaulted`: added as Karmada's webhook would. */
export interface ConsideredToleration {
  toleration: Toleration;
  defaulted: boolean;
}

export interface EvictionExplanation {
  cluster: string;
  /**
   * `Recorded`: a task of the previous record, still open. `Evicted`: this schedule evicts the cluster (an
   * untolerated NoExecute taint). `NotCarriedOut`: it would have, but nothing else could take the template.
   */
  state: 'Recorded' | 'Evicted' | 'NotCarriedOut';
  task: GracefulEvictionTask;
  /** For evictions made here: the taint, as `key[=value]:NoExecute`, and where it comes from. */
  taint?: string;
  taintOrigin?: string;
  /** For `Evicted`: the clusters that gained replicas (or were added) in place of the evicted ones. */
  replacedBy?: PlacementCluster[];
  /** For `NotCarriedOut`: why scheduling without the cluster failed. */
  notCarriedOut?: string;
}

export interface PlacementExplanation {
  resource: ObjectRef;
  file: string;
  policy: PolicyExplanation;
  replicas: ReplicaExplanation | null;
  strategy: string | null;
  previous: { policy: PolicyRef | null; clusters: PlacementCluster[]; observedAffinityName?: string } | null;
  /** Terms tried in order (one entry without a name for `clusterAffinity`). */
  terms: TermAttempt[];
  /** Earlier `clusterAffinities` terms not retried: the scheduler never moves back by itself. */
  skippedTerms: string[];
  /** Workloads whose `propagateDeps` pull this template onto their clusters. */
  requiredBy: DependencyLink[];
  /** Dependencies this workload pulls along (propagateDeps), present in the fleet. */
  dependencies: ObjectRef[];
  suspendedClusters: string[];
  /** Why the previous placement was kept without scheduling (no rescheduling trigger), when it was. */
  steady?: string;
  /** WorkloadRebalancers that made this a fresh scheduling (previous placement ignored) in this decision. */
  rebalancedNow?: string[];
  /** The tolerations taints were checked against (the policy's own, then the defaulted ones); [] without a policy. */
  tolerations: ConsideredToleration[];
  /** Graceful evictions: tasks already recorded and those this schedule makes (or could not make). */
  evictions: EvictionExplanation[];
  result: {
    scheduled: boolean;
    reason: PlacementReason;
    message: string;
    clusters: PlacementCluster[];
  };
}
