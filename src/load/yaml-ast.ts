/**
 * Walks over the parsed YAML syntax tree: where a field path is in the text, which path an offset falls in,
 * and a scan of every scalar. The tree is what knows positions; the JS values do not.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
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

/** The pair for `key`, looking through merge keys (`<<: *base`) as the JS conversion does. */
function findPair(map: unknown, key: string, doc: Document, depth = 0): Pair | null {
  if (!isMap(map) || depth > 8) return null;
  for (const item of map.items) if (keySegment(item.key) === key) return item;
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

/** The path of the innermost mapping key or list item at `offset` (used to name the field of a YAML error). */
export function pathAtOffset(root: unknown, offset: number): (string | number)[] {
  const out: (string | number)[] = [];
  let current: unknown = root;
  for (;;) {
    if (isMap(current)) {
      const pair = current.items.find((p) => {
        const k = rangeOf(p.key);
        const v = rangeOf(p.value);
        return (k !== null && offset >= k[0] && offset < Math.max(k[2], k[1] + 1)) || (v !== null && offset >= v[0] && offset < v[2]);
      });
      const segment = pair ? keySegment(pair.key) : null;
      if (!pair || segment === null) return out;
      out.push(segment);
      const k = rangeOf(pair.key);
      if (k !== null && offset >= k[0] && offset < Math.max(k[2], k[1] + 1)) return out;
      current = pair.value;
    } else if (isSeq(current)) {
      const index = current.items.findIndex((item) => {
        const r = rangeOf(item);
        return r !== null && offset >= r[0] && offset < r[2];
      });
      if (index < 0) return out;
      out.push(index);
      current = current.items[index];
    } else return out;
  }
}

export interface ScanVisitor {
  /** Every plain scalar, keys included (`isKey`), with the path it sits at (for a key: the key's own path). */
  plainScalar(source: string, offset: number, path: FieldPath, isKey: boolean): void;
  /** A mapping key that is not a plain value: a list or mapping as key, an alias, an empty key. */
  unusableKey(offset: number, path: FieldPath, why: string): void;
  alias(): void;
}

export function scanTree(node: unknown, path: (string | number)[], visitor: ScanVisitor): void {
  if (isAlias(node)) {
    visitor.alias();
    return;
  }
  if (isScalar(node)) {
    if (node.type === 'PLAIN' && typeof node.source === 'string') visitor.plainScalar(node.source, rangeOf(node)?.[0] ?? 0, path, false);
    return;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if (isMergePair(pair)) {
        scanTree(pair.value, path, visitor);
        continue;
      }
      const segment = keySegment(pair.key);
      const keyOffset = rangeOf(pair.key)?.[0] ?? rangeOf(pair.value)?.[0] ?? 0;
      if (segment === null || (isScalar(pair.key) && pair.key.value === null)) {
        const why = isAlias(pair.key) ? 'an alias cannot be a mapping key here' : pair.key == null || isScalar(pair.key) ? 'a mapping key must not be empty' : 'a mapping key must be a plain value, not a list or mapping';
        visitor.unusableKey(keyOffset, path, why);
        continue;
      }
      const key = pair.key as Node;
      if (isScalar(key) && key.type === 'PLAIN' && typeof key.source === 'string') visitor.plainScalar(key.source, keyOffset, [...path, segment], true);
      scanTree(pair.value, [...path, segment], visitor);
    }
    return;
  }
  if (isSeq(node)) node.items.forEach((item, i) => scanTree(item, [...path, i], visitor));
}
