/** Match + schedule stage: which policy claims each template, and on which clusters with how many replicas. */
export { scheduleFleet } from './schedule-fleet.js';
export { formatExplanation } from './explain.js';
export { claimPolicy, indexPolicies, ignoredReason, policyRef, formatPolicyRef, type PolicyClaim, type PolicyIndex } from '../match/claim.js';
export { createScheduleContext, type ClusterView, type ScheduleContext } from './context.js';
export { filterClusters, clusterFilterVerdict, type FilterOutcome, type FilterRequest } from './filter.js';
export { rankClusters, type Candidate, type RankRequest } from './rank.js';
export { selectClusters, selectGroups, regionScore, usesStaticWeights, type GroupInfo, type SelectionOutcome } from './spread.js';
export { assignReplicas, replicaStrategy, staticWeights, type AssignOutcome, type AssignRequest, type ReplicaStrategy } from './assign.js';
export { scheduleTemplate, type TemplateScheduleOutcome, type TemplateScheduleRequest } from './schedule-template.js';
export { clusterCapacity, estimateAvailableReplicas, UNLIMITED_REPLICAS, type ClusterCapacity, type ReplicaEstimate } from './estimate.js';
export { templateReplicas, templateRequests, podRequests, workloadKind, type PodRequests, type TemplateReplicas } from './replicas.js';
export { dependencyRefs } from './dependencies.js';
export { parseQuantity, quantityValue, quantityMilliValue, type Quantity } from '../model/quantity.js';
export { systemTaints, toleratesTaint, findUntoleratedTaint } from './taints.js';
export type * from './types.js';
