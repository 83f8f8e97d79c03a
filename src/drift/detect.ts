/**
 * Drift, Flux's way: the controller server-side-applies the desired object as a dry-run and compares the result with
 * the live object. Server-side apply keeps every field other managers own, so an annotation added by someone else
 * appears on both sides and is not drift; a field Flotilla owns that someone edited (`kubectl scale`, `kubectl edit`)
 * comes back to Flotilla's value in the dry-run and differs from live; a field Flotilla stopped applying disappears
 * from the dry-run result and differs too.
 */
import type { KubeObject } from '../model/kube.js';
import { compareStrings } from '../model/refs.js';
import { isPlainObject } from '../util/json.js';
import { normalizeForCompare } from './normalize.js';

export interface DriftChange {
  /** JSON pointer (RFC 6901) into the object. */
  path: string;
  /** The live value; `null` when the field is absent live (normalized objects never hold null). */
  live: unknown;
  /** The value the dry-run apply would leave; `null` when the apply would remove the field. */
  desired: unknown;
}

export interface DriftReport {
  drifted: boolean;
  /** Sorted by path (code-point order). */
  changes: DriftChange[];
}

export interface DriftOptions {
  /**
   * JSON pointers to leave out, each covering everything below it (e.g. `/spec/replicas` when an HPA in the member
   * cluster owns the replica count).
   */
  ignorePaths?: readonly string[];
}

export function detectDrift(live: KubeObject, dryRun: KubeObject, options: DriftOptions = {}): DriftReport {
  const changes: DriftChange[] = [];
  diff(normalizeForCompare(live), normalizeForCompare(dryRun), '', changes);
  const ignored = options.ignorePaths ?? [];
  const kept = changes.filter((c) => !ignored.some((p) => c.path === p || c.path.startsWith(`${p}/`)));
  kept.sort((a, b) => compareStrings(a.path, b.path));
  return { drifted: kept.length > 0, changes: kept };
}

/** JSON pointer escaping: `~` then `/` (RFC 6901 §3). */
function pointerSegment(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function diff(a: unknown, b: unknown, path: string, out: DriftChange[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) diff(a[key], b[key], `${path}/${pointerSegment(key)}`, out);
    return;
  }
  // Same length: element by element, so an edited image shows as one field. Different length: the whole list,
  // because positions no longer line up and element diffs would misreport every entry after the insertion.
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => diff(item, b[i], `${path}/${i}`, out));
    return;
  }
  // Here at least one side is a scalar, absent, or of another shape than the other.
  if (a !== b) out.push({ path, live: a ?? null, desired: b ?? null });
}
