/**
 * Ten writers on one branch behind a real `git http-backend`: nine people pushing with real git in a loop (some
 * commits change desired state, some only docs) and the controller writing status with `commitStatus`, each
 * status computed from the desired state it was built on. Nothing may be lost: every person's commit ends up in
 * the branch, and the status on the final tip is the one computed from the final desired state.
 *
 * "Settled" means: the remote branch's head holds every person's commit and its status file is the one computed
 * from that head's desired state. It must hold within SETTLE_MS of the last person's push landing. Most of the
 * race's total time is the people's own retry loop (nine real git clients serialise: each rejection costs a
 * `git pull --rebase` and another `git push`, several processes and CGI requests each), which is native Git's
 * cost and not the controller's, so only the time after the last push is the controller's to meet.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetRepository, retryDelayMs } from '../../src/git/repo.js';
import { SourceError } from '../../src/model/errors.js';
import { startFleetRemote, type FleetRemote } from '../support/fleet-remote.js';
import { gitCmd } from '../support/git.js';

const PEOPLE = 9;
const COMMITS_EACH = 1;
/** How long after the last person's push the remote may take to settle (see above). */
const SETTLE_MS = 2_000;
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

/**
 * The remote's head: settled when it holds every person's commit and the status computed from its own desired
 * state. Only the head's id is asked of the remote; a commit's content never changes, so the rest is read from
 * the controller's copy (which has the head: nobody pushes after the people are done, and the controller synced
 * or pushed it itself), keeping the check itself out of the time it measures.
 */
async function settledAt(repo: FleetRepository, subjects: string[]): Promise<{ settled: boolean; missing: string[]; stale: boolean }> {
  const head = await git(remote.bare, 'rev-parse', 'main');
  const log = (await repo.log(head, 1_000)).map((c) => c.commit.message.split('\n', 1)[0]);
  const missing = subjects.filter((s) => !log.includes(s));
  const status = (await repo.readPrefix(head, 'status')).get('status/clusters/m1.yaml');
  const stale = !status || new TextDecoder().decode(status) !== new TextDecoder().decode(statusFor(await repo.desiredFingerprint(head)));
  return { settled: missing.length === 0 && !stale, missing, stale };
}

/**
 * The controller: writes status for the tip it read, recomputing whenever it is superseded. Once every person is
 * done it checks after each pass whether the remote has settled, and gives up at the deadline (a poll driven by
 * its own passes: no sleeping).
 */
async function controller(repo: FleetRepository, people: { done: () => boolean; lastPush: () => number; subjects: string[] }) {
  const outcomes = { committed: 0, superseded: 0, unchanged: 0, exhausted: 0 };
  for (;;) {
    const peopleDone = people.done();
    const tip = await repo.sync();
    const fingerprint = await repo.desiredFingerprint(tip);
    try {
      const out = await repo.commitStatus(tip, [{ path: 'status/clusters/m1.yaml', content: statusFor(fingerprint) }], 'status: m1');
      outcomes[out.kind]++;
    } catch (err) {
      // The branch kept moving through every attempt: a later pass tries again, as the reconciler does.
      if (!(err instanceof SourceError && err.code === 'E_PUSH_RETRIES')) throw err;
      outcomes.exhausted++;
    }
    if (!peopleDone) continue;
    const state = await settledAt(repo, people.subjects);
    const after = performance.now() - people.lastPush();
    if (state.settled || after > SETTLE_MS) return { outcomes, ...state, settleMs: after };
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
    let lastPush = 0;
    const started = performance.now();
    const subjects = Array.from({ length: PEOPLE }, (_, id) => Array.from({ length: COMMITS_EACH }, (_, k) => `person ${id}: change ${k}`)).flat();
    const people = clones.map((work, i) =>
      person(work, i).finally(() => {
        finished++;
        lastPush = performance.now();
      }),
    );
    const [ctl, ...results] = await Promise.all([controller(repo, { done: () => finished === PEOPLE, lastPush: () => lastPush, subjects }), ...people]);

    expect(ctl.missing).toEqual([]);
    expect(ctl.stale).toBe(false);
    expect(ctl.settleMs).toBeLessThanOrEqual(SETTLE_MS);
    const landed = gitCmd(remote.bare, 'log', '--format=%s', 'main').split('\n');
    expect(landed.filter((s) => s.startsWith('person ')).sort()).toEqual([...subjects].sort());
    expect(ctl.outcomes.committed).toBeGreaterThan(0);
    gitCmd(remote.bare, 'fsck', '--strict', '--no-dangling');
    const rejections = results.reduce((n, r) => n + r.rejections, 0);
    console.info(
      `push race: ${PEOPLE} people × ${COMMITS_EACH} commits: last push ${Math.round(lastPush - started)} ms after the start ` +
        `(people's rejected pushes: ${rejections}); settled ${Math.round(Math.max(0, ctl.settleMs))} ms after the last push; controller: ${JSON.stringify(ctl.outcomes)}`,
    );
  });

  it('retries at once after a refused push, then waits through the injected random source and timer', async () => {
    const waits: number[] = [];
    let concurrent = 2;
    // A person lands a docs commit between our reading of the branch and our push, twice: the server refuses the
    // update (its old id no longer matches) and the status commit is rebuilt on top each time.
    const http: HttpClient = {
      async request(req) {
        if (req.method === 'POST' && req.url.endsWith('/git-receive-pack') && concurrent > 0) {
          concurrent--;
          await git(remote.work, 'pull', '-q', '--rebase', 'origin', 'main');
          await writeFile(join(remote.work, 'NOTES.md'), `a note, ${concurrent} left\n`);
          await git(remote.work, 'add', '-A');
          await git(remote.work, 'commit', '-qm', `person: notes ${concurrent}`);
          await git(remote.work, 'push', '-q', 'origin', 'main');
        }
        return nodeHttp.request(req);
      },
    };
    const repo = await FleetRepository.open({
      source: remote.url,
      branch: 'main',
      cacheDir: join(remote.root, 'cache-injected'),
      http,
      random: () => 0.5,
      sleep: async (ms) => void waits.push(ms),
    });
    const tip = await repo.sync();
    const out = await repo.commitStatus(tip, [{ path: 'status/clusters/m2.yaml', content: statusFor('injected') }], 'status: m2');
    expect(out).toMatchObject({ kind: 'committed', attempts: 3 });
    expect(waits).toEqual([retryDelayMs(2, 0.5)]);
    expect(gitCmd(remote.bare, 'log', '--format=%s', '-3', 'main').split('\n')).toEqual(['status: m2', 'person: notes 0', 'person: notes 1']);
    gitCmd(remote.bare, 'fsck', '--strict', '--no-dangling');
  });
});
