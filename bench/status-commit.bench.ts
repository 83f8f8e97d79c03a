/**
 * A status commit at fleet scale, next to native Git measured in the same run (the machine is noisy; the ratios
 * are what to compare): a 5,000-file repository, 1,000 status files changed per commit.
 * - Flotilla on a checked-out local repository (branch moved, working tree and index refreshed);
 * - Flotilla on a local bare repository (objects and the ref only);
 * - Flotilla on a clone of a remote served by `git http-backend` (objects, then a push);
 * - native Git doing the same change from the same content: write the 1,000 files, `git add -A`,
 *   `git commit -q` (and `git push -q` against the same kind of remote); writing the files alone is measured
 *   too, so the git commands' own share can be read off.
 * Every iteration writes new content into all 1,000 files, so each one is a real 1,000-file change.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, bench, describe } from 'vitest';
import { FleetRepository, type StatusWrite } from '../src/git/repo.js';
import { startGitHttpServer } from '../test/support/git-http-server.js';
import { createBareRepo } from '../test/support/git.js';

const TOTAL_FILES = 5_000;
const STATUS_FILES = 1_000;
const CLUSTERS = 100;
const NAMESPACES = 10;
// Async on purpose: the Git server runs in this process, so a synchronous git call would deadlock it.
const gitAsync = promisify(execFile);
const env = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();

/** status/clusters/<cluster>.yaml and status/placements/<namespace>/<kind>-<name>.yaml, as the controller writes them. */
function statusPaths(): string[] {
  const paths = Array.from({ length: CLUSTERS }, (_, i) => `status/clusters/member-${String(i).padStart(3, '0')}.yaml`);
  for (let i = 0; paths.length < STATUS_FILES; i++) paths.push(`status/placements/ns-${i % NAMESPACES}/deployment.apps-app-${String(i).padStart(4, '0')}.yaml`);
  return paths;
}

function desiredPaths(): string[] {
  const paths = Array.from({ length: CLUSTERS }, (_, i) => `clusters/member-${String(i).padStart(3, '0')}.yaml`);
  for (let i = 0; paths.length < TOTAL_FILES - STATUS_FILES; i++) paths.push(`workloads/ns-${i % NAMESPACES}/app-${String(i).padStart(4, '0')}.yaml`);
  return paths;
}

const statusText = (path: string, round: number) => `kind: Status\npath: ${path}\nround: ${round}\nconditions:\n  - type: Ready\n    status: "True"\n`;
const enc = new TextEncoder();
const status = statusPaths();
const writesFor = (round: number): StatusWrite[] => status.map((path) => ({ path, content: enc.encode(statusText(path, round)) }));

const root = mkdtempSync(join(tmpdir(), 'flotilla-status-bench-'));
const origin = createBareRepo(root, 'origin');
{
  const seed = join(root, 'seed');
  git(root, 'clone', '-q', origin, seed);
  for (const p of desiredPaths()) {
    mkdirSync(dirname(join(seed, p)), { recursive: true });
    writeFileSync(join(seed, p), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${p.replace(/[/.]/g, '-')}}\n`);
  }
  for (const p of status) {
    mkdirSync(dirname(join(seed, p)), { recursive: true });
    writeFileSync(join(seed, p), statusText(p, 0));
  }
  git(seed, 'add', '-A');
  git(seed, 'commit', '-qm', 'seed');
  git(seed, 'push', '-q', 'origin', 'main');
}
const clone = (name: string, ...extra: string[]) => {
  const dir = join(root, name);
  git(root, 'clone', '-q', ...extra, origin, dir);
  return dir;
};
const server = await startGitHttpServer(root);
const checkedOut = clone('checked-out');
const bareLocal = clone('bare-local.git', '--bare');
const nativeLocal = clone('native-local');
for (const name of ['remote-flotilla', 'remote-native']) {
  git(root, 'clone', '-q', '--bare', origin, join(root, `${name}.git`));
  git(join(root, `${name}.git`), 'config', 'http.receivepack', 'true');
}
// Cloned from the path, then pointed at the server: a synchronous git call to this process's server would deadlock.
const nativeRemote = clone('native-remote-work');
git(nativeRemote, 'remote', 'set-url', 'origin', `${server.url}/remote-native.git`);

const open = (source: string) => FleetRepository.open({ source, branch: 'main', cacheDir: join(root, 'cache') });
const flotillaCase = async (source: string) => {
  const repo = await open(source);
  let tip = await repo.sync();
  let round = 0;
  return async () => {
    const out = await repo.commitStatus(tip, writesFor(++round), `status: round ${round}`);
    if (out.kind !== 'committed') throw new Error(`expected a commit, got ${out.kind}`);
    tip = out.commit;
  };
};
const nativeRounds = new Map<string, number>();
/** Writes the next round of status files into a working tree, as a person or a script would before committing. */
const writeNextRound = (dir: string) => {
  const round = (nativeRounds.get(dir) ?? 0) + 1;
  nativeRounds.set(dir, round);
  for (const p of status) writeFileSync(join(dir, p), statusText(p, round));
};

const commitCheckedOut = await flotillaCase(checkedOut);
const commitBare = await flotillaCase(bareLocal);
const commitRemote = await flotillaCase(`${server.url}/remote-flotilla.git`);
const opts = { iterations: 10, time: 0, warmupIterations: 1 };
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  // Not awaited: isomorphic-git's client keeps its connections alive, and the process ends with the run anyway.
  void server.close();
  // Removing two repositories of 5,000 files each outlasts the default hook timeout on a busy machine.
}, 120_000);

describe(`status commit: ${STATUS_FILES} changed files in a ${TOTAL_FILES}-file repository`, () => {
  bench('native: write the files only', () => writeNextRound(nativeLocal), opts);
  bench('native: write the files, git add -A && git commit -q (baseline)', async () => {
    writeNextRound(nativeLocal);
    await gitAsync('git', ['add', '-A'], { cwd: nativeLocal, env });
    await gitAsync('git', ['commit', '-qm', 'status'], { cwd: nativeLocal, env });
  }, opts);
  bench('flotilla: checked-out local repository', commitCheckedOut, opts);
  bench('flotilla: local bare repository', commitBare, opts);
});

describe(`status commit and push over smart HTTP: ${STATUS_FILES} changed files in a ${TOTAL_FILES}-file repository`, () => {
  bench('native: write the files, git add -A && git commit -q && git push -q (baseline)', async () => {
    writeNextRound(nativeRemote);
    await gitAsync('git', ['add', '-A'], { cwd: nativeRemote, env });
    await gitAsync('git', ['commit', '-qm', 'status'], { cwd: nativeRemote, env });
    await gitAsync('git', ['push', '-q', 'origin', 'main'], { cwd: nativeRemote, env });
  }, opts);
  bench('flotilla: clone of the remote (commit + push)', commitRemote, opts);
});
