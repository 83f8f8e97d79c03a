/**
 * What `flotilla rollback` changes, decided on flattened trees (path → mode and object id) without reading a
 * single blob. Desired state is every path except `status/`: status is what the controller observed, not what
 * anyone asked for, so it is never rolled back or reverted.
 */

export interface EntryRef {
  mode: string;
  oid: string;
}

/** Every blob, link and submodule of a commit's tree by its `/`-separated path. */
export type FlatTree = ReadonlyMap<string, EntryRef>;

/** `entry: null` deletes the path. */
export interface TreeChange {
  path: string;
  entry: EntryRef | null;
}

export type ChangeKind = 'added' | 'modified' | 'deleted';

export const OBSERVATION_ROOT = 'status';

export function isDesiredPath(path: string): boolean {
  return path !== OBSERVATION_ROOT && !path.startsWith(`${OBSERVATION_ROOT}/`);
}

/** `policies` covers `policies/web.yaml`; a file path covers itself. No prefixes: everything. */
export function inScope(path: string, prefixes: readonly string[]): boolean {
  return prefixes.length === 0 || prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}

function sameEntry(a: EntryRef | undefined, b: EntryRef | undefined): boolean {
  return a?.oid === b?.oid && a?.mode === b?.mode;
}

function sortedUnion(...trees: FlatTree[]): string[] {
  const paths = new Set<string>();
  for (const t of trees) for (const p of t.keys()) paths.add(p);
  return [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The changes that make `tip`'s desired state within `prefixes` equal `target`'s. */
export function rollbackChanges(target: FlatTree, tip: FlatTree, prefixes: readonly string[] = []): TreeChange[] {
  return sortedUnion(target, tip)
    .filter((p) => isDesiredPath(p) && inScope(p, prefixes) && !sameEntry(target.get(p), tip.get(p)))
    .map((path) => ({ path, entry: target.get(path) ?? null }));
}

export interface RevertPlan {
  changes: TreeChange[];
  /** Paths the tip changed differently since the reverted commit, sorted. */
  conflicts: string[];
}

/**
 * The inverse of `parent → commit` applied to `tip`, file by file: where the tip still has the commit's version
 * the parent's comes back, where it already has the parent's nothing happens, anything else is a conflict.
 */
export function revertChanges(commit: FlatTree, parent: FlatTree, tip: FlatTree, prefixes: readonly string[] = []): RevertPlan {
  const changes: TreeChange[] = [];
  const conflicts: string[] = [];
  for (const path of sortedUnion(commit, parent)) {
    const before = parent.get(path);
    const after = commit.get(path);
    if (!isDesiredPath(path) || !inScope(path, prefixes) || sameEntry(before, after)) continue;
    const now = tip.get(path);
    if (sameEntry(now, after)) changes.push({ path, entry: before ?? null });
    else if (!sameEntry(now, before)) conflicts.push(path);
  }
  return { changes, conflicts };
}

export function applyChanges(tree: FlatTree, changes: readonly TreeChange[]): Map<string, EntryRef> {
  const out = new Map(tree);
  for (const c of changes) {
    if (c.entry) out.set(c.path, c.entry);
    else out.delete(c.path);
  }
  return out;
}

/** Paths that would be a file and a directory at once (`a` and `a/b`): such a tree cannot be written. */
export function fileDirectoryClashes(tree: FlatTree): string[] {
  const clashes: string[] = [];
  for (const path of tree.keys()) {
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      if (tree.has(path.slice(0, i))) clashes.push(path.slice(0, i));
    }
  }
  return [...new Set(clashes)].sort();
}

export function changeKind(tip: FlatTree, change: TreeChange): ChangeKind {
  if (!change.entry) return 'deleted';
  return tip.has(change.path) ? 'modified' : 'added';
}
