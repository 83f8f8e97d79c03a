/**
 * Canonical JSON (sorted keys, no undefined) and its sha256: the identity of desired state.
 * Used for content-hash annotations, "unchanged since last apply" checks and deterministic output.
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** A deep copy with object keys in code-point order; `undefined` members are dropped as JSON.stringify does. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v))) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[key];
      // defineProperty, not assignment: a "__proto__" key is data here, never a prototype change.
      if (v !== undefined) Object.defineProperty(out, key, { value: sortKeys(v), enumerable: true, writable: true, configurable: true });
    }
    return out as T;
  }
  return value;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
