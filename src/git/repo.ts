/**
 * The fleet repository through isomorphic-git: one long-lived local copy (a bare clone of a remote, or the
 * user's own repository), trees read at a commit without any checkout, and status commits written as trees.
 * isomorphic-git must not run two writes against one gitdir at once, so writes go through a mutex.
 */
import fs from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import git, { Errors } from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import type { FleetFile } from '../model/fleet.js';
import { SourceError } from '../model/errors.js';
import { sha256Hex } from '../util/canonical.js';
import { DESIRED_ROOTS, isFleetPath, isRemoteSource } from '../source/paths.js';
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

export interface OpenOptions {
  /** http(s) URL of a remote, or a path to a local repository. */
  source: string;
  branch: string;
  /** Where remote clones are kept between runs. */
  cacheDir: string;
  auth?: GitAuth;
  author?: Identity;
}

export interface FleetSnapshot {
  commit: string;
  files: FleetFile[];
  /** Hash of the desired-state trees (fleet.yaml, clusters/, policies/, workloads/): unchanged ⇒ nothing to re-render. */
  desiredFingerprint: string;
}

export type StatusWrite = { path: string; content: Uint8Array | null };

export type CommitOutcome =
  | { kind: 'unchanged' }
  | { kind: 'committed'; commit: string; attempts: number }
  /** The branch moved and its desired state changed: the caller must re-run the pass on the new tip. */
  | { kind: 'superseded'; tip: string };


