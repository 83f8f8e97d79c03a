/**
 * The fleet repository through isomorphic-git: one long-lived local copy (a bare clone of a remote, or the
 * user's own repository), trees read at a commit without any checkout, and status commits written as trees.
 * isomorphic-git must not run two writes against one gitdir at once, so writes go through a mutex.
 *
 * All I/O is injected in isomorphic-git's own style (`fs`, `http`) and so is the clock (`now`): tests can run
 * the repository in memory, count requests, or pin commit dates.
 */
import nodeFs, { type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import git, { type HttpClient, type PromiseFsClient, type TreeEntry } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { GitIndexManager } from 'isomorphic-git/managers';
import { FileSystem } from 'isomorphic-git/models';
import pLimit from 'p-limit';
import type { FleetFile } from '../model/fleet.js';
import { observedTrailer } from '../model/trailers.js';
import { SourceError } from '../model/errors.js';
import { sha256Hex } from '../util/canonical.js';
import { DESIRED_ROOTS, isFleetPath, isRemoteSource } from '../source/paths.js';
import { guardObjectRead, isObjectError, reasonOf } from './objects.js';
import { pushCommit, type PackObject, type PushResult } from './push.js';
import { updateTree, type AddedObject } from './status-tree.js';
import { resolveRevision, show } from './revision.js';
import type { EntryRef, TreeChange } from './tree-changes.js';
export { isRemoteSource };

export interface GitAuth {
  username?: string;
  password?: string;
  /** A token sent as the password of basic auth (GitHub, GitLab and Gitea all accept this). */
  token?: string;
}

export interface Identity {
  name: string;
  email: string;
}

export const BOT_IDENTITY: Identity = { name: 'Flotilla', email: 'flotilla@noreply.flotilla.dev' };

/** The repository's I/O, as isomorphic-git takes it; every field defaults to the real thing. */
export interface GitIo {
  /** A file system with node's promise API under `promises` (node:fs, memfs, LightningFS). Default: node:fs. */
  fs?: PromiseFsClient;
  /** isomorphic-git's HTTP client. Default: isomorphic-git/http/node. */
  http?: HttpClient;
  /** The clock for commit dates. Default: the system clock. */
  now?: () => Date;
  /** Numbers in [0, 1) for the jitter between push retries. Default: Math.random. */
  random?: () => number;
  /** Waits between push retries. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

export interface OpenOptions extends GitIo {
  /** http(s) URL of a remote, or a path to a local repository. */
  source: string;
  /** Default: the branch checked out in a local repository (required for a remote or a detached HEAD). */
  branch?: string;
  /** Where remote clones are kept between runs. */
  cacheDir: string;
  auth?: GitAuth;
  author?: Identity;
}

/** A symbolic link (tree entry mode 120000) where fleet files live. It is never followed; `target` is its text. */
/**
 * The snapshot's files as the loader takes them: symbolic links included as empty `symlink: true` entries, so
 * each is reported with its path (never followed).
 */
export function snapshotFiles(snapshot: Pick<FleetSnapshot, 'files' | 'symlinks'>): FleetFile[] {
  return [...snapshot.files, ...snapshot.symlinks.map((l) => ({ path: l.path, content: new Uint8Array(0), symlink: true as const }))];
}

export interface FleetSymlink {
  path: string;
  target: string;
}

export interface FleetSnapshot {
  commit: string;
  files: FleetFile[];
  /** Links skipped under fleet.yaml, clusters/, policies/, workloads/ and status/, sorted by path: warn about them. */
  symlinks: FleetSymlink[];
  /** Hash of the desired-state trees (fleet.yaml, clusters/, policies/, workloads/): unchanged ⇒ nothing to re-render. */
  desiredFingerprint: string;
}

/** A commit as history walks need it; `committedAt` is the committer date in seconds. */
export interface CommitInfo {
  commit: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; timestamp: number };
  committedAt: number;
  message: string;
  /** The first line of the message. */
  subject: string;
}

/** A fleet file that differs between two trees: blob ids, null where the file is absent. */
export interface FileChange {
  path: string;
  before: string | null;
  after: string | null;
}

export type StatusWrite = { path: string; content: Uint8Array | null };
/**
 * Writes computed against the commit they go on top of: called again with the new tip when the push raced
 * another writer, so writers that share a file (shards merging a placement file) merge instead of clobbering.
 */
