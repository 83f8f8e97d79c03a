/**
 * `flotilla rollback`: one new commit that restores the desired state of an earlier commit (`--to`) or undoes one
 * commit's desired-state changes (`--revert`). Rolling back is an ordinary commit, so the controller simply
 * reconciles it and history keeps both the mistake and its undoing. `status/` is observation, never rolled back.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from '@commander-js/extra-typings';
import type { CommitInfo, FleetRepository, Identity } from '../git/repo.js';
import {
  applyChanges,
  changeKind,
  fileDirectoryClashes,
  isDesiredPath,
  revertChanges,
  rollbackChanges,
  type FlatTree,
  type TreeChange,
} from '../git/tree-changes.js';
import { SourceError, UsageError } from '../model/errors.js';
import type { FleetFile } from '../model/fleet.js';
import { formatPlanText, planFleetChange } from '../plan/index.js';
import { isFleetPath, isRemoteSource } from '../source/paths.js';
import { unsafeRepositoryPathReason } from '../util/safe-path.js';
import { cacheRoot } from '../util/cache-dir.js';
import { branchArgument, pathArgument, revisionArgument } from './fleet-source.js';
import { setExitCode } from './exit-code.js';
import { gitAuthFromEnv } from './run.js';
import { controllerPruneRefusal } from './plan.js';

export interface RollbackFlags {
  to?: string;
  revert?: string;
  path: string[];
  push?: boolean;
  dryRun?: boolean;
  repo: string;
  branch?: string;
  message?: string;
}

/** What one attempt decided on one tip of the branch. */
type Decision =
  | { kind: 'conflict'; files: string[] }
  | { kind: 'nothing'; why: string }
  | { kind: 'change'; tipTree: FlatTree; changes: TreeChange[]; message: string };

export const EXIT_CONFLICT = 1;

/** `--path`, repeatable: a file or a directory of desired state, `/`-separated, relative to the repository. */
export function collectPath(value: string, previous: string[]): string[] {
  const path = value.replace(/\/+$/, '');
  if (unsafeRepositoryPathReason(path) !== null) throw new UsageError(`--path ${JSON.stringify(value)}: expected a path inside the repository such as policies/ or workloads/web.yaml`);
  if (!isDesiredPath(path)) throw new UsageError(`--path ${value}: status/ is what the controller observed and is never rolled back`);
  return [...previous, path];
}

export function registerRollbackCommand(program: Command): void {
  program
    .command('rollback')
    .description('commit the desired state of an earlier revision (--to) or undo one commit (--revert); status/ is kept')
    .option('--to <rev>', 'make the desired state equal this revision\'s', revisionArgument('--to'))
    .option('--revert <commit>', 'undo the desired-state changes of this commit', revisionArgument('--revert'))
    .addOption(new Option('--path <path>', 'only this file or directory (repeatable)').argParser(collectPath).default([] as string[], 'all desired state'))
    .option('--push', 'publish the commit to the remote --repo URL')
    .option('--dry-run', 'print what would change and write nothing')
    .option('--repo <url|dir>', 'fleet repository: a local repository or an http(s) URL (with --push)', pathArgument('--repo'), '.')
    .option('--branch <name>', 'branch to commit to (default: the checked-out branch of a local --repo, main for a URL)', branchArgument('--branch'))
    .option('-m, --message <text>', 'commit message (a Flotilla-Rollback-To/Flotilla-Revert trailer is added)')
    .action(async (opts, cmd) => {
      const code = await rollback(opts);
      if (code) setExitCode(cmd, code);
    });
}

