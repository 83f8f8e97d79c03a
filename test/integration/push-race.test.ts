/**
 * Ten writers on one branch behind a real `git http-backend`: nine people pushing with real git in a loop (some
 * commits change desired state, some only docs) and the controller writing status with `commitStatus`, each
 * status computed from the desired state it was built on. Nothing may be lost: every person's commit ends up in
 * the branch, and the status on the final tip is the one computed from the final desired state.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetRepository, retryDelayMs } from '../../src/git/repo.js';
import { SourceError } from '../../src/model/errors.js';
import { startFleetRemote, type FleetRemote } from '../support/fleet-remote.js';
import { gitCmd } from '../support/git.js';

const PEOPLE = 9;
const COMMITS_EACH = 1;
const run = promisify(execFile);
let remote: FleetRemote;

/** Real git, asynchronously: the server runs in this process, so a synchronous call would deadlock it. */
async function git(cwd: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Human', GIT_AUTHOR_EMAIL: 'human@example.com', GIT_COMMITTER_NAME: 'Human', GIT_COMMITTER_EMAIL: 'human@example.com', GIT_CONFIG_NOSYSTEM: '1', HOME: cwd };
  return (await run('git', args, { cwd, env })).stdout.trim();
}

/** One person: commits, then pushes until the push lands, pulling with rebase after each rejection. */
async function person(work: string, id: number): Promise<{ commits: string[]; rejections: number }> {
  const commits: string[] = [];
  let rejections = 0;
  for (let k = 0; k < COMMITS_EACH; k++) {
    // Half the commits change desired state, which makes the controller's pending status stale.
    const path = (id + k) % 2 === 0 ? `workloads/p${id}-${k}.yaml` : `docs/p${id}-${k}.md`;
    await mkdir(join(work, path, '..'), { recursive: true });
    await writeFile(join(work, path), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p${id}-${k}}\n`);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-qm', `person ${id}: change ${k}`);
    const subject = `person ${id}: change ${k}`;
    for (;;) {
      try {
        await git(work, 'push', '-q', 'origin', 'main');
        break;
      } catch {
        rejections++;
        await git(work, 'pull', '-q', '--rebase', 'origin', 'main');
      }
    }
    commits.push(subject);
  }
  return { commits, rejections };
}

/** The status a pass would write for a tip: it names the desired state it was computed from. */
const statusFor = (fingerprint: string) => new TextEncoder().encode(`computedFrom: ${fingerprint}\n`);

/** The controller: writes status for the tip it read, recomputing whenever it is superseded, until `done()` holds and it is current. */
async function controller(repo: FleetRepository, done: () => boolean) {
  const outcomes = { committed: 0, superseded: 0, unchanged: 0, exhausted: 0 };
  for (;;) {
    const peopleDone = done();
    const tip = await repo.sync();
    const fingerprint = await repo.desiredFingerprint(tip);
    try {
      const out = await repo.commitStatus(tip, [{ path: 'status/clusters/m1.yaml', content: statusFor(fingerprint) }], 'status: m1');
      outcomes[out.kind]++;
      if (peopleDone && out.kind !== 'superseded') return outcomes;
    } catch (err) {
      // The branch kept moving through every attempt: a later pass tries again, as the reconciler does.
      if (!(err instanceof SourceError && err.code === 'E_PUSH_RETRIES')) throw err;
      outcomes.exhausted++;
    }
  }
}

beforeAll(async () => {
  remote = await startFleetRemote('push-race');
  await mkdir(join(remote.work, 'workloads'), { recursive: true });
  await writeFile(join(remote.work, 'workloads', 'web.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n');
  await git(remote.work, 'add', '-A');
  await git(remote.work, 'commit', '-qm', 'initial');
  await git(remote.work, 'push', '-q', 'origin', 'main');
});
afterAll(() => remote.close());

describe('ten writers racing on one branch over smart HTTP', () => {
  it('loses no commit and leaves the status computed from the final desired state', async () => {
    const repo = await FleetRepository.open({ source: remote.url, branch: 'main', cacheDir: join(remote.root, 'cache') });
    await repo.sync();
    const clones = Array.from({ length: PEOPLE }, (_, i) => join(remote.root, `person-${i}`));
    await Promise.all(clones.map((work) => git(remote.root, 'clone', '-q', remote.url, work)));
    let finished = 0;
    let lastPersonDone = 0;
    const started = performance.now();
    const people = clones.map((work, i) =>
      person(work, i).finally(() => {
        finished++;
        lastPersonDone = performance.now();
      }),
    );
    const [outcomes, ...results] = await Promise.all([controller(repo, () => finished === PEOPLE), ...people]);
    const settled = performance.now();

    const subjects = gitCmd(remote.bare, 'log', '--format=%s', 'main').split('\n');
    for (const r of results) for (const c of r.commits) expect(subjects).toContain(c);
    expect(subjects.filter((s) => s.startsWith('person '))).toHaveLength(PEOPLE * COMMITS_EACH);
    const tip = gitCmd(remote.bare, 'rev-parse', 'main');
    expect(gitCmd(remote.bare, 'show', 'main:status/clusters/m1.yaml') + '\n').toBe(new TextDecoder().decode(statusFor(await repo.desiredFingerprint(tip))));
    expect(outcomes.committed).toBeGreaterThan(0);
    gitCmd(remote.bare, 'fsck', '--strict', '--no-dangling');
    const rejections = results.reduce((n, r) => n + r.rejections, 0);
    // Reported, not asserted: wall-clock time on a shared machine is no test of correctness.
    console.info(
      `push race: ${PEOPLE} people × ${COMMITS_EACH} commits and the controller settled in ${Math.round(settled - started)} ms ` +
        `(the controller current ${Math.round(settled - lastPersonDone)} ms after the last push); ` +
        `people's rejected pushes: ${rejections}; controller: ${JSON.stringify(outcomes)}`,
    );
  });

  it('waits between retries through the injected random source and timer', async () => {
    const waits: number[] = [];
    const repo = await FleetRepository.open({
      source: remote.url,
      branch: 'main',
      cacheDir: join(remote.root, 'cache-injected'),
      random: () => 0.5,
      sleep: async (ms) => void waits.push(ms),
    });
    const tip = await repo.sync();
    // A person lands a docs commit after the pass read the tip: the status commit is rebuilt on top, once.
    await git(remote.work, 'pull', '-q', '--rebase', 'origin', 'main');
    await writeFile(join(remote.work, 'NOTES.md'), 'a note\n');
    await git(remote.work, 'add', '-A');
    await git(remote.work, 'commit', '-qm', 'person: notes');
    await git(remote.work, 'push', '-q', 'origin', 'main');
    const out = await repo.commitStatus(tip, [{ path: 'status/clusters/m2.yaml', content: statusFor('injected') }], 'status: m2');
    expect(out).toMatchObject({ kind: 'committed', attempts: 2 });
    expect(waits).toEqual([retryDelayMs(1, 0.5)]);
  });
});