export type StatusWritesAt = (parent: string) => Promise<StatusWrite[]>;
/** A tree edit: new content, or an object already in the repository (kept with its mode). */
type TreeWrite = StatusWrite | { path: string; entry: EntryRef };

/** A commit written by `commitChanges`, or the tip that moved under it (nothing was published). */
export type ChangeOutcome = { kind: 'committed'; commit: string } | { kind: 'moved'; tip: string };

export type CommitOutcome =
  | { kind: 'unchanged' }
  | { kind: 'committed'; commit: string; attempts: number }
  /** The branch moved and its desired state changed: the caller must re-run the pass on the new tip. */
  | { kind: 'superseded'; tip: string };

interface SubtreeContent {
  files: FleetFile[];
  symlinks: FleetSymlink[];
}

type Io = Required<GitIo>;

/** Scale of the random wait between push retries (see retryDelayMs). */
const RETRY_BASE_MS = 25;
/** Working-tree files written at once when a checked-out branch is refreshed. */
const WORKTREE_CONCURRENCY = 16;

export class FleetRepository {
  private readonly cache: object = {};
  private readonly blobCache = new Map<string, Uint8Array>();
  private readonly treeCache = new Map<string, SubtreeContent>();
  private readonly historyTrees = new Map<string, Promise<TreeEntry[]>>();
  private writeChain: Promise<unknown> = Promise.resolve();
  /** The last snapshot read: a quiet tick (same tip) costs a fetch and nothing more. */
  private lastSnapshot?: FleetSnapshot;

  private constructor(
    readonly gitdir: string,
    readonly branch: string,
    readonly remoteUrl: string | undefined,
    private readonly worktree: string | undefined,
    private readonly auth: GitAuth | undefined,
    private readonly author: Identity,
    private readonly io: Io,
  ) {}

