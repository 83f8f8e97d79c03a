/**
 * Flotilla's own metadata on rendered objects (docs/fleet-repository.md#rendered-objects). The keys it writes are Flotilla's:
 * whatever a template or an override put under them is replaced, and they are set after overrides so no override
 * can remove them.
 */
import {
  ANNOTATION_APPLIED_OVERRIDES,
  ANNOTATION_CONTENT_HASH,
  ANNOTATION_POLICY,
  ANNOTATION_SOURCE,
  LABEL_MANAGED,
} from '../model/constants.js';
import type { KubeObject } from '../model/kube.js';
import type { PolicyRef } from '../model/refs.js';
import { fastContentHash, type CanonicalMemo } from './hash.js';
import { writableAt, writableMapAt } from './writable.js';
import type { AppliedOverride } from './types.js';
import { isPlainObject } from '../util/json.js';

export interface FlotillaMetadata {
  /** Template file; "" for implicit objects (no annotation then). */
  source: string;
  /** `flotilla.dev/policy` value; "" when no propagation policy placed the object. */
  policy: string;
  applied: readonly AppliedOverride[];
}

/** `<Kind>/<namespace>/<name>`, or `<Kind>/<name>` for ClusterPropagationPolicy. */
export function policyAnnotation(policy: PolicyRef | null): string {
  if (!policy) return '';
  return policy.namespace ? `${policy.kind}/${policy.namespace}/${policy.name}` : `${policy.kind}/${policy.name}`;
}

const appliedFragments = new WeakMap<AppliedOverride, string>();

/** JSON list in applied order; key order kind, namespace (OverridePolicy only), name. */
export function appliedOverridesAnnotation(applied: readonly AppliedOverride[]): string {
  let out = '[';
  applied.forEach((a, i) => {
    let fragment = appliedFragments.get(a);
    if (fragment === undefined) {
      fragment = JSON.stringify(a.namespace !== undefined ? { kind: a.kind, namespace: a.namespace, name: a.name } : { kind: a.kind, name: a.name });
      appliedFragments.set(a, fragment);
    }
    out += (i > 0 ? ',' : '') + fragment;
  });
  return out + ']';
}

/**
 * The content hash of an object: its canonical JSON without the content-hash annotation (and without an annotations
 * map left empty by removing it). Equal to util/canonical.ts `contentHash` of that object.
 */
export function computeContentHash(obj: KubeObject): string {
  const annotations = obj.metadata.annotations;
  if (!annotations || !(ANNOTATION_CONTENT_HASH in annotations)) return fastContentHash(obj);
  const { [ANNOTATION_CONTENT_HASH]: _hash, ...rest } = annotations;
  const metadata = { ...obj.metadata, annotations: rest };
  if (Object.keys(rest).length === 0) delete (metadata as Record<string, unknown>).annotations;
  return fastContentHash({ ...obj, metadata });
}

/**
 * Sets Flotilla's label and annotations on `obj` (in place; its root writable, frozen nodes below copied on write)
 * and returns its content hash. `appliedJson` is the applied-overrides annotation when already known.
 */
export function stampInPlace(obj: KubeObject, meta: FlotillaMetadata, memo?: CanonicalMemo, appliedJson?: string): string {
  const metadata = writableAt(obj, ['metadata']) as KubeObject['metadata'];
  if (!isPlainObject(metadata.labels)) metadata.labels = {};
  writableMapAt(obj, ['metadata', 'labels'])![LABEL_MANAGED] = 'true';
  if (!isPlainObject(metadata.annotations)) metadata.annotations = {};
  const annotations = writableMapAt(obj, ['metadata', 'annotations'])!;
  delete annotations[ANNOTATION_SOURCE];
  delete annotations[ANNOTATION_POLICY];
  delete annotations[ANNOTATION_APPLIED_OVERRIDES];
  delete annotations[ANNOTATION_CONTENT_HASH];
  if (meta.source) annotations[ANNOTATION_SOURCE] = meta.source;
  if (meta.policy) annotations[ANNOTATION_POLICY] = meta.policy;
  if (meta.applied.length > 0) annotations[ANNOTATION_APPLIED_OVERRIDES] = appliedJson ?? appliedOverridesAnnotation(meta.applied);
  const empty = Object.keys(annotations).length === 0;
  if (empty) delete metadata.annotations;
  const hash = fastContentHash(obj, memo);
  if (empty) metadata.annotations = annotations as Record<string, string>;
  annotations[ANNOTATION_CONTENT_HASH] = hash;
  return hash;
}
