import type { KubeObject } from './kube.js';

/** A reference to one Kubernetes object, as the CLI contract prints it (`namespace` is "" when cluster-scoped). */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The reference of an object as it stands (no namespace defaulting); tolerates missing metadata. */
export function refOf(obj: KubeObject): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
}

/** The policy that claimed a resource template. `namespace` is "" for cluster-scoped policy kinds. */
export interface PolicyRef {
  kind: 'PropagationPolicy' | 'ClusterPropagationPolicy';
  namespace: string;
  name: string;
}

/** The API group of an apiVersion: "" for the core group ("v1"). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

/**
 * Identity of an object regardless of API version: two templates with the same group, kind, namespace and
 * name are the same object (docs/fleet-repository.md#resource-templates), and a cluster stores one object per such key.
 */
export function identityKey(ref: ObjectRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** Full key including the version, for maps that must keep versions apart. */
export function refKey(ref: ObjectRef): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** Contract order for resources: apiVersion, kind, namespace, name (plain code-point order, locale independent). */
export function compareRefs(a: ObjectRef, b: ObjectRef): number {
  return (
    compareStrings(a.apiVersion, b.apiVersion) ||
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.namespace, b.namespace) ||
    compareStrings(a.name, b.name)
  );
}

/** Locale-independent string order, so output is byte-identical on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function formatRef(ref: ObjectRef): string {
  const ns = ref.namespace ? `${ref.namespace}/` : '';
  return `${ref.kind}/${ns}${ref.name}`;
}