  static async open(opts: OpenOptions): Promise<FleetRepository> {
    const author = opts.author ?? BOT_IDENTITY;
    const io: Io = {
      fs: opts.fs ?? nodeFs,
      http: opts.http ?? nodeHttp,
      now: opts.now ?? (() => new Date()),
      random: opts.random ?? Math.random,
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
    const { fs } = io;
    if (isRemoteSource(opts.source)) {
      if (!opts.branch) throw new SourceError('E_NO_BRANCH', `a remote repository needs a branch: ${redact(opts.source)}`, { url: redact(opts.source) });
      const gitdir = join(opts.cacheDir, 'repos', sha256Hex(`${opts.source}#${opts.branch}`).slice(0, 16) + '.git');
      // isomorphic-git's init creates the missing parent directories itself.
      if (!(await exists(fs, join(gitdir, 'HEAD')))) await git.init({ fs, gitdir, bare: true, defaultBranch: opts.branch });
      await git.addRemote({ fs, gitdir, remote: 'origin', url: opts.source, force: true });
      return new FleetRepository(gitdir, opts.branch, opts.source, undefined, opts.auth, author, io);
    }
    const dir = resolve(opts.source);
    const dotGit = join(dir, '.git');
    if (await exists(fs, join(dotGit, 'HEAD'))) return new FleetRepository(dotGit, await branchOrCurrent(fs, dotGit, opts.branch), undefined, dir, undefined, author, io);
    if ((await exists(fs, join(dir, 'HEAD'))) && (await exists(fs, join(dir, 'objects')))) {
      return new FleetRepository(dir, await branchOrCurrent(fs, dir, opts.branch), undefined, undefined, undefined, author, io);
    }
    throw new SourceError('E_NOT_A_REPO', `${dir} is not a Git repository (use 'flotilla init ${opts.source}' to create one)`, { dir });
  }

  get isRemote(): boolean {
    return this.remoteUrl !== undefined;
  }

  /** Fetches the branch (remote) or reads it (local) and returns the tip commit. */
  async sync(): Promise<string> {
    return this.remoteUrl ? this.withWriteLock(() => this.fetchTip()) : this.localTip();
  }

  /** Fetch without taking the write lock: for callers that already hold it (`moved`: the branch is known to have moved). */
  private async fetchTip(moved = false): Promise<string> {
    const url = this.remoteUrl ?? '';
    try {
      // A quiet tick asks the server for one ref (a single request) and fetches only when it moved.
      const known = moved ? undefined : await git.resolveRef({ fs: this.io.fs, gitdir: this.gitdir, ref: `refs/remotes/origin/${this.branch}` }).catch(() => undefined);
      if (known) {
        const refs = await git.listServerRefs({
          http: this.io.http,
          url,
          prefix: `refs/heads/${this.branch}`,
          onAuth: () => this.credentials(),
          onAuthFailure: () => ({ cancel: true }),
        });
        if (refs.find((r) => r.ref === `refs/heads/${this.branch}`)?.oid === known) return known;
      }
      await git.fetch({
        fs: this.io.fs,
        http: this.io.http,
        gitdir: this.gitdir,
        remote: 'origin',
        ref: this.branch,
        singleBranch: true,
        tags: false,
        onAuth: () => this.credentials(),
        onAuthFailure: () => ({ cancel: true }),
        cache: this.cache,
      });
      const tip = await git.resolveRef({ fs: this.io.fs, gitdir: this.gitdir, ref: `refs/remotes/origin/${this.branch}` });
      // isomorphic-git tells the server what we have from the local branch of the same name only: without it,
      // every fetch would download the whole history again.
      await git.writeRef({ fs: this.io.fs, gitdir: this.gitdir, ref: `refs/heads/${this.branch}`, value: tip, force: true });
      return tip;
    } catch (err) {
      throw new SourceError('E_FETCH', `fetch ${redact(url)} ${this.branch}: ${reasonOf(err)}`, { url: redact(url) }, { cause: err });
    }
  }

  private async localTip(): Promise<string> {
    try {
      return await git.resolveRef({ fs: this.io.fs, gitdir: this.gitdir, ref: `refs/heads/${this.branch}` });
    } catch (err) {
      throw new SourceError('E_NO_BRANCH', `branch '${this.branch}' not found in ${this.gitdir}: ${(err as Error).message}`, { branch: this.branch }, { cause: err });
    }
  }

  /**
   * The commit a revision names (branch, tag, SHA or short SHA, `HEAD~2`, `main^2`…; see revision.ts).
   * Anything else is refused before it reaches the file system, with the codes documented there.
   */
  async resolve(rev: string): Promise<string> {
    return resolveRevision({ fs: this.io.fs, gitdir: this.gitdir, cache: this.cache }, rev);
  }

  /**
   * Every fleet file at a revision; unchanged subtrees and blobs come from memory, so a quiet tick is cheap.
   * A damaged object ends in E_CORRUPT_OBJECT / E_MISSING_OBJECT naming the object and the revision.
   */
  async readFleet(rev: string): Promise<FleetSnapshot> {
    if (this.lastSnapshot?.commit === rev) return this.lastSnapshot;
    let commit: string | undefined;
    try {
      commit = await this.resolve(rev);
      if (this.lastSnapshot?.commit === commit) return this.lastSnapshot;
      const root = await this.rootTree(commit);
      const { files, symlinks } = await this.fleetContent(root, '');
      this.lastSnapshot = { commit, files: byPath(files), symlinks: byPath(symlinks), desiredFingerprint: fingerprintOf(root) };
      return this.lastSnapshot;
    } catch (err) {
      throw atRevision(err, rev, commit);
    }
  }

  /** The hash of the desired-state trees at a commit id. */
  async desiredFingerprint(commit: string): Promise<string> {
    return fingerprintOf(await this.rootTree(commit));
  }

  /**
   * The desired-state commit that `commit` stands for: itself, or, for a Flotilla status commit, the commit its
   * `Flotilla-Observed` trailer names. Status commits name it, so history can pair intent with outcome.
   */
  async desiredCommitOf(commit: string): Promise<string> {
    const { commit: c } = await guardObjectRead('commit', commit, () => git.readCommit({ fs: this.io.fs, gitdir: this.gitdir, oid: commit, cache: this.cache }));
    return observedTrailer(c.message) ?? commit;
  }

  private async rootTree(commit: string): Promise<TreeEntry[]> {
    const { commit: c } = await guardObjectRead('commit', commit, () => git.readCommit({ fs: this.io.fs, gitdir: this.gitdir, oid: commit, cache: this.cache }));
    return this.readTree(c.tree);
  }

  private async readTree(oid: string): Promise<TreeEntry[]> {
    return (await guardObjectRead('tree', oid, () => git.readTree({ fs: this.io.fs, gitdir: this.gitdir, oid, cache: this.cache }))).tree;
  }

  private async subtree(treeOid: string, prefix: string): Promise<SubtreeContent> {
    const key = `${treeOid}:${prefix}`;
    const hit = this.treeCache.get(key);
    if (hit) return hit;
    const content = await this.fleetContent(await this.readTree(treeOid), prefix);
    boundedSet(this.treeCache, key, content);
    return content;
  }

  /** The fleet files and skipped links among `entries` (the tree at `prefix`, '' for the root) and below. */
  private async fleetContent(entries: TreeEntry[], prefix: string): Promise<SubtreeContent> {
    const out: SubtreeContent = { files: [], symlinks: [] };
    for (const e of entries) {
      const path = prefix ? `${prefix}/${e.path}` : e.path;
      // A link is never followed (it could point outside the fleet or the repository), only reported.
      if (e.mode === '120000') {
        if (mayHoldFleetFiles(path)) out.symlinks.push({ path, target: new TextDecoder().decode(await this.readBlob(e.oid)) });
      } else if (e.type === 'tree') {
        if (isFleetPath(`${path}/x.yaml`)) {
          const sub = await this.subtree(e.oid, path);
          out.files.push(...sub.files);
          out.symlinks.push(...sub.symlinks);
        }
      } else if (e.type === 'blob' && isFleetPath(path)) {
        out.files.push({ path, content: await this.readBlob(e.oid) });
      }
      // Submodules (commit entries) are never followed either.
    }
    return out;
  }

  async readBlob(oid: string): Promise<Uint8Array> {
    const hit = this.blobCache.get(oid);
    if (hit) return hit;
    const { blob } = await guardObjectRead('blob', oid, () => git.readBlob({ fs: this.io.fs, gitdir: this.gitdir, oid, cache: this.cache }));
    boundedSet(this.blobCache, oid, blob);
    return blob;
  }

  /**
   * Writes `writes` (paths under status/; null deletes) as one commit on top of `base` and publishes it.
   * If the branch moved meanwhile: when its desired state is what we computed from, the same writes are
   * rebuilt on the new tip (our files are ours alone, so this is a conflict-free merge) and published
   * again; otherwise the outcome is `superseded` and the caller recomputes from the new tip, so that
   * every status commit is a pure function of its own desired state.
   */
  async commitStatus(base: string, writesAt: StatusWrite[] | StatusWritesAt, message: string, maxAttempts = 5): Promise<CommitOutcome> {
    return this.withWriteLock(async () => {
      const fingerprint = await this.desiredFingerprint(base);
      let parent = base;
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const writes = typeof writesAt === 'function' ? await writesAt(parent) : writesAt;
        const { commit: parentCommit } = await git.readCommit({ fs: this.io.fs, gitdir: this.gitdir, oid: parent, cache: this.cache });
        const { tree, blobs, added } = await updateTree({ fs: this.io.fs, gitdir: this.gitdir, cache: this.cache }, parentCommit.tree, writes);
        if (tree === parentCommit.tree) return { kind: 'unchanged' } as const;
        const now = { timestamp: Math.floor(this.io.now().getTime() / 1000), timezoneOffset: 0 };
        const oid = await git.writeCommit({
          fs: this.io.fs,
          gitdir: this.gitdir,
          commit: {
            tree,
            parent: [parent],
            author: { ...this.author, ...now },
            committer: { ...this.author, ...now },
            message: message.endsWith('\n') ? message : `${message}\n`,
          },
        });
        const published = await this.publish(parent, oid, added, (dir) => this.refreshCheckedOutStatus(dir, writes, blobs));
        if (published === 'ok') return { kind: 'committed', commit: oid, attempts: attempt } as const;
        const tip = published.tip;
        if ((await this.desiredFingerprint(tip)) !== fingerprint) return { kind: 'superseded', tip } as const;
        parent = tip;
        const wait = retryDelayMs(attempt, this.io.random());
        if (wait > 0) await this.io.sleep(wait);
      }
      throw new SourceError('E_PUSH_RETRIES', `could not publish the status commit after ${maxAttempts} attempts: the branch keeps moving`, {});
    });
  }

