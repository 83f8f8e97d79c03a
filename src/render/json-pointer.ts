import { isPlainObject } from '../util/json.js';
/** RFC 6901 JSON pointers over plain JSON data; only own properties count, so `constructor` never resolves. */

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function pointerOf(tokens: readonly string[]): string {
  return tokens.map((t) => '/' + escapePointerToken(t)).join('');
}

const parsed = new Map<string, readonly string[]>();
const PARSED_LIMIT = 10_000;

/** Tokens of a pointer, or null when it is neither "" nor starts with "/". Do not change the returned array. */
export function parsePointer(pointer: string): readonly string[] | null {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return null;
  let tokens = parsed.get(pointer);
  if (!tokens) {
    tokens = Object.freeze(pointer.slice(1).split('/').map(unescapePointerToken));
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(pointer, tokens);
  }
  return tokens;
}

export function isArrayIndexToken(token: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(token);
}

export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

export type Lookup = { found: true; value: unknown } | { found: false; missing: string };

/** The value at `tokens`; when absent, `missing` is the pointer of the first segment that does not resolve. */
export function lookup(doc: unknown, tokens: readonly string[]): Lookup {
  let current: unknown = doc;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (Array.isArray(current)) {
      if (!isArrayIndexToken(token) || Number(token) >= current.length) {
        return { found: false, missing: pointerOf(tokens.slice(0, i + 1)) };
      }
      current = current[Number(token)];
    } else if (isPlainObject(current) && hasOwn(current, token)) {
      current = current[token];
    } else {
      return { found: false, missing: pointerOf(tokens.slice(0, i + 1)) };
    }
  }
  return { found: true, value: current };
}
