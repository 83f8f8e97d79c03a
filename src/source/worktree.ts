/**
 * Reads a fleet from a directory on disk (the working tree), for commands that do not need Git history.
 * Symbolic links are never followed (a link could point outside the repository); each one found where fleet
 * files live is handed on as a `symlink` entry, so that the loader can say it was ignored.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { FleetFile } from '../model/fleet.js';
import { SourceError } from '../model/errors.js';
import { FLEET_DIRS, isFleetPath } from './paths.js';

const SETTINGS_FILES = ['fleet.yaml', 'fleet.yml'];
/**
 * What makes a directory a fleet repository: any one of these at its root. A directory of scripts alone counts,
 * so `flotilla health --repo DIR` works on a `health/` tree laid out as Argo CD's resource_customizations.
 */
const FLEET_MARKERS = [...SETTINGS_FILES, 'clusters', 'policies', 'workloads', 'interpreters', 'health'];

export function notAFleetMessage(root: string): string {
  return `${root} is not a fleet repository: no fleet.yaml, clusters/, policies/, workloads/, interpreters/ or health/`;
}

const symlinkAt = (path: string): FleetFile => ({ path, content: new Uint8Array(0), symlink: true });

export async function readWorktreeFleet(root: string): Promise<FleetFile[]> {
  let rootStat;
  try {
    rootStat = await lstat(root);
  } catch (err) {
    throw new SourceError('E_REPO_UNREADABLE', `cannot read fleet repository ${root}: ${(err as Error).message}`, { root });
  }
  if (!rootStat.isDirectory()) throw new SourceError('E_REPO_UNREADABLE', `${root} is not a directory`, { root });
  if (!(await isFleetRepository(root))) throw new SourceError('E_NOT_A_FLEET', notAFleetMessage(root), { root });
  const files: FleetFile[] = [];
  for (const name of SETTINGS_FILES) {
    const st = await lstat(join(root, name)).catch(() => undefined);
    if (st?.isSymbolicLink()) files.push(symlinkAt(name));
    else if (st?.isFile()) files.push({ path: name, content: await readFile(join(root, name)) });
  }
  for (const dir of FLEET_DIRS) await walk(root, dir, files);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files;
}

/** A directory with none of the markers is almost surely the wrong `--repo`. */
export async function isFleetRepository(root: string): Promise<boolean> {
  for (const name of FLEET_MARKERS) {
    if (await lstat(join(root, name)).catch(() => undefined)) return true;
  }
  return false;
}

/** Files read at once: a fleet is hundreds of small files, and one read after another leaves the disk idle. */
const READ_CONCURRENCY = 16;

async function walk(root: string, rel: string, out: FleetFile[]): Promise<void> {
  const files: string[] = [];
  await collect(root, rel, out, files);
  const limit = pLimit(READ_CONCURRENCY);
  out.push(...(await Promise.all(files.map((path) => limit(async () => ({ path, content: await readFile(join(root, path)) }))))));
}

async function collect(root: string, rel: string, out: FleetFile[], files: string[]): Promise<void> {
  const abs = join(root, rel);
  const st = await lstat(abs).catch(() => undefined);
  if (st?.isSymbolicLink()) out.push(symlinkAt(rel));
  if (!st || !st.isDirectory()) return;
  for (const entry of await readdir(abs, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const childRel = `${rel}/${entry.name}`;
    if (entry.isSymbolicLink()) out.push(symlinkAt(childRel));
    else if (entry.isDirectory()) await collect(root, childRel, out, files);
    else if (entry.isFile() && isFleetPath(childRel)) files.push(childRel);
  }
}
