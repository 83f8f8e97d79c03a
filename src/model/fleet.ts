/**
 * The fleet as loaded from one commit: plain data that every pure stage takes as input.
 */
import type { Condition, KubeObject, Taint } from './kube.js';
import type { ClusterSpec, ClusterTaintPolicySpec, OverrideSpec, PropagationSpec, ResourceSelector, WorkloadRebalancerSpec } from './karmada.js';
import type { SourceLocation, Problem } from './problem.js';
import { DEFAULT_NO_EXECUTE_TOLERATION_SECONDS, type GracefulEvictionTask } from './eviction.js';
import type { ObjectRef, PolicyRef } from './refs.js';
import type { FleetInterpreters } from './interpreters.js';

export interface FleetSettings {
  /** Maximum share (0..1) of a cluster's managed objects that one pass may delete without an explicit override. */
  maxPruneFraction: number;
  /** Maximum size of one file in bytes; larger files are refused. */
  maxFileBytes: number;
  /** Poll interval in seconds (the controller jitters it). */
  pollIntervalSeconds: number;
  /**
   * `spec.status.summaryIntervalSeconds`: capacity figures (node and resource summaries) are recorded at most this
   * often, so a busy cluster does not add a commit whenever pods come and go. Transitions are recorded at once.
   */
  summaryIntervalSeconds: number;
  /**
   * `spec.failover.defaultTolerationSeconds`: the tolerationSeconds of the not-ready/unreachable NoExecute
   * tolerations every policy gets unless it lists its own (Karmada's webhook default is 300).
   */
  defaultTolerationSeconds: number;
}

export const DEFAULT_FLEET_SETTINGS: FleetSettings = {
  maxPruneFraction: 0.5,
  maxFileBytes: 1024 * 1024,
  pollIntervalSeconds: 30,
  summaryIntervalSeconds: 300,
  defaultTolerationSeconds: DEFAULT_NO_EXECUTE_TOLERATION_SECONDS,
};

export interface ClusterDef {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: ClusterSpec;
  source: SourceLocation;
}

export interface ResourceSummary {
  allocatable?: Record<string, string>;
  allocated?: Record<string, string>;
  allocating?: Record<string, string>;
}

export interface APIEnablement {
  groupVersion: string;
  resources: { name: string; kind: string }[];
}

/** `status/clusters/<name>.yaml` (docs/fleet-repository.md#clusterstatus), same field names as Karmada's Cluster status. */
export interface ClusterStatus {
  conditions?: Condition[];
  kubernetesVersion?: string;
  nodeSummary?: { totalNum: number; readyNum: number };
  resourceSummary?: ResourceSummary;
  apiEnablements?: APIEnablement[];
  /**
   * Taints managed by ClusterTaintPolicies (Karmada writes them to the Cluster's spec.taints; Flotilla cannot write
   * to clusters/, which people own, so they are recorded here), each with the time it was added.
   */
  taints?: Taint[];
}

export interface ResourceTemplate {
  ref: ObjectRef;
  /** The object as written, with `metadata.namespace` defaulted for namespaced kinds. */
  object: KubeObject;
  source: SourceLocation;
  /** Whether the kind is namespaced (known built-ins, CRDs in the fleet; unknown kinds with a namespace are). */
  namespaced: boolean;
}

export type PropagationPolicyKind = 'PropagationPolicy' | 'ClusterPropagationPolicy';
export type OverridePolicyKind = 'OverridePolicy' | 'ClusterOverridePolicy';

export interface PropagationPolicyDoc {
  kind: PropagationPolicyKind;
  name: string;
  /** "" for ClusterPropagationPolicy. */
  namespace: string;
  labels: Record<string, string>;
  spec: PropagationSpec;
  source: SourceLocation;
}

export interface OverridePolicyDoc {
  kind: OverridePolicyKind;
  name: string;
  namespace: string;
  spec: OverrideSpec;
  source: SourceLocation;
}

