/** Output of the schedule stage, one per resource template (docs/cli.md#flotilla-schedule). */
import type { GracefulEvictionTask } from './eviction.js';
import type { PlacementCluster } from './fleet.js';
import type { ObjectRef, PolicyRef } from './refs.js';

export type PlacementReason = 'Success' | 'NoPolicyMatched' | 'Unschedulable';

export interface PlacementDecision {
  resource: ObjectRef;
  policy: PolicyRef | null;
  scheduled: boolean;
  reason: PlacementReason;
  message: string;
  /** Sorted by name. On Unschedulable: the previous placement (never emptied by a scheduling failure). */
  clusters: PlacementCluster[];
  /** The clusterAffinities term in use, when the policy has clusterAffinities. */
  observedAffinityName?: string;
  /** Clusters on which dispatching is suspended: keep what runs there, apply nothing new. */
  suspendedClusters?: string[];
  /** Set for dependencies that follow a workload through propagateDeps. */
  requiredBy?: ObjectRef[];
  /**
   * Graceful eviction tasks after this decision: the previous record's tasks still open plus the evictions this
   * decision made. The old copy on each `fromCluster` is kept (not updated, not pruned) while its task exists.
   */
  gracefulEvictionTasks?: GracefulEvictionTask[];
  /** The fingerprint of the placement this decision was made from (recorded as `status.appliedPlacement`). */
  appliedPlacement?: string;
  /** WorkloadRebalancers that have scheduled this template afresh (recorded as `status.rebalancedBy`). */
  rebalancedBy?: string[];
}