  private async publish(parent: string, oid: string, added: AddedObject[], refreshWorktree: (dir: string) => Promise<void>): Promise<'ok' | { tip: string }> {
    const ref = `refs/heads/${this.branch}`;
    if (this.remoteUrl) {
      let result: PushResult;
      try {
        result = await pushCommit({
          http: this.io.http,
          url: this.remoteUrl,
          onAuth: () => this.credentials(),
          onAuthFailure: () => ({ cancel: true }),
          ref,
          oldOid: parent,
          newOid: oid,
          objects: () => this.packObjects(oid, added),
        });
      } catch (err) {
        throw new SourceError('E_PUSH', `push to ${redact(this.remoteUrl)}: ${reasonOf(err)}`, {}, { cause: err });
      }
      if (result.kind === 'pushed') {
        // Only now does the local branch take the commit: revisions such as HEAD~1 start from it.
        for (const r of [ref, `refs/remotes/origin/${this.branch}`]) await git.writeRef({ fs: this.io.fs, gitdir: this.gitdir, ref: r, value: oid, force: true });
        return 'ok';
      }
      // Someone pushed first (seen in the advertisement, or by the server's check of the old id): fetch and let
      // the caller decide. A refusal with the branch still at our parent is a real one (a hook, permissions).
      const tip = await this.fetchTip(true);
      if (result.kind === 'moved' || tip !== parent) return { tip };
      throw new SourceError('E_PUSH', `push to ${redact(this.remoteUrl)} refused: ${result.reason}`, {});
    }
    // Local repository: move the branch only if nobody committed since we read it.
    const current = await git.resolveRef({ fs: this.io.fs, gitdir: this.gitdir, ref });
    if (current !== parent) return { tip: current };
    await git.writeRef({ fs: this.io.fs, gitdir: this.gitdir, ref, value: oid, force: true });
    const dir = await this.checkedOutWorktree();
    if (dir) await refreshWorktree(dir);
    return 'ok';
  }

