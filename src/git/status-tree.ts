/**
 * The objects of a status commit, written at the cost of the change and not of the repository:
 * - a directory is visited only if a write falls under it, and its tree read once; every other subtree keeps its
 *   id without being read;
 * - trees are rebuilt bottom-up, once per changed directory, and a tree whose id comes out the same is not written;
 * - a blob is hashed first and written only if the entry it replaces had other content;
 * - hashing and deflating use node's SHA-1 and zlib in one call per object (isomorphic-git's own path goes through
 *   web streams and costs far more per object), and the loose-object files are written several at a time through
 *   isomorphic-git's `writeObject` with the `deflated` format, which keeps its file layout and never overwrites an
 *   object that exists.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import git, { type PromiseFsClient, type TreeEntry } from 'isomorphic-git';
import pLimit from 'p-limit';

export interface ObjectStore {
  fs: PromiseFsClient;
  gitdir: string;
  /** isomorphic-git's cache object (pack indexes), shared with the repository's other reads. */
  cache: object;
}

/** An object already in the repository, placed with its mode (a file, an executable, a link, a submodule). */
export interface ExistingEntry {
  mode: string;
  oid: string;
}

/** A write under the repository root: `/`-separated path, and new content, null to delete, or an existing object. */
export type PathWrite = { path: string; content: Uint8Array | null } | { path: string; entry: ExistingEntry };

export interface TreeUpdate {
  /** The new root tree (the base's own id when nothing changed). */
  tree: string;
  /** The blob id of every path written with content, for the index of a checked-out branch. */
  blobs: Map<string, string>;
  /**
   * Every object the new tree needs that the base tree did not have: the blobs and trees written, and the
   * existing objects newly placed in it (submodules aside). With the base's closure, that is the whole new tree;
   * a push sends exactly these.
   */
  added: AddedObject[];
}

/** An object the update wrote (with its content), or an existing one it placed (id only: read it to send it). */
export type AddedObject = { type: ObjectType; oid: string; content: Uint8Array } | { type: 'existing'; oid: string };

type ObjectType = 'blob' | 'tree';

interface DirChanges {
  files: Map<string, Uint8Array | null | ExistingEntry>;
  dirs: Map<string, DirChanges>;
}

/** Loose-object files written at once: enough to overlap file-system latency, few enough not to flood it. */
const WRITE_CONCURRENCY = 16;
/** Git's own default for loose objects (core.looseCompression): they are small and packed later anyway. */
const LOOSE_COMPRESSION_LEVEL = 1;
const EMPTY_TREE = new Uint8Array(0);

/** `base` (a tree id, or undefined for none) with `writes` applied; empty directories disappear. */
export async function updateTree(store: ObjectStore, base: string | undefined, writes: readonly PathWrite[]): Promise<TreeUpdate> {
  const limit = pLimit(WRITE_CONCURRENCY);
  const pending: Promise<void>[] = [];
  const blobs = new Map<string, string>();
  const added: AddedObject[] = [];
  const schedule = (type: ObjectType, wrapped: Buffer, oid: string) => {
    added.push({ type, oid, content: wrapped.subarray(wrapped.indexOf(0) + 1) });
    pending.push(limit(() => writeWrapped(store, type, wrapped, oid)));
  };

  async function rebuild(treeOid: string | undefined, changes: DirChanges, prefix: string): Promise<{ oid: string; empty: boolean }> {
    const byName = new Map<string, TreeEntry>();
    if (treeOid) for (const e of (await git.readTree({ fs: store.fs, gitdir: store.gitdir, oid: treeOid, cache: store.cache })).tree) byName.set(e.path, e);
    for (const [name, content] of changes.files) {
      if (content === null) {
        byName.delete(name);
        continue;
      }
      if (!(content instanceof Uint8Array)) {
        // A submodule's commit lives in another repository: nobody sends it.
        if (byName.get(name)?.oid !== content.oid && content.mode !== '160000') added.push({ type: 'existing', oid: content.oid });
        byName.set(name, { mode: content.mode, path: name, oid: content.oid, type: content.mode === '160000' ? 'commit' : 'blob' });
        continue;
      }
      const wrapped = wrap('blob', content);
      const oid = sha1(wrapped);
      blobs.set(prefix + name, oid);
      // Same id as the entry it replaces: the object is already in the repository.
      if (byName.get(name)?.oid !== oid) schedule('blob', wrapped, oid);
      byName.set(name, { mode: '100644', path: name, oid, type: 'blob' });
    }
    for (const [name, sub] of changes.dirs) {
      const existing = byName.get(name);
      const subtree = await rebuild(existing?.type === 'tree' ? existing.oid : undefined, sub, `${prefix}${name}/`);
      if (subtree.empty) byName.delete(name);
      else byName.set(name, { mode: '040000', path: name, oid: subtree.oid, type: 'tree' });
    }
    const wrapped = wrap('tree', serializeTree([...byName.values()]));
    const oid = sha1(wrapped);
    const empty = byName.size === 0;
    // An empty subtree is dropped by its parent, so only an empty root is ever written.
    if (oid !== treeOid && (!empty || prefix === '')) schedule('tree', wrapped, oid);
    return { oid, empty };
  }

  const { oid } = await rebuild(base, groupByDirectory(writes), '');
  await Promise.all(pending);
  return { tree: oid, blobs, added };
}

function groupByDirectory(writes: readonly PathWrite[]): DirChanges {
  const root: DirChanges = { files: new Map(), dirs: new Map() };
  for (const w of writes) {
    const parts = w.path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      let next = dir.dirs.get(part);
      if (!next) dir.dirs.set(part, (next = { files: new Map(), dirs: new Map() }));
      dir = next;
    }
    // A later write to the same path wins, as it did when writes were applied one by one.
    dir.files.set(parts[parts.length - 1]!, 'entry' in w ? w.entry : w.content);
  }
  return root;
}

/**
 * Git's tree format: entries ordered by the bytes of their names, a directory compared as if its name ended in
 * '/'; each is `<mode without leading zeros> <name>\0<20-byte id>`.
 */
export function serializeTree(entries: readonly TreeEntry[]): Uint8Array {
  if (entries.length === 0) return EMPTY_TREE;
  const keyed = entries.map((e) => ({ e, key: Buffer.from(e.type === 'tree' ? `${e.path}/` : e.path) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return Buffer.concat(keyed.flatMap(({ e }) => [Buffer.from(`${e.mode.replace(/^0+/, '')} ${e.path}\0`), Buffer.from(e.oid, 'hex')]));
}

function wrap(type: ObjectType, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${type} ${content.byteLength}\0`), content]);
}

function sha1(data: Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

async function writeWrapped(store: ObjectStore, type: ObjectType, wrapped: Buffer, oid: string): Promise<void> {
  const object = deflateSync(wrapped, { level: LOOSE_COMPRESSION_LEVEL });
  await git.writeObject({ fs: store.fs, gitdir: store.gitdir, type, object, format: 'deflated', oid });
}
