/**
 * Whether a kind is namespaced: built-in Kubernetes kinds from a table (keyed by API group and kind), custom
 * resources from a CustomResourceDefinition among the templates; anything else is assumed namespaced.
 */

/** Cluster-scoped kinds of the built-in API groups (and of a few CRD-based groups under k8s.io), `group/Kind`. */
const CLUSTER_SCOPED = new Set(
  [
    '/Namespace',
    '/Node',
    '/PersistentVolume',
    '/ComponentStatus',
    'rbac.authorization.k8s.io/ClusterRole',
    'rbac.authorization.k8s.io/ClusterRoleBinding',
    'apiextensions.k8s.io/CustomResourceDefinition',
    'storage.k8s.io/StorageClass',
    'storage.k8s.io/CSIDriver',
    'storage.k8s.io/CSINode',
    'storage.k8s.io/VolumeAttachment',
    'storage.k8s.io/VolumeAttributesClass',
    'scheduling.k8s.io/PriorityClass',
    'networking.k8s.io/IngressClass',
    'networking.k8s.io/IPAddress',
    'networking.k8s.io/ServiceCIDR',
    'node.k8s.io/RuntimeClass',
    'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
    'admissionregistration.k8s.io/MutatingWebhookConfiguration',
    'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
    'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
    'admissionregistration.k8s.io/MutatingAdmissionPolicy',
    'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
    'apiregistration.k8s.io/APIService',
    'certificates.k8s.io/CertificateSigningRequest',
    'certificates.k8s.io/ClusterTrustBundle',
    'flowcontrol.apiserver.k8s.io/FlowSchema',
    'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
    'policy/PodSecurityPolicy',
    'extensions/PodSecurityPolicy',
    'resource.k8s.io/DeviceClass',
    'resource.k8s.io/ResourceSlice',
    'resource.k8s.io/DeviceTaintRule',
    'authentication.k8s.io/TokenReview',
    'authentication.k8s.io/SelfSubjectReview',
    'authorization.k8s.io/SubjectAccessReview',
    'authorization.k8s.io/SelfSubjectAccessReview',
    'authorization.k8s.io/SelfSubjectRulesReview',
    'storagemigration.k8s.io/StorageVersionMigration',
    'internal.apiserver.k8s.io/StorageVersion',
    'gateway.networking.k8s.io/GatewayClass',
    'snapshot.storage.k8s.io/VolumeSnapshotClass',
    'snapshot.storage.k8s.io/VolumeSnapshotContent',
  ],
);

/** Groups served by Kubernetes itself: no dot (apps, batch, …), or ending in `.k8s.io`. */
export function isBuiltInGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

export function scopeKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

export type Scope = 'Namespaced' | 'Cluster';

/** What decided the scope: the built-in table, a CRD in the fleet, or nothing (unknown kind, assumed namespaced). */
export interface ScopeAnswer {
  namespaced: boolean;
  known: boolean;
}

export function scopeOf(group: string, kind: string, crdScopes: ReadonlyMap<string, Scope>): ScopeAnswer {
  const key = scopeKey(group, kind);
  const fromCrd = crdScopes.get(key);
  if (fromCrd) return { namespaced: fromCrd === 'Namespaced', known: true };
  if (CLUSTER_SCOPED.has(key)) return { namespaced: false, known: true };
  return { namespaced: true, known: isBuiltInGroup(group) };
}
