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

export async function walkFirstParent(repo: FleetRepository, tip: string, opts: WalkOptions): Promise<Walk> {
  const commits: CommitRecord[] = [];
  const older: CommitRecord[] = [];
  const lookBehind = opts.lookBehind ?? 100;
  let oid: string | undefined = tip;
  let next = oid === undefined ? undefined : await repo.commitInfo(oid);
  while (oid !== undefined && next !== undefined) {
    const info: CommitInfo = next;
    const parent: string | undefined = info.parents[0];
    next = parent === undefined ? undefined : await repo.commitInfo(parent);
    const parentTree = next?.tree;
    const record: CommitRecord = { commit: oid, author: info.author, message: info.message, changes: await repo.changedFleetFiles(parentTree, info.tree) };
    if (opts.since !== undefined && info.committedAt < opts.since) {
      older.push(record);
      if (classify(record, opts.botName) === 'desired' || older.length >= lookBehind) break;
    } else commits.push(record);
    oid = parent;
  }
  return { commits, older };
}
