/** Where CLI commands read the fleet from: the working tree (default) or a commit (`--ref`). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fleetPathRole, loadFleet } from '../load/index.js';
import type { Fleet, FleetFile } from '../model/fleet.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import { SourceError, UsageError } from '../model/errors.js';
import { parseRevision, refFormatProblem } from '../git/revision-syntax.js';
import { notAFleetMessage, readWorktreeFleet } from '../source/worktree.js';
import { cacheRoot } from '../util/cache-dir.js';

export interface FleetReadOptions {
  repo: string;
  ref?: string;
}

/** Commander argument parser for `--ref`: any revision people type (`main`, `v2`, `abc1234`, `HEAD~1`, `main^2`). */
export function revisionArgument(flag: string): (value: string) => string {
  return (value) => {
    try {
      parseRevision(value);
    } catch (err) {
      // The message quotes the value and says what is wrong with it; `flag` names it in the help.
      throw new UsageError((err as Error).message, { flag });
    }
    return value;
  };
}

/** Commander argument parser for `--branch`: a name `git check-ref-format` accepts (no leading '-'). */
export function branchArgument(flag: string): (value: string) => string {
  return (value) => {
    const problem = value.startsWith('-') ? "starts with '-'" : refFormatProblem(value);
    if (problem) throw new UsageError(`${flag} ${JSON.stringify(value)}: not a valid branch name (${problem})`);
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
  const { FleetRepository, snapshotFiles } = await import('../git/repo.js');
  const repo = await FleetRepository.open({ source: dir, branch: 'main', cacheDir: cacheRoot() }).catch((err: Error) => {
    throw new UsageError(`--ref needs a Git repository: ${err.message}`);
  });
  // The revision is read as typed, so an error (no such commit, a damaged object) names what the user wrote.
  const files = snapshotFiles(await repo.readFleet(opts.ref));
  // Git keeps no empty directories: a commit without any fleet file is not a fleet (the wrong --repo or --ref).
  if (!files.some((f) => fleetPathRole(f.path) !== null)) throw new SourceError('E_NOT_A_FLEET', notAFleetMessage(`${opts.repo} at ${JSON.stringify(opts.ref)}`), { ref: opts.ref });
  return files;
}

export async function readFleet(opts: FleetReadOptions): Promise<Fleet> {
  const files = await readFleetFiles(opts);
  // The Lua runtime is loaded only for a fleet that has scripts.
  const scripted = files.some((f) => isScriptPath(f.path));
  const checkScripts = scripted ? (await import('../interpret/fleet-interpreter.js')).luaScriptChecker() : undefined;
  // The inventory is the controller's bookkeeping, not part of the fleet model.
  return loadFleet(
    files.filter((f) => !f.path.startsWith('status/inventory/')),
    checkScripts ? { checkScripts } : {},
  );
}

function isScriptPath(path: string): boolean {
  const role = fleetPathRole(path)?.role;
  return role === 'interpreter' || role === 'health-script';
}

/** Runs the fleet's interpreter and health scripts; undefined for a fleet without any. */
export async function fleetScripts(fleet: Fleet): Promise<ResourceInterpreter | undefined> {
  const scripts = fleet.interpreters;
  if (!scripts || (scripts.kinds.size === 0 && scripts.health.length === 0)) return undefined;
  return (await import('../interpret/fleet-interpreter.js')).fleetInterpreter(fleet);
}
