/** The first-parent history of a commit, with the fleet files each commit changed (for `flotilla history`). */
import { classify, type CommitRecord } from '../audit/history.js';
import type { CommitInfo, FleetRepository } from './repo.js';

export interface WalkOptions {
  /** Stop before the first commit whose committer date is older (seconds since the epoch), as `git log --since`. */
  since?: number;
  /** Author name of status commits. */
  botName: string;
  /** Most status commits read past `since` to find what the oldest ones observed. */
  lookBehind?: number;
}

export interface Walk {
  commits: CommitRecord[];
  /** Status commits past `since` and the desired-state commit before them (see HistoryInput.older). */
  older: CommitRecord[];
}

/** Tree diffs of this many commits run at once: each object read waits on the file system, not the CPU. */
const DIFF_CONCURRENCY = 8;

export async function walkFirstParent(repo: FleetRepository, tip: string, opts: WalkOptions): Promise<Walk> {
  const chain = await firstParentChain(repo, tip, opts.since);
  const commits = await diffAll(repo, chain.inRange);
  const older: CommitRecord[] = [];
  // Past --since, only as far as the desired-state commit the oldest status commits observed.
  let next = chain.boundary;
  while (next && older.length < (opts.lookBehind ?? 100)) {
    const parent = next.parents[0] === undefined ? undefined : await repo.commitInfo(next.parents[0]);
    const [record] = await diffAll(repo, [{ info: next, parentTree: parent?.tree }]);
    older.push(record!);
    if (classify(record!, opts.botName) === 'desired') break;
    next = parent;
  }
  return { commits, older };
}

interface ChainLink {
  info: CommitInfo;
  parentTree: string | undefined;
}

/** Commits from `tip` back to the first one committed before `since` (the boundary, not included). */
async function firstParentChain(repo: FleetRepository, tip: string, since: number | undefined): Promise<{ inRange: ChainLink[]; boundary?: CommitInfo }> {
  const inRange: ChainLink[] = [];
  let info: CommitInfo | undefined = await repo.commitInfo(tip);
  while (info) {
    if (since !== undefined && info.committedAt < since) return { inRange, boundary: info };
    const parent: CommitInfo | undefined = info.parents[0] === undefined ? undefined : await repo.commitInfo(info.parents[0]);
    inRange.push({ info, parentTree: parent?.tree });
    info = parent;
  }
  return { inRange };
}

async function diffAll(repo: FleetRepository, links: ChainLink[]): Promise<CommitRecord[]> {
  const out: CommitRecord[] = new Array<CommitRecord>(links.length);
  let cursor = 0;
  const worker = async () => {
    while (cursor < links.length) {
      const i = cursor++;
      const { info, parentTree } = links[i]!;
      out[i] = { commit: info.commit, author: info.author, message: info.message, changes: await repo.changedFleetFiles(parentTree, info.tree) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(DIFF_CONCURRENCY, links.length) }, worker));
  return out;
}
