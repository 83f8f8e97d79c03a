/**
 * What is compared when looking for drift. The live object and the server-side-apply dry-run result both come from
 * the API server, so defaults, quantity formats and field order already agree; what remains to strip is what the
 * server or controllers change without anyone editing the desired state.
 */
import type { KubeObject } from '../model/kube.js';
import { sortKeys } from '../util/canonical.js';

/** metadata fields the API server sets or bumps on its own. */
const SERVER_METADATA = [
  'resourceVersion',
  // Bumped by the dry-run itself when the spec would change; the spec difference is reported on its own.
  'generation',
  // Per-manager timestamps and field sets: differ between live and dry-run even when nothing else does.
  'managedFields',
  'creationTimestamp',
  'uid',
  'selfLink',
];

/** Annotations written by controllers or by kubectl, not part of anyone's desired state. */
const SERVER_ANNOTATIONS = [
  // The Deployment controller's rollout counter.
  'deployment.kubernetes.io/revision',
  // Client-side apply's record of the last applied manifest: Flotilla applies server-side and never reads it.
  'kubectl.kubernetes.io/last-applied-configuration',
];

/**
 * A sorted deep copy of `obj` without `status`, the server-set metadata above and those annotations. Also:
 * - `null` members are dropped: in Kubernetes JSON a null field and an absent one mean the same (omitempty), and
 *   serializers disagree on which they print (`creationTimestamp: null` in pod templates);
 * - `metadata.labels` / `metadata.annotations` left empty are dropped, as the API server omits empty maps.
 */
export function normalizeForCompare(obj: KubeObject): KubeObject {
  const copy = dropNulls(obj) as KubeObject;
  delete copy.status;
  const meta = copy.metadata as Record<string, unknown> | undefined;
  if (meta && typeof meta === 'object') {
    for (const key of SERVER_METADATA) delete meta[key];
    const annotations = meta.annotations as Record<string, unknown> | undefined;
    if (annotations && typeof annotations === 'object') for (const key of SERVER_ANNOTATIONS) delete annotations[key];
    for (const key of ['annotations', 'labels']) {
      const m = meta[key];
      if (m && typeof m === 'object' && !Array.isArray(m) && Object.keys(m).length === 0) delete meta[key];
    }
  }
  return sortKeys(copy);
}

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = dropNulls(v);
    return out;
  }
  return value;
}