  /** The objects a push of `commit` sends: the commit itself and what its tree added to its parent's. */
  private async packObjects(commit: string, added: AddedObject[]): Promise<PackObject[]> {
    const read = async (oid: string): Promise<PackObject> => {
      const { type, object } = await guardObjectRead('object', oid, () => git.readObject({ fs: this.io.fs, gitdir: this.gitdir, oid, format: 'content', cache: this.cache }));
      if (type !== 'commit' && type !== 'tree' && type !== 'blob') throw new SourceError('E_PUSH', `object ${oid} is a ${type}, not part of a commit`, {});
      return { type, content: object as Uint8Array };
    };
    const objects: PackObject[] = [await read(commit)];
    // Two files with the same content are one object, and a pack should hold each object once.
    const seen = new Set<string>();
    for (const o of added) {
      if (seen.has(o.oid)) continue;
      seen.add(o.oid);
      objects.push(o.type === 'existing' ? await read(o.oid) : o);
    }
    return objects;
  }

  /** The working tree when this branch is checked out in it: moving the branch must then update both. */
  private async checkedOutWorktree(): Promise<string | undefined> {
    const dir = this.worktree;
    if (!dir) return undefined;
    const checkedOut = await git.currentBranch({ fs: this.io.fs, gitdir: this.gitdir, fullname: false }).catch(() => undefined);
    return checkedOut === this.branch ? dir : undefined;
  }

