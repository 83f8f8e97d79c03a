/**
 * The content hash of rendered objects. It must equal `contentHash` from util/canonical.ts byte for byte (other stages
 * recompute it from live objects), but renders 250,000 objects, so it writes the canonical JSON in one pass instead
 * of building a sorted copy first.
 */
import { sha256Hex } from '../util/canonical.js';

/** Same text as `canonicalJson`: keys sorted, `undefined` members dropped, integer-like keys first as JS orders them. */
export function canonicalStringify(value: unknown, memo?: CanonicalMemo): string {
  // Like JSON.stringify, a top-level undefined yields undefined; callers only hash objects.
  return write(value, memo) as string;
}

/**
 * Canonical text of frozen subtrees, which cannot change any more. Renderings of one template share most subtrees
 * (writable.ts), so hashing them reuses the text of everything the rendering did not change.
 */
export type CanonicalMemo = WeakMap<object, string>;

export function fastContentHash(value: unknown, memo?: CanonicalMemo): string {
  return sha256Hex(canonicalStringify(value, memo));
}

function write(value: unknown, memo: CanonicalMemo | undefined): string | undefined {
  if (memo !== undefined && value !== null && typeof value === 'object' && Object.isFrozen(value)) {
    let text = memo.get(value);
    if (text === undefined) {
      text = writeValue(value, memo);
      if (text !== undefined) memo.set(value, text);
    }
    return text;
  }
  return writeValue(value, memo);
}

function writeValue(value: unknown, memo: CanonicalMemo | undefined): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    case 'bigint':
      // Same failure as JSON.stringify, so both hash functions refuse the same inputs.
      return JSON.stringify(value);
    default:
      return undefined;
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i], memo) ?? 'null';
    }
    return out + ']';
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(value);
  const obj = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of canonicalKeyOrder(obj)) {
    const text = write(obj[key], memo);
    if (text === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(key) + ':' + text;
  }
  return out + '}';
}

/**
 * `canonicalJson` inserts sorted keys into a fresh object and stringifies that; JavaScript then lists array-index
 * keys first, in numeric order. Object.keys already returns those first, so only the rest needs sorting.
 */
function canonicalKeyOrder(obj: Record<string, unknown>): string[] {
  const keys = Object.keys(obj);
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndexKey(keys[indexKeys]!)) indexKeys++;
  if (indexKeys === 0) return keys.sort();
  const rest = keys.slice(indexKeys).sort();
  keys.length = indexKeys;
  return keys.concat(rest);
}

function isArrayIndexKey(key: string): boolean {
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  if (key.length > 1 && c === 48) return false;
  for (let i = 1; i < key.length; i++) {
    const d = key.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return Number(key) < 4294967295;
}
