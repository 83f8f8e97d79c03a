/** Every label and annotation Flotilla writes starts with this prefix (docs/fleet-repository.md#rendered-objects). */
export const FLOTILLA_PREFIX = 'flotilla.dev/';

/** Label on every object Flotilla applies; marks ownership (conflict detection), not the prune set. */
export const LABEL_MANAGED = 'flotilla.dev/managed';
/** Annotation: sha256 of the rendered object's canonical JSON (without this annotation). */
export const ANNOTATION_CONTENT_HASH = 'flotilla.dev/content-hash';
/** Annotation: the template's file in the fleet repository. */
export const ANNOTATION_SOURCE = 'flotilla.dev/source';
/** Annotation: the propagation policy that placed the object, `<Kind>/<namespace>/<name>`. */
export const ANNOTATION_POLICY = 'flotilla.dev/policy';
/** Annotation: JSON list of the override policies applied, in order. */
export const ANNOTATION_APPLIED_OVERRIDES = 'flotilla.dev/applied-overrides';
/** Template annotation that lets Flotilla take over an existing object it does not own (like Karmada's). */
export const ANNOTATION_CONFLICT_RESOLUTION = 'flotilla.dev/conflict-resolution';
/** Template annotation: `report` makes Flotilla only report drift of this object instead of correcting it. */
export const ANNOTATION_DRIFT = 'flotilla.dev/drift';
/** Karmada's own template annotation with the same meaning; honoured for compatibility. */
export const KARMADA_ANNOTATION_CONFLICT_RESOLUTION = 'work.karmada.io/conflict-resolution';
/** Karmada's retain-replicas label: the member's spec.replicas is kept (member HPA). */
export const LABEL_RETAIN_REPLICAS = 'resourcetemplate.karmada.io/retain-replicas';

export const FIELD_MANAGER = 'flotilla';

/** Karmada's system taints, derived from the Ready condition in status/clusters. */
export const TAINT_NOT_READY = 'cluster.karmada.io/not-ready';
export const TAINT_UNREACHABLE = 'cluster.karmada.io/unreachable';

/** Namespaces whose objects are never propagated (Karmada's reserved namespaces). */
export function isReservedNamespace(ns: string): boolean {
  return ns.startsWith('kube-') || ns === 'karmada-system' || ns === 'karmada-cluster' || ns.startsWith('karmada-es-');
}

/** The `source` of an inventory entry for a namespace Flotilla created on its own (no template file). */
export const IMPLICIT_SOURCE = '(implicit)';
