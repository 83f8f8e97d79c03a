/**
 * Failover's shared vocabulary (Karmada's graceful eviction). An eviction removes a cluster from a placement and
 * leaves a task behind: the old copy stays on that cluster until the workload is Healthy on its new clusters, the
 * grace period runs out, or the purge mode says otherwise. Tasks live in the placement record
 * (`spec.gracefulEvictionTasks` of a status/placements file), so every decision is replayable from one commit.
 */

/** `Immediately` and `Graciously` are accepted when loading and mean `Directly` and `Gracefully` (Karmada v1.15+). */
export type PurgeMode = 'Directly' | 'Gracefully' | 'Never';

export type EvictionReason = 'TaintUntolerated' | 'ApplicationFailure';

/** Karmada's producer names, so tooling that reads either project's tasks reads both. */
export type EvictionProducer = 'TaintManager' | 'ResourceBindingApplicationFailoverController';

export interface GracefulEvictionTask {
  fromCluster: string;
  /** Replicas the cluster held when it was evicted (absent for templates without replicas). */
  replicas?: number;
  reason: EvictionReason;
  message?: string;
  producer: EvictionProducer;
  purgeMode: PurgeMode;
  /** Overrides the 10-minute default wait for the workload to become Healthy elsewhere. */
  gracePeriodSeconds?: number;
  /** true: keep the old copy until a person sets it to false (purge mode Never); false: delete it now. */
  suppressDeletion?: boolean;
  /**
   * When the eviction was recorded (RFC 3339). Absent on an eviction the scheduler derives from the commit it reads
   * (an untolerated NoExecute taint) until the controller records it.
   */
  creationTimestamp?: string;
  /** The placement's clusters before the eviction. */
  clustersBeforeFailover?: string[];
}

/** Karmada's `--graceful-eviction-timeout`: how long an old copy waits for its replacement by default. */
export const DEFAULT_GRACEFUL_EVICTION_TIMEOUT_SECONDS = 600;
/** The toleration Karmada's webhook adds for not-ready/unreachable NoExecute taints. */
export const DEFAULT_NO_EXECUTE_TOLERATION_SECONDS = 300;
/** `failover.application.decisionConditions.tolerationSeconds` when omitted. */
export const DEFAULT_APPLICATION_TOLERATION_SECONDS = 300;
/** `failover.application.gracePeriodSeconds` when omitted with purge mode Gracefully. */
export const DEFAULT_APPLICATION_GRACE_PERIOD_SECONDS = 600;

/** Karmada v1.15 renamed the purge modes; the old spellings keep their meaning. Absent means Gracefully. */
export function normalizePurgeMode(mode: string | undefined): PurgeMode {
  if (mode === 'Directly' || mode === 'Immediately') return 'Directly';
  if (mode === 'Never') return 'Never';
  return 'Gracefully';
}

/**
 * Namespaces are never evicted: Karmada keeps them in sync on every cluster outside its bindings, and deleting
 * one deletes everything in it, including the old copies eviction tasks are keeping.
 */
export function isEvictable(ref: { apiVersion: string; kind: string }): boolean {
  return !(ref.apiVersion === 'v1' && ref.kind === 'Namespace');
}