export async function rollback(flags: RollbackFlags, print: (line: string) => void = console.log): Promise<number> {
  const rev = checkFlags(flags);
  const repo = await openRepository(flags);
  const author = flags.dryRun ? undefined : await commitIdentity(repo);
  let tip = await repo.sync();
  const target = await repo.resolve(rev);
  for (let attempt = 1; attempt <= 2; attempt++) {
    const decision = flags.to !== undefined ? await decideRollback(repo, target, tip, flags) : await decideRevert(repo, target, tip, flags);
    if (decision.kind === 'conflict') {
      for (const f of decision.files) console.error(`conflict: ${f}`);
      console.error(`flotilla: cannot revert ${target.slice(0, 7)}: ${decision.files.length} file(s) changed differently on ${repo.branch} since; nothing was written`);
      return EXIT_CONFLICT;
    }
    if (decision.kind === 'nothing') {
      print(`nothing to do: ${decision.why}`);
      return 0;
    }
    print(`${flags.dryRun ? 'would change' : 'changing'} ${repo.branch} at ${tip.slice(0, 7)}:`);
    for (const line of await changeSummary(repo, tip, decision.tipTree, decision.changes)) print(`  ${line}`);
    if (!author) return 0;
    const dirty = await repo.uncommittedChanges(decision.changes.map((c) => c.path));
    if (dirty.length > 0) {
      console.error(`flotilla: ${repo.branch} is checked out with uncommitted changes to ${dirty.join(', ')}: commit or stash them first; nothing was written`);
      return EXIT_CONFLICT;
    }
    const outcome = await repo.commitChanges(tip, decision.changes, decision.message, author.author, author.committer);
    if (outcome.kind === 'committed') {
      print(`${repo.isRemote ? 'pushed' : 'committed'} ${outcome.commit.slice(0, 7)} on ${repo.branch}`);
      return 0;
    }
    print(`${repo.branch} moved to ${outcome.tip.slice(0, 7)} meanwhile: deciding again from there`);
    tip = outcome.tip;
  }
  throw new SourceError('E_PUSH_RETRIES', `${repo.branch} moved again while the rollback was being written; nothing was written: run the command again`, {});
}

/** The revision named by --to or --revert, once the flags make sense together. */
function checkFlags(flags: RollbackFlags): string {
  const rev = flags.to ?? flags.revert;
  if (rev === undefined || (flags.to !== undefined && flags.revert !== undefined)) throw new UsageError('give exactly one of --to REV and --revert COMMIT');
  const remote = isRemoteSource(flags.repo);
  if (remote && !flags.push && !flags.dryRun) throw new UsageError(`--repo ${flags.repo}: a remote repository is changed only with --push (or see the change with --dry-run)`);
  if (!remote && flags.push) throw new UsageError('--push needs --repo URL; for a local clone, run git push after the rollback');
  if (!remote && !existsSync(resolve(flags.repo))) throw new UsageError(`--repo ${flags.repo}: no such directory`);
  return rev;
}

async function openRepository(flags: RollbackFlags): Promise<FleetRepository> {
  const { FleetRepository } = await import('../git/repo.js');
  const remote = isRemoteSource(flags.repo);
  return FleetRepository.open({
    source: remote ? flags.repo : resolve(flags.repo),
    branch: flags.branch ?? (remote ? 'main' : undefined),
    cacheDir: cacheRoot(),
    auth: remote ? gitAuthFromEnv() : undefined,
  });
}

/** As git does: the environment first, then the repository's own `user.name`/`user.email`. */
async function commitIdentity(repo: FleetRepository): Promise<{ author: Identity; committer: Identity }> {
  const env = process.env;
  const configured = await repo.configuredIdentity();
  const name = env.GIT_AUTHOR_NAME || configured?.name;
  const email = env.GIT_AUTHOR_EMAIL || configured?.email;
  if (!name || !email) {
    throw new UsageError('who is rolling back? set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, or user.name and user.email in the repository (git config user.name …)');
  }
  const author = { name, email };
  return { author, committer: { name: env.GIT_COMMITTER_NAME || name, email: env.GIT_COMMITTER_EMAIL || email } };
}

async function decideRollback(repo: FleetRepository, target: string, tip: string, flags: RollbackFlags): Promise<Decision> {
  const [targetTree, tipTree, info] = await Promise.all([repo.flatTree(target), repo.flatTree(tip), repo.commitInfo(target)]);
  requirePathsExist(flags.path, [targetTree, tipTree], `${target.slice(0, 7)} or ${repo.branch}`);
  const changes = rollbackChanges(targetTree, tipTree, flags.path);
  if (changes.length === 0) return { kind: 'nothing', why: `the desired state${scopeText(flags.path)} already equals ${describe(info)}` };
  const subject = `Roll back desired state${scopeText(flags.path)} to ${describe(info)}`;
  return { kind: 'change', tipTree, changes, message: commitMessage(flags.message ?? subject, `Flotilla-Rollback-To: ${target}`) };
}

