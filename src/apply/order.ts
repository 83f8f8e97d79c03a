/**
 * Apply order within one cluster: what others depend on goes first (as Flux's ssa sort and Helm do), and
 * admission webhooks last so they cannot block the objects they would guard.
 */
import type { ObjectRef } from '../model/refs.js';
import { compareRefs, groupOf } from '../model/refs.js';

const KIND_ORDER = [
  'CustomResourceDefinition',
  'Namespace',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];
const LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function rank(ref: ObjectRef): number {
  if (isAppliedLast(ref)) return 1000 + LAST.indexOf(ref.kind);
  const i = KIND_ORDER.indexOf(ref.kind);
  // Custom resources come after every built-in, so their CRDs and namespaces exist.
  return i >= 0 ? i : 500;
}

export function compareApplyOrder(a: ObjectRef, b: ObjectRef): number {
  return rank(a) - rank(b) || compareRefs(a, b);
}

/** Admission webhooks: applied after everything else, so they cannot refuse the objects they would guard. */
export function isAppliedLast(ref: ObjectRef): boolean {
  return LAST.includes(ref.kind);
}

/** Objects that must exist, and be ready, before anything else is applied. */
export function isFoundation(ref: ObjectRef): boolean {
  return (ref.kind === 'CustomResourceDefinition' && groupOf(ref.apiVersion) === 'apiextensions.k8s.io') || (ref.kind === 'Namespace' && ref.apiVersion === 'v1');
}

/** Namespaces that are never deleted, whatever the inventory says. */
export function isProtectedFromPrune(ref: ObjectRef): boolean {
  return ref.kind === 'Namespace' && ref.apiVersion === 'v1' && (ref.name === 'default' || ref.name.startsWith('kube-'));
}