export class FleetRepository {
  private readonly cache: object = {};
  private readonly blobCache = new Map<string, Uint8Array>();
  private readonly treeCache = new Map<string, FleetFile[]>();
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
  ) {}

  static async open(opts: OpenOptions): Promise<FleetRepository> {
    const author = opts.author ?? BOT_IDENTITY;
    if (isRemoteSource(opts.source)) {
      const gitdir = join(opts.cacheDir, 'repos', sha256Hex(`${opts.source}#${opts.branch}`).slice(0, 16) + '.git');
      if (!fs.existsSync(join(gitdir, 'HEAD'))) {
        fs.mkdirSync(gitdir, { recursive: true });
        await git.init({ fs, gitdir, bare: true, defaultBranch: opts.branch });
      }
      await git.addRemote({ fs, gitdir, remote: 'origin', url: opts.source, force: true });
      return new FleetRepository(gitdir, opts.branch, opts.source, undefined, opts.auth, author);
    }
    const dir = resolve(opts.source);
    const dotGit = join(dir, '.git');
    if (fs.existsSync(join(dotGit, 'HEAD'))) return new FleetRepository(dotGit, opts.branch, undefined, dir, undefined, author);
    if (fs.existsSync(join(dir, 'HEAD')) && fs.existsSync(join(dir, 'objects'))) {
      return new FleetRepository(dir, opts.branch, undefined, undefined, undefined, author);
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

  /** Fetch without taking the write lock: for callers that already hold it. */
  private async fetchTip(): Promise<string> {
    const url = this.remoteUrl ?? '';
    try {
      // A quiet tick asks the server for one ref (a single request) and fetches only when it moved.
      const known = await git.resolveRef({ fs, gitdir: this.gitdir, ref: `refs/remotes/origin/${this.branch}` }).catch(() => undefined);
      if (known) {
        const refs = await git.listServerRefs({
          http,
          url,
          prefix: `refs/heads/${this.branch}`,
          onAuth: () => this.credentials(),
          onAuthFailure: () => ({ cancel: true }),
        });
        if (refs.find((r) => r.ref === `refs/heads/${this.branch}`)?.oid === known) return known;
      }
      await git.fetch({
        fs,
        http,
        gitdir: this.gitdir,
        remote: 'origin',
        ref: this.branch,
        singleBranch: true,
        tags: false,
        onAuth: () => this.credentials(),
        onAuthFailure: () => ({ cancel: true }),
        cache: this.cache,
      });
      return await git.resolveRef({ fs, gitdir: this.gitdir, ref: `refs/remotes/origin/${this.branch}` });
    } catch (err) {
      throw new SourceError('E_FETCH', `fetch ${redact(url)} ${this.branch}: ${(err as Error).message}`, { url: redact(url) }, { cause: err });
    }
  }

  private async localTip(): Promise<string> {
    try {
      return await git.resolveRef({ fs, gitdir: this.gitdir, ref: `refs/heads/${this.branch}` });
    } catch (err) {
      throw new SourceError('E_NO_BRANCH', `branch '${this.branch}' not found in ${this.gitdir}: ${(err as Error).message}`, { branch: this.branch }, { cause: err });
    }
  }

  async resolve(ref: string): Promise<string> {
    try {
      return await git.resolveRef({ fs, gitdir: this.gitdir, ref });
    } catch {
      try {
        return await git.expandOid({ fs, gitdir: this.gitdir, oid: ref, cache: this.cache });
      } catch (err) {
        throw new SourceError('E_BAD_REF', `cannot resolve '${ref}' in ${this.gitdir}`, { ref }, { cause: err });
      }
    }
  }

  /** Every fleet file at a commit; unchanged subtrees and blobs come from memory, so a quiet tick is cheap. */
  async readFleet(commit: string): Promise<FleetSnapshot> {
    if (this.lastSnapshot?.commit === commit) return this.lastSnapshot;
    const root = await this.rootTree(commit);
    const files: FleetFile[] = [];
    const fingerprintParts: string[] = [];
    for (const entry of root) {
      if ((DESIRED_ROOTS as readonly string[]).includes(entry.path)) fingerprintParts.push(`${entry.path}:${entry.oid}`);
      if (entry.type === 'blob' && isFleetPath(entry.path) && entry.mode !== '120000') {
        files.push({ path: entry.path, content: await this.blob(entry.oid) });
      } else if (entry.type === 'tree' && isFleetPath(`${entry.path}/x.yaml`)) {
        files.push(...(await this.subtreeFiles(entry.oid, entry.path)));
      }
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.lastSnapshot = { commit, files, desiredFingerprint: sha256Hex(fingerprintParts.sort().join('\n')) };
    return this.lastSnapshot;
  }

  async desiredFingerprint(commit: string): Promise<string> {
    const root = await this.rootTree(commit);
    const parts = root.filter((e) => (DESIRED_ROOTS as readonly string[]).includes(e.path)).map((e) => `${e.path}:${e.oid}`);
    return sha256Hex(parts.sort().join('\n'));
  }

  private async rootTree(commit: string) {
    const { commit: c } = await git.readCommit({ fs, gitdir: this.gitdir, oid: commit, cache: this.cache });
    return (await git.readTree({ fs, gitdir: this.gitdir, oid: c.tree, cache: this.cache })).tree;
  }

  private async subtreeFiles(treeOid: string, prefix: string): Promise<FleetFile[]> {
    const key = `${treeOid}:${prefix}`;
    const hit = this.treeCache.get(key);
    if (hit) return hit;
    const out: FleetFile[] = [];
    const { tree } = await git.readTree({ fs, gitdir: this.gitdir, oid: treeOid, cache: this.cache });
    for (const e of tree) {
      const path = `${prefix}/${e.path}`;
      // Symbolic links (120000) and submodules (commit entries) are never followed.
      if (e.type === 'tree') out.push(...(await this.subtreeFiles(e.oid, path)));
      else if (e.type === 'blob' && e.mode !== '120000' && isFleetPath(path)) out.push({ path, content: await this.blob(e.oid) });
    }
    this.treeCache.set(key, out);
    return out;
  }

  private async blob(oid: string): Promise<Uint8Array> {
    const hit = this.blobCache.get(oid);
    if (hit) return hit;
    const { blob } = await git.readBlob({ fs, gitdir: this.gitdir, oid, cache: this.cache });
    this.blobCache.set(oid, blob);
    return blob;
  }

  /**
   * Writes `writes` (paths under status/; null deletes) as one commit on top of `base` and publishes it.
   * If the branch moved meanwhile: when its desired state is what we computed from, the same writes are
   * rebuilt on the new tip (our files are ours alone, so this is a conflict-free merge) and published
   * again; otherwise the outcome is `superseded` and the caller recomputes from the new tip, so that
   * every status commit is a pure function of its own desired state.
   */
  async commitStatus(base: string, writes: StatusWrite[], message: string, maxAttempts = 5): Promise<CommitOutcome> {
    return this.withWriteLock(async () => {
      const fingerprint = await this.desiredFingerprint(base);
      let parent = base;
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const { commit: parentCommit } = await git.readCommit({ fs, gitdir: this.gitdir, oid: parent, cache: this.cache });
        const tree = await this.updateTree(parentCommit.tree, writes);
        if (tree === parentCommit.tree) return { kind: 'unchanged' } as const;
        const now = { timestamp: Math.floor(Date.now() / 1000), timezoneOffset: 0 };
        const oid = await git.writeCommit({
          fs,
          gitdir: this.gitdir,
          commit: {
            tree,
            parent: [parent],
            author: { ...this.author, ...now },
            committer: { ...this.author, ...now },
            message: message.endsWith('\n') ? message : `${message}\n`,
          },
        });
        const published = await this.publish(parent, oid, writes);
        if (published === 'ok') return { kind: 'committed', commit: oid, attempts: attempt } as const;
        const tip = published.tip;
        if ((await this.desiredFingerprint(tip)) !== fingerprint) return { kind: 'superseded', tip } as const;
        parent = tip;
        // Jittered back-off so two writers do not collide again in lock-step.
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 200 * attempt));
      }
      throw new SourceError('E_PUSH_RETRIES', `could not publish the status commit after ${maxAttempts} attempts: the branch keeps moving`, {});
    });
  }

  private async publish(parent: string, oid: string, writes: StatusWrite[]): Promise<'ok' | { tip: string }> {
    const ref = `refs/heads/${this.branch}`;
    if (this.remoteUrl) {
      await git.writeRef({ fs, gitdir: this.gitdir, ref, value: oid, force: true });
      try {
        const res = await git.push({
          fs,
          http,
          gitdir: this.gitdir,
          remote: 'origin',
          ref: this.branch,
          remoteRef: this.branch,
          onAuth: () => this.credentials(),
          onAuthFailure: () => ({ cancel: true }),
          cache: this.cache,
        });
        if (res.ok) {
          await git.writeRef({ fs, gitdir: this.gitdir, ref: `refs/remotes/origin/${this.branch}`, value: oid, force: true });
          return 'ok';
        }
        throw new SourceError('E_PUSH', `push rejected: ${JSON.stringify(res.refs)}`, {});
      } catch (err) {
        if (err instanceof Errors.PushRejectedError) {
          // Someone pushed first and our client noticed: fetch and let the caller decide.
          return { tip: await this.fetchTip() };
        }
        if (err instanceof Errors.GitPushError) {
          // The server refused the ref update. If the branch moved under us, that was a race like the one above;
          // otherwise it is a real refusal (a hook, permissions) and must surface.
          const tip = await this.fetchTip();
          if (tip !== parent) return { tip };
        }
        throw err instanceof SourceError ? err : new SourceError('E_PUSH', `push to ${redact(this.remoteUrl)}: ${(err as Error).message}`, {}, { cause: err });
      }
    }
    // Local repository: move the branch only if nobody committed since we read it.
    const current = await git.resolveRef({ fs, gitdir: this.gitdir, ref });
    if (current !== parent) return { tip: current };
    await git.writeRef({ fs, gitdir: this.gitdir, ref, value: oid, force: true });
    await this.refreshCheckedOutStatus(writes);
    return 'ok';
  }

  /**
   * In a local repository with the branch checked out, moving the ref alone would leave `git status` showing
   * our status files as changed: write the same files to the working tree and the index (only status/ paths).
   */
  private async refreshCheckedOutStatus(writes: StatusWrite[]): Promise<void> {
    const dir = this.worktree;
    if (!dir) return;
    const checkedOut = await git.currentBranch({ fs, gitdir: this.gitdir, fullname: false }).catch(() => undefined);
    if (checkedOut !== this.branch) return;
    for (const w of writes) {
      const file = join(dir, w.path);
      if (w.content === null) {
        fs.rmSync(file, { force: true });
        await git.remove({ fs, dir, gitdir: this.gitdir, filepath: w.path, cache: this.cache });
      } else {
        fs.mkdirSync(dirname(file), { recursive: true });
        fs.writeFileSync(file, w.content);
        await git.add({ fs, dir, gitdir: this.gitdir, filepath: w.path, cache: this.cache });
      }
    }
  }

  /** A new tree: `base` with `writes` applied (paths `/`-separated; null removes; empty trees disappear). */
  private async updateTree(base: string | undefined, writes: StatusWrite[]): Promise<string> {
    const entries = base ? (await git.readTree({ fs, gitdir: this.gitdir, oid: base, cache: this.cache })).tree : [];
    const byName = new Map(entries.map((e) => [e.path, e]));
    const groups = new Map<string, StatusWrite[]>();
    for (const w of writes) {
      const slash = w.path.indexOf('/');
      if (slash < 0) {
        if (w.content === null) byName.delete(w.path);
        else {
          const oid = await git.writeBlob({ fs, gitdir: this.gitdir, blob: w.content });
          byName.set(w.path, { mode: '100644', path: w.path, oid, type: 'blob' });
        }
      } else {
        const head = w.path.slice(0, slash);
        const list = groups.get(head) ?? [];
        list.push({ path: w.path.slice(slash + 1), content: w.content });
        groups.set(head, list);
      }
    }
    for (const [name, sub] of groups) {
      const existing = byName.get(name);
      const subtree = await this.updateTree(existing?.type === 'tree' ? existing.oid : undefined, sub);
      const empty = (await git.readTree({ fs, gitdir: this.gitdir, oid: subtree, cache: this.cache })).tree.length === 0;
      if (empty) byName.delete(name);
      else byName.set(name, { mode: '040000', path: name, oid: subtree, type: 'tree' });
    }
    // Git orders tree entries by name, comparing directories as if they ended in '/'.
    const sorted = [...byName.values()].sort((a, b) => {
      const ka = a.type === 'tree' ? `${a.path}/` : a.path;
      const kb = b.type === 'tree' ? `${b.path}/` : b.path;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    return git.writeTree({ fs, gitdir: this.gitdir, tree: sorted });
  }

  /** Files under `dir/` (e.g. `status`) at a commit, as path → content. */
  async readPrefix(commit: string, dir: string): Promise<Map<string, Uint8Array>> {
    const root = await this.rootTree(commit);
    const entry = root.find((e) => e.path === dir && e.type === 'tree');
    const out = new Map<string, Uint8Array>();
    if (!entry) return out;
    for (const f of await this.subtreeFiles(entry.oid, dir)) out.set(f.path, f.content);
    return out;
  }

  async log(ref: string, depth = 20) {
    return git.log({ fs, gitdir: this.gitdir, ref, depth, cache: this.cache });
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

/** Never print credentials embedded in a URL. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
