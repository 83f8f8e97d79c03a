/**
 * Typed reads from a live object that arrives as untyped JSON. A field that is absent reads as `undefined`; a field
 * that is present with the wrong type throws {@link HealthInputError}, which the assessor turns into `Unknown`
 * (as gitops-engine does when an object cannot be converted to its typed form) rather than guessing.
 */
import type { Condition } from '../model/kube.js';
import { isPlainObject, type JsonObject } from '../util/json.js';

export class HealthInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HealthInputError';
  }
}


/** The value at a dot-separated path; `undefined` when any step is absent or null. */
export function get(root: unknown, path: string): unknown {
  let cur: unknown = root;
  let walked = '';
  for (const key of path.split('.')) {
    if (cur === undefined || cur === null) return undefined;
    if (!isPlainObject(cur)) throw new HealthInputError(`${walked || '(root)'}: expected an object, got ${describe(cur)}`);
    cur = cur[key];
    walked = walked ? `${walked}.${key}` : key;
  }
  return cur === null ? undefined : cur;
}

export function int(root: unknown, path: string): number | undefined {
  const v = get(root, path);
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new HealthInputError(`${path}: expected an integer, got ${describe(v)}`);
}

export function str(root: unknown, path: string): string | undefined {
  const v = get(root, path);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  throw new HealthInputError(`${path}: expected a string, got ${describe(v)}`);
}

export function bool(root: unknown, path: string): boolean | undefined {
  const v = get(root, path);
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  throw new HealthInputError(`${path}: expected a boolean, got ${describe(v)}`);
}

export function list(root: unknown, path: string): unknown[] {
  const v = get(root, path);
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  throw new HealthInputError(`${path}: expected a list, got ${describe(v)}`);
}

export function obj(root: unknown, path: string): JsonObject | undefined {
  const v = get(root, path);
  if (v === undefined) return undefined;
  if (isPlainObject(v)) return v;
  throw new HealthInputError(`${path}: expected an object, got ${describe(v)}`);
}

/** `status.conditions` (or another list of conditions), each entry checked by {@link checkedCondition}. */
export function conditions(root: unknown, path = 'status.conditions'): Condition[] {
  return list(root, path).map((c, i) => checkedCondition(c, `${path}[${i}]`));
}

/** Fields of a condition that end up in health messages, so a number or an object there must not slip through. */
const CONDITION_TEXT_FIELDS = ['status', 'reason', 'message'] as const;

/** One condition: a string `type`, and `status`, `reason`, `message` strings when present. */
export function checkedCondition(c: unknown, path: string): Condition {
  if (!isPlainObject(c) || typeof c.type !== 'string') throw new HealthInputError(`${path}: expected a condition with a string type`);
  for (const field of CONDITION_TEXT_FIELDS) {
    const v = c[field];
    if (v !== undefined && v !== null && typeof v !== 'string') throw new HealthInputError(`${path}.${field}: expected a string, got ${describe(v)}`);
  }
  return c as unknown as Condition;
}

export function findCondition(conds: readonly Condition[], type: string): Condition | undefined {
  return conds.find((c) => c.type === type);
}

export function isTrue(c: Condition | undefined): boolean {
  return c?.status === 'True';
}

/** "reason: message", or whichever of the two is present. */
export function conditionText(c: Condition): string {
  const reason = typeof c.reason === 'string' ? c.reason : '';
  const message = typeof c.message === 'string' ? c.message : '';
  return reason && message ? `${reason}: ${message}` : reason || message;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return JSON.stringify(v) ?? typeof v;
}

/**
 * Order of two RFC 3339 timestamps (negative when `a` is earlier). Parsed rather than compared as text so that
 * fractional seconds and offsets order correctly; unparsable values fall back to text order to stay deterministic.
 */
export function compareTimes(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a < b ? -1 : a > b ? 1 : 0;
  return ta - tb;
}
