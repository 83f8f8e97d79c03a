/**
 * The pure pipeline at fleet scale and the controller's quiet tick, each next to a baseline measured in
 * the same run (the machine is noisy; ratios are what to compare):
 * - load + schedule + render of 100 clusters × 500 templates, against just parsing the same YAML;
 * - a no-change poll tick (fetch over smart HTTP + read the fleet at the tip + compare fingerprints),
 *   against `git fetch` of the same repository by the git CLI.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { bench, describe } from 'vitest';
import { FleetRepository } from '../src/git/repo.js';
import { loadFleet } from '../src/load/index.js';
import { renderFleet } from '../src/render/index.js';
import { scheduleFleet } from '../src/schedule/index.js';
import { startGitHttpServer } from '../test/support/git-http-server.js';
import { createBareRepo, gitCmd } from '../test/support/git.js';
import { syntheticFleetFiles } from './fixtures/fleet-files.js';

const files = syntheticFleetFiles(100, 500);
// Async on purpose: the Git server runs in this process, so a synchronous git call would deadlock it.
const git = promisify(execFile);
const dec = new TextDecoder();

describe('load + schedule + render: 100 clusters × 500 templates', () => {
  bench('baseline: parse the YAML only', () => {
    for (const f of files) for (const d of parseAllDocuments(dec.decode(f.content)) as unknown as { toJS(): unknown }[]) d.toJS();
  });
  bench('loadFleet', () => {
    loadFleet(files);
  });
  bench('loadFleet + scheduleFleet + renderFleet', () => {
    const fleet = loadFleet(files);
    const { decisions } = scheduleFleet(fleet, { explain: false });
    renderFleet(fleet, decisions);
  });
});

// A fleet repository behind git http-backend, cloned once by the controller's repository and by git.
const root = mkdtempSync(join(tmpdir(), 'flotilla-bench-'));
const bare = createBareRepo(root, 'fleet');
const work = join(root, 'work');
gitCmd(root, 'clone', '-q', bare, work);
for (const f of files) {
  mkdirSync(dirname(join(work, f.path)), { recursive: true });
  writeFileSync(join(work, f.path), f.content);
}
gitCmd(work, 'add', '-A');
gitCmd(work, 'commit', '-qm', 'fleet');
gitCmd(work, 'push', '-q', 'origin', 'main');
const server = await startGitHttpServer(root);
const repo = await FleetRepository.open({ source: `${server.url}/fleet.git`, branch: 'main', cacheDir: join(root, 'cache') });
const first = await repo.readFleet(await repo.sync());
const cliClone = join(root, 'cli-clone');
await git('git', ['clone', '-q', '--bare', `${server.url}/fleet.git`, cliClone]);

describe('no-change poll tick: 100 clusters × 500 templates over smart HTTP', () => {
  bench('baseline: git fetch (git CLI)', async () => {
    await git('git', ['-C', cliClone, 'fetch', '-q', 'origin', 'main']);
  });
  bench('FleetRepository: fetch + read fleet + compare fingerprint', async () => {
    const tip = await repo.sync();
    const snap = await repo.readFleet(tip);
    if (snap.desiredFingerprint !== first.desiredFingerprint) throw new Error('fleet changed unexpectedly');
  });
});
