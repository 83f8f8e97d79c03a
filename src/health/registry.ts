/**
 * Which rule judges which kind. Keyed by API group and kind, never by version, as gitops-engine does: the rules read
 * fields that every served version shares. A kind of the same name in another group (a CRD called "Deployment")
 * falls through to the generic rules.
 */
import { groupOf } from '../model/refs.js';
import { apiServiceHealth } from './kinds/apiservice.js';
import { cronJobHealth } from './kinds/cronjob.js';
import { customResourceDefinitionHealth } from './kinds/customresourcedefinition.js';
import { daemonSetHealth } from './kinds/daemonset.js';
import { deploymentHealth } from './kinds/deployment.js';
import { genericHealth } from './kinds/generic.js';
import { horizontalPodAutoscalerHealth } from './kinds/horizontalpodautoscaler.js';
import { ingressHealth } from './kinds/ingress.js';
import { jobHealth } from './kinds/job.js';
import { namespaceHealth } from './kinds/namespace.js';
import { persistentVolumeHealth } from './kinds/persistentvolume.js';
import { persistentVolumeClaimHealth } from './kinds/persistentvolumeclaim.js';
import { podHealth } from './kinds/pod.js';
import { podDisruptionBudgetHealth } from './kinds/poddisruptionbudget.js';
import { replicaSetHealth } from './kinds/replicaset.js';
import { serviceHealth } from './kinds/service.js';
import { statefulSetHealth } from './kinds/statefulset.js';
import type { HealthCheck } from './types.js';

const CHECKS: ReadonlyMap<string, HealthCheck> = new Map<string, HealthCheck>([
  ['apps/Deployment', deploymentHealth],
  ['extensions/Deployment', deploymentHealth],
  ['apps/StatefulSet', statefulSetHealth],
  ['apps/DaemonSet', daemonSetHealth],
  ['extensions/DaemonSet', daemonSetHealth],
  ['apps/ReplicaSet', replicaSetHealth],
  ['extensions/ReplicaSet', replicaSetHealth],
  ['batch/Job', jobHealth],
  ['batch/CronJob', cronJobHealth],
  ['/Pod', podHealth],
  ['/Service', serviceHealth],
  ['/PersistentVolumeClaim', persistentVolumeClaimHealth],
  ['/PersistentVolume', persistentVolumeHealth],
  ['/Namespace', namespaceHealth],
  ['networking.k8s.io/Ingress', ingressHealth],
  ['extensions/Ingress', ingressHealth],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerHealth],
  ['apiregistration.k8s.io/APIService', apiServiceHealth],
  ['apiextensions.k8s.io/CustomResourceDefinition', customResourceDefinitionHealth],
  ['policy/PodDisruptionBudget', podDisruptionBudgetHealth],
]);

/** The rule for a kind; the generic (kstatus-style) rule when the kind has none of its own. */
export function healthCheckFor(apiVersion: string, kind: string): HealthCheck {
  return CHECKS.get(`${groupOf(apiVersion)}/${kind}`) ?? genericHealth;
}

/** `group/Kind` of every kind with its own rule, sorted (for documentation and tests). */
export function kindsWithOwnRules(): string[] {
  return [...CHECKS.keys()].sort();
}