/**
 * A propagation policy that failed validation. It is not used, but the resources its selectors name keep their
 * previous placement until it is fixed (docs/fleet-repository.md#what-an-error-costs).
 */
export interface InvalidPolicyDoc {
  kind: PropagationPolicyKind;
  name: string;
  namespace: string;
  /** Whatever selectors could be read from the broken policy (possibly none). */
  resourceSelectors: ResourceSelector[];
  source: SourceLocation;
}

/** A valid `ClusterTaintPolicy` (cluster-scoped). */
export interface ClusterTaintPolicyDoc {
  name: string;
  spec: ClusterTaintPolicySpec;
  source: SourceLocation;
}

/** A valid `WorkloadRebalancer` (cluster-scoped): its workloads are scheduled afresh once (schedule/triggers.ts). */
export interface WorkloadRebalancerDoc {
  name: string;
  spec: WorkloadRebalancerSpec;
  source: SourceLocation;
}

export interface PlacementCluster {
  name: string;
  replicas: number;
}

export interface PlacementClusterStatus {
  name: string;
  applied: boolean;
  health: HealthStatus;
  message?: string;
  drift?: boolean;
  /** When the workload turned Degraded on this cluster (RFC 3339): application failover's clock, kept in Git. */
  degradedSince?: string;
}

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

/** `status/placements/<ns or _cluster>/<kind>[.<group>]-<name>.yaml` (docs/fleet-repository.md#placement). */
export interface PlacementRecord {
  resource: ObjectRef;
  policy: PolicyRef | null;
  clusters: PlacementCluster[];
  conditions?: Condition[];
  observedAffinityName?: string;
  clusterStatuses?: PlacementClusterStatus[];
  aggregated?: Record<string, unknown> & { health?: HealthStatus };
  /** `spec.gracefulEvictionTasks`: clusters being evicted whose old copy is kept for now. */
  gracefulEvictionTasks?: GracefulEvictionTask[];
  /** `status.appliedPlacement`: the fingerprint of the placement this was decided from (see schedule/triggers.ts). */
  appliedPlacement?: string;
  /** `status.rebalancedBy`: the WorkloadRebalancers (`name@spec-hash`) that already scheduled it afresh. */
  rebalancedBy?: string[];
}

export interface Fleet {
  settings: FleetSettings;
  clusters: ClusterDef[];
  /** Keyed by cluster name; a cluster without a status file has unknown capacity. */
  clusterStatuses: Map<string, ClusterStatus>;
  propagationPolicies: PropagationPolicyDoc[];
  invalidPolicies: InvalidPolicyDoc[];
  overridePolicies: OverridePolicyDoc[];
  /** Valid ClusterTaintPolicies in name order (an invalid one is reported and not used). */
  clusterTaintPolicies: ClusterTaintPolicyDoc[];
  workloadRebalancers: WorkloadRebalancerDoc[];
  templates: ResourceTemplate[];
  /** Previous placements from status/placements, keyed by identityKey(resource). */
  placements: Map<string, PlacementRecord>;
  /** Scripts from interpreters/ and health/ (absent: none, as for fleets built in code). */
  interpreters?: FleetInterpreters;
  /**
   * Files that could not be read completely (YAML syntax errors, oversized, alias bombs). Objects that came from
   * them are neither changed nor pruned this pass: a broken file must never delete anything.
   */
  brokenFiles: string[];
  /** Resources whose desired state is ambiguous this commit (e.g. duplicate templates): neither changed nor pruned. */
  heldResources: ObjectRef[];
  errors: Problem[];
  warnings: Problem[];
}

/** One file of the fleet repository, as the source stage hands it to the loader (path relative, `/`-separated). */
export interface FleetFile {
  path: string;
  content: Uint8Array;
  /** A symbolic link at this path (content empty): never followed, reported so that it is not ignored silently. */
  symlink?: true;
}
