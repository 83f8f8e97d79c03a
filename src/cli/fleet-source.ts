/** Where CLI commands read the fleet from: the working tree (default) or a commit (`--ref`). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadFleet } from '../load/index.js';
import type { Fleet, FleetFile } from '../model/fleet.js';
import { UsageError } from '../model/errors.js';
import { readWorktreeFleet } from '../source/worktree.js';
import { cacheRoot } from '../testbed/paths.js';

export interface FleetReadOptions {
  repo: string;
  ref?: string;
}

/**
 * Why `ref` cannot name a branch, tag or commit (git check-ref-format's rules, plus: no leading `-`), or null.
 * An empty `--ref` must not quietly mean "the working tree".
 */
export function refFormatProblem(ref: string): string | null {
  if (ref === '') return 'is empty';
  if (ref.startsWith('-')) return "starts with '-'";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(ref)) return 'contains a space, a control character or one of ~ ^ : ? * [ \\';
  if (ref.includes('..') || ref.includes('@{') || ref === '@') return "contains '..' or '@{', or is '@'";
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//')) return "has an empty '/'-separated part";
  if (ref.endsWith('.') || ref.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) return "has a part starting with '.' or ending with '.lock' or '.'";
  return null;
}

/** Commander argument parser for `--ref` and `--branch`. */
export function gitRefArgument(flag: string): (value: string) => string {
  return (value) => {
    const problem = refFormatProblem(value);
    if (problem) throw new UsageError(`${flag} ${JSON.stringify(value)}: not a valid branch, tag or commit (it ${problem})`);
    return value;
  };
}

/** Commander argument parser for paths: an empty one would silently mean the current directory. */
export function pathArgument(flag: string): (value: string) => string {
  return (value) => {
    if (value === '') throw new UsageError(`${flag}: expected a path, got an empty string`);
    return value;
  };
}

export async function readFleetFiles(opts: FleetReadOptions): Promise<FleetFile[]> {
  const dir = resolve(opts.repo);
  if (!existsSync(dir)) throw new UsageError(`--repo ${opts.repo}: no such directory`);
  if (opts.ref === undefined) return readWorktreeFleet(dir);
  const { FleetRepository } = await import('../git/repo.js');
  const repo = await FleetRepository.open({ source: dir, branch: 'main', cacheDir: cacheRoot() }).catch((err: Error) => {
    throw new UsageError(`--ref needs a Git repository: ${err.message}`);
  });
  const commit = await repo.resolve(opts.ref).catch((err: Error) => {
    throw new UsageError(err.message);
  });
  return (await repo.readFleet(commit)).files;
}

export async function readFleet(opts: FleetReadOptions): Promise<Fleet> {
  const files = await readFleetFiles(opts);
  // The inventory is the controller's bookkeeping, not part of the fleet model.
  return loadFleet(files.filter((f) => !f.path.startsWith('status/inventory/')));
}