  /**
   * In a local repository with the branch checked out, moving the ref alone would leave `git status` showing
   * the written files as changed: write the same files to the working tree and the index. Deletions go first,
   * so a file may replace a directory that emptied.
   */
  private async refreshCheckedOut(dir: string, writes: TreeWrite[]): Promise<void> {
    const { promises: fs } = this.io.fs;
    const deleted = (w: TreeWrite) => 'content' in w && w.content === null;
    for (const w of [...writes.filter(deleted), ...writes.filter((w) => !deleted(w))]) {
      const file = join(dir, w.path);
      if ('entry' in w && w.entry.mode === '160000') continue; // a submodule's checkout is its own business
      await fs.unlink(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      if ('content' in w && w.content === null) {
        await git.remove({ fs: this.io.fs, dir, gitdir: this.gitdir, filepath: w.path, cache: this.cache });
        await removeEmptyParents(this.io.fs, dir, dirname(file));
        continue;
      }
      await mkdirp(this.io.fs, dirname(file));
      if ('content' in w && w.content) await fs.writeFile(file, w.content);
      else if ('entry' in w) await this.checkOutEntry(file, w.entry);
      await git.add({ fs: this.io.fs, dir, gitdir: this.gitdir, filepath: w.path, cache: this.cache });
    }
  }

  private async checkOutEntry(file: string, entry: EntryRef): Promise<void> {
    const { promises: fs } = this.io.fs;
    const content = await this.readBlob(entry.oid);
    if (entry.mode === '120000') {
      await (fs.symlink as (target: string, path: string) => Promise<void>)(new TextDecoder().decode(content), file);
      return;
    }
    await fs.writeFile(file, content);
    if (entry.mode === '100755') await (fs.chmod as (path: string, mode: number) => Promise<void>)(file, 0o755);
  }

  /** Every blob, link and submodule in the tree of a commit, by path. */
  async flatTree(commit: string): Promise<Map<string, EntryRef>> {
    const out = new Map<string, EntryRef>();
    const walk = async (entries: TreeEntry[], prefix: string): Promise<void> => {
      for (const e of entries) {
        const path = prefix ? `${prefix}/${e.path}` : e.path;
        if (e.type === 'tree') await walk(await this.readTree(e.oid), path);
        else out.set(path, { mode: e.mode, oid: e.oid });
      }
    };
    await walk(await this.rootTree(commit), '');
    return out;
  }

  /** `user.name` and `user.email` from the repository's own config, when both are set. */
  async configuredIdentity(): Promise<Identity | undefined> {
    const read = (path: string) => git.getConfig({ fs: this.io.fs, gitdir: this.gitdir, path }).then((v: unknown) => (typeof v === 'string' && v ? v : undefined));
    const [name, email] = await Promise.all([read('user.name'), read('user.email')]);
    return name && email ? { name, email } : undefined;
  }

  /**
   * Paths among `paths` (or below them) that differ between the checked-out branch's tip, the index and the
   * working tree, untracked files included: writing there would lose someone's work. Empty when the branch is
   * not checked out.
   */
  async uncommittedChanges(paths: string[]): Promise<string[]> {
    const dir = await this.checkedOutWorktree();
    if (!dir || paths.length === 0) return [];
    const rows = await git.statusMatrix({ fs: this.io.fs, dir, gitdir: this.gitdir, filepaths: paths, cache: this.cache });
    return rows.filter(([, head, workdir, stage]) => !(head === 1 && workdir === 1 && stage === 1)).map(([path]) => path);
  }

  /**
   * One commit on `base` with `changes` and publishes it (a push for a remote; for a local repository the branch
   * moves, with its working tree and index when checked out). If the branch is no longer at `base`, nothing is
   * published and the outcome names the new tip, so that the caller can decide again from there.
   */
  async commitChanges(base: string, changes: TreeChange[], message: string, author: Identity, committer: Identity = author): Promise<ChangeOutcome> {
    return this.withWriteLock(async () => {
      const { commit: baseCommit } = await git.readCommit({ fs: this.io.fs, gitdir: this.gitdir, oid: base, cache: this.cache });
      const writes: TreeWrite[] = changes.map((c) => (c.entry ? { path: c.path, entry: c.entry } : { path: c.path, content: null }));
      const { tree, added } = await updateTree({ fs: this.io.fs, gitdir: this.gitdir, cache: this.cache }, baseCommit.tree, writes);
      const now = { timestamp: Math.floor(this.io.now().getTime() / 1000), timezoneOffset: 0 };
      const oid = await git.writeCommit({
        fs: this.io.fs,
        gitdir: this.gitdir,
        commit: { tree, parent: [base], author: { ...author, ...now }, committer: { ...committer, ...now }, message: message.endsWith('\n') ? message : `${message}\n` },
      });
      const published = await this.publish(base, oid, added, (dir) => this.refreshCheckedOut(dir, writes));
      return published === 'ok' ? { kind: 'committed', commit: oid } : { kind: 'moved', tip: published.tip };
    });
  }

  /**
   * The fast path of the above for status commits: moving the ref alone would leave `git status` showing
   * our status files as changed: write the same files to the working tree and the index (only status/ paths).
   * The index is read and written once for the whole commit, its entries taking the blob ids the commit already
   * computed (`git add` per file would rewrite the whole index, and hash every file again, once per file).
   */
  private async refreshCheckedOutStatus(dir: string, writes: StatusWrite[], blobs: Map<string, string>): Promise<void> {
    const { promises: fs } = this.io.fs;
    const latest = new Map(writes.map((w) => [w.path, w.content]));
    for (const parent of new Set([...latest].filter(([, content]) => content !== null).map(([path]) => dirname(join(dir, path))))) {
      await mkdirp(this.io.fs, parent);
    }
    const limit = pLimit(WORKTREE_CONCURRENCY);
    const stats = new Map<string, Stats>();
    await Promise.all(
      [...latest].map(([path, content]) =>
        limit(async () => {
          const file = join(dir, path);
          if (content === null) {
            await fs.unlink(file).catch((err: NodeJS.ErrnoException) => {
              if (err.code !== 'ENOENT') throw err;
            });
          } else {
            await fs.writeFile(file, content);
            stats.set(path, await fs.lstat(file));
          }
        }),
      ),
    );
    await GitIndexManager.acquire({ fs: new FileSystem(this.io.fs), gitdir: this.gitdir, cache: this.cache }, (index) => {
      for (const [path, content] of latest) {
        if (content === null) index.delete({ filepath: path });
        else index.insert({ filepath: path, stats: stats.get(path), oid: blobs.get(path) });
      }
    });
  }

  /** Files under `dir/` (e.g. `status`) at a revision, as path → content. */
  async readPrefix(rev: string, dir: string): Promise<Map<string, Uint8Array>> {
    let commit: string | undefined;
    try {
      commit = await this.resolve(rev);
      const entry = (await this.rootTree(commit)).find((e) => e.path === dir && e.type === 'tree');
      const out = new Map<string, Uint8Array>();
      if (!entry) return out;
      for (const f of (await this.subtree(entry.oid, dir)).files) out.set(f.path, f.content);
      return out;
    } catch (err) {
      throw atRevision(err, rev, commit);
    }
  }

  async log(rev: string, depth = 20) {
    // isomorphic-git would read any string as a path under the gitdir: only resolved commits reach it.
    return git.log({ fs: this.io.fs, gitdir: this.gitdir, ref: await this.resolve(rev), depth, cache: this.cache });
  }

  /** One commit's parents, author, committer date and message (for history walks). */
  async commitInfo(oid: string): Promise<CommitInfo> {
    const { commit } = await guardObjectRead('commit', oid, () => git.readCommit({ fs: this.io.fs, gitdir: this.gitdir, oid, cache: this.cache }));
    return {
      commit: oid,
      tree: commit.tree,
      parents: commit.parent,
      author: { name: commit.author.name, email: commit.author.email, timestamp: commit.author.timestamp },
      committedAt: commit.committer.timestamp,
      message: commit.message,
      subject: commit.message.split('\n', 1)[0] ?? '',
    };
  }

  /**
   * The fleet files that differ between two root trees (`before` undefined: the empty tree), by blob id.
   * Subtrees with the same id are skipped without being read, so a commit costs what it changed.
   */
  async changedFleetFiles(before: string | undefined, after: string): Promise<FileChange[]> {
    const out: FileChange[] = [];
    await this.diffTrees(before, after, '', out);
    return byPath(out);
  }

  private async diffTrees(before: string | undefined, after: string | undefined, prefix: string, out: FileChange[]): Promise<void> {
    const [x, y] = await Promise.all([before ? this.historyTree(before) : [], after ? this.historyTree(after) : []]);
    const a = new Map(x.map((e) => [e.path, e]));
    const b = new Map(y.map((e) => [e.path, e]));
    const nested: Promise<void>[] = [];
    for (const name of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(name);
      const y = b.get(name);
      if (x?.oid === y?.oid && x?.mode === y?.mode) continue;
      const path = prefix ? `${prefix}/${name}` : name;
      const treeOf = (e: TreeEntry | undefined) => (e?.type === 'tree' ? e.oid : undefined);
      const blobOf = (e: TreeEntry | undefined) => (e?.type === 'blob' && e.mode !== '120000' ? e.oid : null);
      if ((treeOf(x) || treeOf(y)) && isFleetPath(`${path}/x.yaml`)) nested.push(this.diffTrees(treeOf(x), treeOf(y), path, out));
      const old = blobOf(x);
      const now = blobOf(y);
      if ((old || now) && old !== now && isFleetPath(path)) out.push({ path, before: old, after: now });
    }
    await Promise.all(nested);
  }

  /**
   * A tree for history walks, remembered: walking back, each commit's trees are the next one's parent trees, and
   * every object read from isomorphic-git costs a millisecond or more. Bounded, so a huge walk cannot hoard memory.
   */
  private historyTree(oid: string): Promise<TreeEntry[]> {
    const hit = this.historyTrees.get(oid);
    if (hit) return hit;
    const tree = this.readTree(oid);
    // The promise is kept, so concurrent diffs of neighbouring commits read a shared tree once.
    boundedSet(this.historyTrees, oid, tree);
    tree.catch(() => this.historyTrees.delete(oid));
    return tree;
  }

  private credentials() {
    if (!this.auth) return { cancel: true };
    if (this.auth.token) return { username: this.auth.username ?? 'flotilla', password: this.auth.token };
    return { username: this.auth.username ?? '', password: this.auth.password ?? '' };
  }

  private withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writeChain.then(fn, fn);
    this.writeChain = run.catch(() => undefined);
    return run;
  }
}

