/**
 * Copy-on-write for rendering. Each template is frozen once per pass; a rendering starts from a shallow copy of it
 * and copies only the nodes on the paths its replica revision, overrides and metadata write to. Renderings of one
 * template therefore share every subtree nobody changed (memory, cloning and hashing scale with what differs), and
 * a write anywhere not made writable first throws instead of corrupting a shared node. On unfrozen data (the pure
 * API works on full copies) nothing is copied.
 */
import { hasOwn } from './json-pointer.js';
import { isPlainObject } from '../util/json.js';

type Node = Record<string, unknown> | unknown[];

function shallowCopy(node: Node): Node {
  // Spread defines own properties, so a "__proto__" key stays data.
  return Array.isArray(node) ? node.slice() : { ...node };
}

export function writableRoot<T extends object>(root: T): T {
  return Object.isFrozen(root) ? (shallowCopy(root as Node) as T) : root;
}

/**
 * The object or array at `tokens` below a writable `root`, made writable together with every node on the way
 * (frozen ones are copied and linked into their parent). Undefined when the path does not lead to an object or array.
 */
export function writableAt(root: object, tokens: readonly string[]): Node | undefined {
  let node = root as Node;
  for (const token of tokens) {
    let child: unknown;
    if (Array.isArray(node)) child = node[Number(token)];
    else if (hasOwn(node, token)) child = node[token];
    if (child === null || typeof child !== 'object') return undefined;
    if (Object.isFrozen(child)) {
      child = shallowCopy(child as Node);
      if (Array.isArray(node)) node[Number(token)] = child;
      else node[token] = child;
    }
    node = child as Node;
  }
  return node;
}

/** Like writableAt for a map, creating it (as {}) when absent or null. Undefined when something else is in the way. */
export function writableMapAt(root: object, tokens: readonly string[]): Record<string, unknown> | undefined {
  const parent = writableAt(root, tokens.slice(0, -1));
  const key = tokens[tokens.length - 1]!;
  if (!isPlainObject(parent)) return undefined;
  if (parent[key] === undefined || parent[key] === null) parent[key] = {};
  const map = writableAt(parent, [key]);
  return isPlainObject(map) ? map : undefined;
}
