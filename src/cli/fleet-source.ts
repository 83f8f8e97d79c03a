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

export async function readFleetFiles(opts: FleetReadOptions): Promise<FleetFile[]> {
  const dir = resolve(opts.repo);
  if (!existsSync(dir)) throw new UsageError(`--repo ${opts.repo}: no such directory`);
  if (!opts.ref) return readWorktreeFleet(dir);
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