/**
 * The wait after failed attempt `attempt` (1-based): none after the first, then random in [0, 25 ms × 2^(attempt-1)),
 * "full jitter". The fetch that precedes a retry already spaces writers by a round trip, so the first retry goes at
 * once; the jitter after it only has to break lock-step with writers that keep colliding, and staying short lets a
 * burst of pushes settle in well under a second or two rather than several.
 */
export function retryDelayMs(attempt: number, random: number): number {
  return attempt <= 1 ? 0 : Math.floor(random * RETRY_BASE_MS * 2 ** (attempt - 1));
}

/** Never print credentials embedded in a URL. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

function byPath<T extends { path: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function fingerprintOf(root: TreeEntry[]): string {
  const parts = root.filter((e) => (DESIRED_ROOTS as readonly string[]).includes(e.path)).map((e) => `${e.path}:${e.oid}`);
  return sha256Hex(parts.sort().join('\n'));
}

/** A link at `path` would have been (part of) fleet content had it been a file or a directory. */
function mayHoldFleetFiles(path: string): boolean {
  return isFleetPath(path) || isFleetPath(`${path}/x.yaml`);
}

/** Names the revision being read in a damaged-object error, which on its own only knows the object id. */
function atRevision(err: unknown, rev: string, commit: string | undefined): unknown {
  if (!isObjectError(err)) return err;
  const at = commit && commit !== rev ? `${show(rev)} (commit ${commit})` : show(rev);
  return new SourceError(err.code, `cannot read the fleet at ${at}: ${err.message}`, { ...err.data, ref: rev, commit }, { cause: err });
}