async function decideRevert(repo: FleetRepository, target: string, tip: string, flags: RollbackFlags): Promise<Decision> {
  const info = await repo.commitInfo(target);
  if (info.parents.length > 1) throw new UsageError(`--revert ${flags.revert}: ${target.slice(0, 7)} is a merge commit; roll back with --to its first parent instead`);
  const parent = info.parents[0];
  const [commitTree, parentTree, tipTree] = await Promise.all([repo.flatTree(target), parent ? repo.flatTree(parent) : new Map(), repo.flatTree(tip)]);
  requirePathsExist(flags.path, [commitTree, parentTree, tipTree], `${target.slice(0, 7)}, its parent or ${repo.branch}`);
  const plan = revertChanges(commitTree, parentTree, tipTree, flags.path);
  const conflicts = [...plan.conflicts, ...fileDirectoryClashes(applyChanges(tipTree, plan.changes))];
  if (conflicts.length > 0) return { kind: 'conflict', files: [...new Set(conflicts)].sort() };
  if (plan.changes.length === 0) return { kind: 'nothing', why: `${describe(info)} changes no desired state${scopeText(flags.path)} that ${repo.branch} still has` };
  const body = `Revert "${info.subject}"\n\nThis reverts the desired state${scopeText(flags.path)} of commit ${target}.`;
  return { kind: 'change', tipTree, changes: plan.changes, message: commitMessage(flags.message ?? body, `Flotilla-Revert: ${target}`) };
}

/** A `--path` that names nothing is a typo, not a request to change nothing. */
function requirePathsExist(paths: readonly string[], trees: FlatTree[], where: string): void {
  for (const p of paths) {
    const found = trees.some((t) => [...t.keys()].some((k) => k === p || k.startsWith(`${p}/`)));
    if (!found) throw new UsageError(`--path ${p}: no such file or directory at ${where}`);
  }
}

function scopeText(paths: readonly string[]): string {
  return paths.length ? ` of ${paths.join(', ')}` : '';
}

function describe(info: CommitInfo): string {
  return `${info.commit.slice(0, 7)} (${info.subject})`;
}

function commitMessage(text: string, trailer: string): string {
  const body = text.trimEnd();
  return body.includes(trailer) ? `${body}\n` : `${body}\n\n${trailer}\n`;
}

/** The files the commit changes, then the plan of the change (placements and objects per cluster), as `plan` shows it. */
async function changeSummary(repo: FleetRepository, tip: string, tipTree: FlatTree, changes: TreeChange[]): Promise<string[]> {
  const marks = { added: 'A', modified: 'M', deleted: 'D' } as const;
  const lines = changes.map((c) => `${marks[changeKind(tipTree, c)]} ${c.path}`);
  const { snapshotFiles } = await import('../git/repo.js');
  const before = snapshotFiles(await repo.readFleet(tip));
  const after = await fleetFilesAfter(repo, before, changes);
  const plan = planFleetChange({ revision: tip, files: before }, { revision: 'ROLLBACK', files: after }, { pruneRefusal: controllerPruneRefusal });
  lines.push('', ...formatPlanText(plan).trimEnd().split('\n'));
  return lines;
}

async function fleetFilesAfter(repo: FleetRepository, before: FleetFile[], changes: TreeChange[]): Promise<FleetFile[]> {
  const files = new Map(before.map((f) => [f.path, f]));
  for (const c of changes) {
    if (!isFleetPath(c.path)) continue;
    if (!c.entry) files.delete(c.path);
    else if (c.entry.mode === '120000') files.set(c.path, { path: c.path, content: new Uint8Array(0), symlink: true });
    else files.set(c.path, { path: c.path, content: await repo.readBlob(c.entry.oid) });
  }
  return [...files.values()];
}
