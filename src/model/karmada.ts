/**
 * Karmada's policy API (`policy.karmada.io/v1alpha1`) and Cluster API (`cluster.karmada.io/v1alpha1`) as plain data,
 * field for field, after defaults have been applied by the loader (see src/load/validate/defaults.ts).
 * Reference: docs/fleet-repository.md (Clusters, Propagation policies, Override policies).
 */
import type { LabelSelector, Taint, TaintEffect, Toleration } from './kube.js';

export interface ResourceSelector {
  apiVersion: string;
  kind: string;
  /** For a PropagationPolicy / OverridePolicy the loader fills an empty namespace with the policy's own. */
  namespace?: string;
  name?: string;
  labelSelector?: LabelSelector;
}

export interface FieldSelectorRequirement {
  key: 'provider' | 'region' | 'zone';
  operator: 'In' | 'NotIn';
  values: string[];
}

export interface ClusterAffinity {
  labelSelector?: LabelSelector;
  fieldSelector?: { matchExpressions?: FieldSelectorRequirement[] };
  clusterNames?: string[];
  exclude?: string[];
}

export interface ClusterAffinityTerm extends ClusterAffinity {
  affinityName: string;
}

export type SpreadByField = 'cluster' | 'region' | 'zone' | 'provider';

export interface SpreadConstraint {
  spreadByField?: SpreadByField;
  spreadByLabel?: string;
  maxGroups?: number;
  minGroups?: number;
}

export interface StaticClusterWeight {
  targetCluster: ClusterAffinity;
  weight: number;
}

export interface ClusterPreferences {
  staticWeightList?: StaticClusterWeight[];
  dynamicWeight?: 'AvailableReplicas';
}

export interface ReplicaSchedulingStrategy {
  replicaSchedulingType: 'Duplicated' | 'Divided';
  replicaDivisionPreference?: 'Aggregated' | 'Weighted';
  weightPreference?: ClusterPreferences;
}

export interface Placement {
  clusterAffinity?: ClusterAffinity;
  clusterAffinities?: ClusterAffinityTerm[];
  clusterTolerations?: Toleration[];
  spreadConstraints?: SpreadConstraint[];
  replicaScheduling?: ReplicaSchedulingStrategy;
}

export interface Suspension {
  dispatching?: boolean;
  dispatchingOnClusters?: { clusterNames?: string[] };
}

export interface FailoverBehavior {
  application?: {
    decisionConditions?: { tolerationSeconds?: number };
    purgeMode?: string;
    gracePeriodSeconds?: number;
    statePreservation?: { rules: { aliasLabelName: string; jsonPath: string }[] };
  };
  cluster?: { purgeMode?: string; statePreservation?: { rules: { aliasLabelName: string; jsonPath: string }[] } };
}

export interface PropagationSpec {
  resourceSelectors: ResourceSelector[];
  association?: boolean;
  propagateDeps?: boolean;
  placement: Placement;
  priority?: number;
  preemption?: 'Always' | 'Never';
  dependentOverrides?: string[];
  schedulerName?: string;
  failover?: FailoverBehavior;
  conflictResolution?: 'Abort' | 'Overwrite';
  activationPreference?: '' | 'Lazy';
  suspension?: Suspension;
  preserveResourcesOnDeletion?: boolean;
}

export type OverrideOperator = 'add' | 'remove' | 'replace';

export interface PlaintextOverrider {
  path: string;
  operator: OverrideOperator;
  value?: unknown;
}

export interface ImageOverrider {
  predicate?: { path: string };
  component: 'Registry' | 'Repository' | 'Tag';
  operator: OverrideOperator;
  value?: string;
}

export interface CommandArgsOverrider {
  containerName: string;
  operator: 'add' | 'remove';
  value?: string[];
}

export interface LabelAnnotationOverrider {
  operator: OverrideOperator;
  value?: Record<string, string>;
}

export interface FieldOverrider {
  fieldPath: string;
  json?: { subPath: string; operator: OverrideOperator; value?: unknown }[];
  yaml?: { subPath: string; operator: OverrideOperator; value?: unknown }[];
}

export interface Overriders {
  plaintext?: PlaintextOverrider[];
  imageOverrider?: ImageOverrider[];
  commandOverrider?: CommandArgsOverrider[];
  argsOverrider?: CommandArgsOverrider[];
  labelsOverrider?: LabelAnnotationOverrider[];
  annotationsOverrider?: LabelAnnotationOverrider[];
  fieldOverrider?: FieldOverrider[];
}

export interface RuleWithCluster {
  targetCluster?: ClusterAffinity;
  overriders: Overriders;
}

export interface OverrideSpec {
  /** Empty means every resource (unlike a PropagationPolicy). */
  resourceSelectors?: ResourceSelector[];
  overrideRules?: RuleWithCluster[];
  /** Deprecated single-rule form; the loader turns it into one `overrideRules` entry. */
  targetCluster?: ClusterAffinity;
  overriders?: Overriders;
}

export interface ClusterSpec {
  id?: string;
  syncMode: 'Push' | 'Pull';
  apiEndpoint?: string;
  secretRef?: { namespace: string; name: string };
  insecureSkipTLSVerification?: boolean;
  proxyURL?: string;
  provider?: string;
  region?: string;
  zone?: string;
  zones?: string[];
  taints?: Taint[];
}

/** A ClusterTaintPolicy condition match: the cluster's condition of this type has (In) or has not (NotIn) one of the statuses. */
export interface MatchCondition {
  conditionType: string;
  operator: 'In' | 'NotIn';
  statusValues: string[];
}

/** A taint as a ClusterTaintPolicy declares it (no timeAdded: that is stamped when it is added). */
export interface PolicyTaint {
  key: string;
  effect: TaintEffect;
  value?: string;
}

/** `ClusterTaintPolicy` (policy.karmada.io/v1alpha1, cluster-scoped) `spec`. */
export interface ClusterTaintPolicySpec {
  /** Absent: every cluster. */
  targetClusters?: ClusterAffinity;
  addOnConditions?: MatchCondition[];
  removeOnConditions?: MatchCondition[];
  taints: PolicyTaint[];
}

export interface WorkloadReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** `WorkloadRebalancer` (apps.karmada.io/v1alpha1, cluster-scoped) `spec`. */
export interface WorkloadRebalancerSpec {
  workloads: WorkloadReference[];
  ttlSecondsAfterFinished?: number;
}