/** The named branch, or the one HEAD points to in the repository at `gitdir`. */
async function branchOrCurrent(fs: PromiseFsClient, gitdir: string, branch: string | undefined): Promise<string> {
  if (branch) return branch;
  const current = await git.currentBranch({ fs, gitdir, fullname: false }).catch(() => undefined);
  if (!current) throw new SourceError('E_NO_BRANCH', `${gitdir}: HEAD is not on a branch; name one with --branch`, { gitdir });
  return current;
}

/** Like git, leaves no directory a deletion emptied (up to the working tree itself). */
async function removeEmptyParents(fs: PromiseFsClient, root: string, dir: string): Promise<void> {
  for (let d = dir; d !== root && d.startsWith(`${root}/`); d = dirname(d)) {
    const empty = await fs.promises.readdir(d).then((names: string[]) => names.length === 0, () => false);
    if (!empty) return;
    await fs.promises.rmdir(d);
  }
}

async function exists(fs: PromiseFsClient, path: string): Promise<boolean> {
  return fs.promises.stat(path).then(
    () => true,
    () => false,
  );
}

/** `mkdir -p` with single-level mkdir only: `{ recursive: true }` is not part of isomorphic-git's fs contract. */
async function mkdirp(fs: PromiseFsClient, dir: string): Promise<void> {
  try {
    await fs.promises.mkdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw err;
    await mkdirp(fs, dirname(dir));
    await fs.promises.mkdir(dir);
  }
}

/**
 * Object caches live as long as the controller: each holds at most CACHE_ENTRIES and starts over when full, so a
 * fleet whose status changes every pass for weeks does not grow memory without end (objects are immutable, so a
 * cleared cache only costs re-reads).
 */
const CACHE_ENTRIES = 20_000;

function boundedSet<K, V>(cache: Map<K, V>, key: K, value: V): void {
  if (cache.size >= CACHE_ENTRIES) cache.clear();
  cache.set(key, value);
}
