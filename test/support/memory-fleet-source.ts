/**
 * An in-memory fleet repository for unit tests of the controller: a linear history of file maps with the same
 * commit semantics as FleetRepository (status commits on top of the tip; `superseded` when a human moved the
 * desired state meanwhile). Real Git is exercised by the integration and e2e tests.
 */
import { createHash } from 'node:crypto';
import type { FleetSource } from '../../src/controller/reconcile.js';
import type { CommitOutcome, FleetSnapshot, StatusWrite, StatusWritesAt } from '../../src/git/repo.js';
import { observedTrailer } from '../../src/model/trailers.js';

interface Commit {
  id: string;
  parent?: string;
  message: string;
  files: Map<string, Uint8Array>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export class MemoryFleetSource implements FleetSource {
  readonly commits: Commit[] = [];
  /** Makes the next commitStatus throw, as an unreachable Git server does. */
  failNextCommit?: Error;
  /** Runs just before a status commit is published: a chance to play a concurrent human push. */
  beforePublish?: () => void;

  constructor(files: Record<string, string>) {
    this.push('initial', new Map(Object.entries(files).map(([p, t]) => [p, enc.encode(t)])));
  }

  get tip(): Commit {
    return this.commits[this.commits.length - 1]!;
  }

  /** A human commit: files to write, null to delete. */
  humanCommit(message: string, change: Record<string, string | null>): string {
    const files = new Map(this.tip.files);
    for (const [p, t] of Object.entries(change)) {
      if (t === null) files.delete(p);
      else files.set(p, enc.encode(t));
    }
    return this.push(message, files);
  }

  read(path: string, commit = this.tip): string | undefined {
    const f = commit.files.get(path);
    return f ? dec.decode(f) : undefined;
  }

  async desiredCommitOf(commit: string): Promise<string> {
    return observedTrailer(this.byId(commit).message) ?? commit;
  }

  async sync(): Promise<string> {
    return this.tip.id;
  }

  async readFleet(commit: string): Promise<FleetSnapshot> {
    const c = this.byId(commit);
    return { commit, files: [...c.files].map(([path, content]) => ({ path, content })), symlinks: [], desiredFingerprint: fingerprint(c) };
  }

  async commitStatus(base: string, writesAt: StatusWrite[] | StatusWritesAt, message: string): Promise<CommitOutcome> {
    if (this.failNextCommit) {
      const err = this.failNextCommit;
      this.failNextCommit = undefined;
      throw err;
    }
    this.beforePublish?.();
    this.beforePublish = undefined;
    const desired = fingerprint(this.byId(base));
    let parent = this.byId(base);
    let writes: StatusWrite[];
    // A writer computing against its parent yields; another may commit meanwhile, as on a real server.
    for (;;) {
      if (parent !== this.tip) {
        if (fingerprint(this.tip) !== desired) return { kind: 'superseded', tip: this.tip.id };
        parent = this.tip;
      }
      writes = typeof writesAt === 'function' ? await writesAt(parent.id) : writesAt;
      if (parent === this.tip) break;
    }
    const files = new Map(parent.files);
    for (const w of writes) {
      if (w.content === null) files.delete(w.path);
      else files.set(w.path, w.content);
    }
    if (sameFiles(files, parent.files)) return { kind: 'unchanged' };
    return { kind: 'committed', commit: this.push(message, files), attempts: 1 };
  }

  private push(message: string, files: Map<string, Uint8Array>): string {
    const id = createHash('sha1').update(`${this.commits.length}\n${message}`).digest('hex');
    this.commits.push({ id, parent: this.commits.length > 0 ? this.tip.id : undefined, message, files });
    return id;
  }

  private byId(id: string): Commit {
    const c = this.commits.find((x) => x.id === id);
    if (!c) throw new Error(`no commit ${id}`);
    return c;
  }
}

function fingerprint(c: Commit): string {
  const h = createHash('sha256');
  for (const [p, content] of [...c.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (p.startsWith('status/')) continue;
    h.update(p).update('\0').update(content).update('\0');
  }
  return h.digest('hex');
}

function sameFiles(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): boolean {
  if (a.size !== b.size) return false;
  for (const [p, x] of a) {
    const y = b.get(p);
    if (!y || dec.decode(x) !== dec.decode(y)) return false;
  }
  return true;
}
