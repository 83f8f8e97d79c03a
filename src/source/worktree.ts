/**
 * Reads a fleet from a directory on disk (the working tree), for commands that do not need Git history.
 * Symbolic links are not followed: a link could point outside the repository.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FleetFile } from '../model/fleet.js';
import { SourceError } from '../model/errors.js';
import { FLEET_DIRS, isFleetPath } from './paths.js';

export async function readWorktreeFleet(root: string): Promise<FleetFile[]> {
  let rootStat;
  try {
    rootStat = await lstat(root);
  } catch (err) {
    throw new SourceError('E_REPO_UNREADABLE', `cannot read fleet repository ${root}: ${(err as Error).message}`, { root });
  }
  if (!rootStat.isDirectory()) throw new SourceError('E_REPO_UNREADABLE', `${root} is not a directory`, { root });
  const files: FleetFile[] = [];
  for (const name of ['fleet.yaml', 'fleet.yml']) {
    const st = await lstat(join(root, name)).catch(() => undefined);
    if (st?.isFile()) files.push({ path: name, content: await readFile(join(root, name)) });
  }
  for (const dir of FLEET_DIRS) await walk(root, dir, files);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files;
}

async function walk(root: string, rel: string, out: FleetFile[]): Promise<void> {
  const abs = join(root, rel);
  const st = await lstat(abs).catch(() => undefined);
  if (!st || !st.isDirectory()) return;
  for (const entry of await readdir(abs, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const childRel = `${rel}/${entry.name}`;
    if (entry.isDirectory()) await walk(root, childRel, out);
    else if (entry.isFile() && isFleetPath(childRel)) out.push({ path: childRel, content: await readFile(join(root, childRel)) });
  }
}
