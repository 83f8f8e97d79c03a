/**
 * Walks over the parsed YAML syntax tree: where a field path is in the text, which path an offset falls in,
 * and a scan of every scalar. The tree is what knows positions; the JS values do not.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type Node, type Pair } from 'yaml';
import type { FieldPath } from './field-path.js';

type Range = readonly [number, number, number];

function rangeOf(node: unknown): Range | null {
  const r = (node as { range?: Range | null } | null | undefined)?.range;
  return r ?? null;
}

/** A mapping key as the path segment it stands for; null for keys that are not plain values. */
export function keySegment(key: unknown): string | null {
  if (!isScalar(key)) return null;
  const v = key.value;
  if (typeof v === 'symbol') return null;
  return v === null ? '' : String(v);
}

function isMergePair(pair: Pair): boolean {
  return isScalar(pair.key) && typeof pair.key.value === 'symbol';
}

function resolve(node: unknown, doc: Document): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/**
 * Each mapping's pairs by key, built on first lookup: a document with tens of thousands of keys and as many
 * problems would otherwise cost a scan of the mapping per problem.
 */
const pairIndexes = new WeakMap<object, Map<string, Pair>>();

function pairIndex(map: { items: Pair[] }): Map<string, Pair> {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const item of map.items) {
      const segment = keySegment(item.key);
      if (segment !== null && !index.has(segment)) index.set(segment, item);
    }
    pairIndexes.set(map, index);
  }
  return index;
}

/** The pair for `key`, looking through merge keys (`<<: *base`) as the JS conversion does. */
function findPair(map: unknown, key: string, doc: Document, depth = 0): Pair | null {
  if (!isMap(map) || depth > 8) return null;
  const own = pairIndex(map as { items: Pair[] }).get(key);
  if (own) return own;
  for (const item of map.items) {
    if (!isMergePair(item)) continue;
    const sources = isSeq(item.value) ? item.value.items : [item.value];
    for (const source of sources) {
      const found = findPair(resolve(source, doc), key, doc, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/** The source text of the scalar at exactly `path` (a plain scalar's characters, a quoted one's without quotes). */
export function scalarSourceAt(doc: Document, path: FieldPath): string | undefined {
  let current: unknown = doc.contents;
  for (const segment of path) {
    const container = resolve(current, doc);
    if (isMap(container)) current = findPair(container, String(segment), doc)?.value;
    else if (isSeq(container) && typeof segment === 'number') current = container.items[segment];
    else return undefined;
  }
  const node = resolve(current, doc);
  return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
}

export interface LocateOptions {
  /** Point at the key of the last segment even when its value is a scalar (unknown fields, duplicates). */
  key?: boolean;
}

/**
 * The offset of the node for `path`, or of its closest existing parent: the value for a scalar, the key for a
 * mapping entry whose value is a collection or missing, the item itself for a list entry.
 */
export function locateOffset(doc: Document, path: FieldPath, options: LocateOptions = {}): number {
  const root = doc.contents;
  let fallback = rangeOf(root)?.[0] ?? 0;
  let current: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const container = resolve(current, doc);
    const last = i === path.length - 1;
    if (isMap(container)) {
      const pair = findPair(container, String(segment), doc);
      if (!pair) break;
      const keyStart = rangeOf(pair.key)?.[0];
      const value = pair.value;
      const valueStart = rangeOf(value)?.[0];
      const scalarValue = (isScalar(value) && !(value.value === null && value.source === '')) || isAlias(value);
      const pointAt = last && !options.key && scalarValue && valueStart !== undefined ? valueStart : (keyStart ?? valueStart);
      if (pointAt !== undefined) fallback = pointAt;
      current = value;
    } else if (isSeq(container) && typeof segment === 'number') {
      const item = container.items[segment];
      const start = rangeOf(item)?.[0];
      if (item === undefined || start === undefined) break;
      fallback = start;
      current = item;
    } else break;
  }
  return fallback;
}

/** Paths given to a visitor are only valid during the call (one array is reused while walking); copy to keep. */
export interface ScanVisitor {
  /** Every plain scalar, keys included (`isKey`), with the path it sits at (for a key: the key's own path). */
  plainScalar(source: string, offset: number, path: FieldPath, isKey: boolean): void;
  /** A mapping key that is not a plain value: a list or mapping as key, an alias, an empty key. */
  unusableKey(offset: number, path: FieldPath, why: string): void;
  /** A key written a second time in one mapping (`path` ends with the key); keys compare as the JSON they become. */
  duplicateKey(offset: number, path: FieldPath): void;
  /** An alias, with the collections that contain it (an alias to one of them makes a cycle). */
  alias(node: Alias, offset: number, path: FieldPath, ancestors: ReadonlySet<unknown>): void;
}



/** Visits every node below `node`; `path` is where it sits, and is used as a stack (same contents on return). */
export function scanTree(node: unknown, path: (string | number)[], visitor: ScanVisitor, ancestors: Set<unknown> = new Set()): void {
  if (isAlias(node)) {
    visitor.alias(node, rangeOf(node)?.[0] ?? 0, path, ancestors);
    return;
  }
  if (isScalar(node)) {
    if (node.type === 'PLAIN' && typeof node.source === 'string') visitor.plainScalar(node.source, rangeOf(node)?.[0] ?? 0, path, false);
    return;
  }
  if (!isMap(node) && !isSeq(node)) return;
  ancestors.add(node);
  if (isMap(node)) scanMap(node.items, path, visitor, ancestors);
  else {
    node.items.forEach((item, i) => {
      path.push(i);
      scanTree(item, path, visitor, ancestors);
      path.pop();
    });
  }
  ancestors.delete(node);
}

function scanMap(items: readonly unknown[], path: (string | number)[], visitor: ScanVisitor, ancestors: Set<unknown>): void {
  // yaml's own duplicate check compares every key with every other one; a Set keeps big mappings linear.
  const seen = new Set<string>();
  for (const pair of items) {
    if (!isPair(pair)) continue;
    if (isMergePair(pair)) {
      if (seen.has('<<')) withSegment(path, '<<', () => visitor.duplicateKey(rangeOf(pair.key)?.[0] ?? 0, path));
      seen.add('<<');
      scanTree(pair.value, path, visitor, ancestors);
      continue;
    }
    const segment = keySegment(pair.key);
    const keyOffset = rangeOf(pair.key)?.[0] ?? rangeOf(pair.value)?.[0] ?? 0;
    if (segment === null || (isScalar(pair.key) && pair.key.value === null)) {
      const why = isAlias(pair.key) ? 'an alias cannot be a mapping key here' : pair.key == null || isScalar(pair.key) ? 'a mapping key must not be empty' : 'a mapping key must be a plain value, not a list or mapping';
      visitor.unusableKey(keyOffset, path, why);
      continue;
    }
    const duplicate = seen.has(segment);
    seen.add(segment);
    withSegment(path, segment, () => {
      if (duplicate) visitor.duplicateKey(keyOffset, path);
      const key = pair.key as Node;
      if (isScalar(key) && key.type === 'PLAIN' && typeof key.source === 'string') visitor.plainScalar(key.source, keyOffset, path, true);
      scanTree(pair.value, path, visitor, ancestors);
    });
  }
}

function withSegment(path: (string | number)[], segment: string | number, body: () => void): void {
  path.push(segment);
  body();
  path.pop();
}
