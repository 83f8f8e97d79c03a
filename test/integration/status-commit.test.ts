/**
 * A status commit of many files, checked against real git: the same change made by `git add -A` gives the same
 * tree id, the checked-out copy is clean with an index whose stat data matches the files, `git fsck --strict`
 * passes, a small change writes only the objects it changed, and the pack Flotilla builds for a push is one a
 * real `git http-backend` takes whole.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetRepository, type StatusWrite } from '../../src/git/repo.js';
import { startGitHttpServer } from '../support/git-http-server.js';
import { createBareRepo, gitCmd } from '../support/git.js';

let root: string;
let origin: string;
const enc = (s: string) => new TextEncoder().encode(s);
const clusterPath = (i: number) => `status/clusters/m${i}.yaml`;
const placementPath = (i: number) => `status/placements/ns-${i % 4}/deployment.apps-app-${i}.yaml`;
const looseObjects = (gitdir: string) =>
  readdirSync(join(gitdir, 'objects'))
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => readdirSync(join(gitdir, 'objects', d)).map((f) => d + f));

/** The writes of a pass: every placement rewritten, a few clusters gone, one cluster unchanged after round 1, new files. */
function passWrites(round: number): StatusWrite[] {
  const writes: StatusWrite[] = [];
  for (let i = 0; i < 200; i++) writes.push({ path: placementPath(i), content: enc(`round: ${round}\napp: ${i}\n`) });
  writes.push({ path: clusterPath(0), content: enc('phase: Ready\n') });
  for (let i = 1; i < 4; i++) writes.push({ path: clusterPath(i), content: null });
  writes.push({ path: `status/rebalancers/r${round}.yaml`, content: enc(`round: ${round}\n`) });
  writes.push({ path: 'status/clusters/never-existed.yaml', content: null });
  // Sorts before the status/clusters/ tree in git's order ('-' < '/'), after it by plain name.
  writes.push({ path: 'status/clusters-summary.yaml', content: enc(`round: ${round}\n`) });
  return writes;
}

/** Applies the same writes with real git in `work` (add -A) and returns the tree id git computes. */
function nativeTree(work: string, writes: StatusWrite[]): string {
  for (const w of writes) {
    const file = join(work, w.path);
    if (w.content === null) rmSync(file, { force: true });
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, w.content);
    }
  }
  gitCmd(work, 'add', '-A');
  return gitCmd(work, 'write-tree');
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-status-commit-'));
  origin = createBareRepo(root, 'origin');
  const seed = join(root, 'seed');
  gitCmd(root, 'clone', '-q', origin, seed);
  const files: Record<string, string> = { 'README.md': '# fleet\n', 'workloads/web.yaml': 'kind: ConfigMap\n' };
  for (let i = 0; i < 10; i++) files[clusterPath(i)] = `phase: Pending\ncluster: ${i}\n`;
  for (let i = 0; i < 200; i++) files[placementPath(i)] = `round: 0\napp: ${i}\n`;
  nativeTree(seed, Object.entries(files).map(([path, text]) => ({ path, content: enc(text) })));
  gitCmd(seed, 'commit', '-qm', 'seed');
  gitCmd(seed, 'push', '-q', 'origin', 'main');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a status commit of many files', () => {
  for (const layout of ['checked-out', 'bare'] as const) {
    it(`on a ${layout} repository gives the tree real git gives, and a repository git finds consistent`, async () => {
      const dir = join(root, `${layout}-flotilla`);
      gitCmd(root, 'clone', '-q', ...(layout === 'bare' ? ['--bare'] : []), origin, dir);
      const native = join(root, `${layout}-native`);
      gitCmd(root, 'clone', '-q', origin, native);
      const repo = await FleetRepository.open({ source: dir, branch: 'main', cacheDir: join(root, 'cache') });
      let tip = await repo.sync();
      for (const round of [1, 2]) {
        const writes = passWrites(round);
        const out = await repo.commitStatus(tip, writes, `status: round ${round}`);
        expect(out.kind).toBe('committed');
        tip = out.kind === 'committed' ? out.commit : tip;
        expect(gitCmd(dir, 'rev-parse', `${tip}^{tree}`)).toBe(nativeTree(native, writes));
      }
      gitCmd(dir, 'fsck', '--strict', '--no-dangling');
      expect(gitCmd(dir, 'rev-parse', 'main')).toBe(tip);
      if (layout === 'checked-out') {
        expect(gitCmd(dir, 'status', '--porcelain')).toBe('');
        // Stat data in the index matches the files: git needs to re-read none of them to know they are clean.
        expect(gitCmd(dir, 'diff-files', '--name-only')).toBe('');
        expect(gitCmd(dir, 'ls-files', '-s', 'status')).toBe(gitCmd(dir, 'ls-tree', '-r', '--format=%(objectmode) %(objectname) 0\t%(path)', 'HEAD', 'status'));
      }
    });
  }

  it('writes only the objects a small change makes: one blob, the trees above it and the commit', async () => {
    const dir = join(root, 'small-change.git');
    gitCmd(root, 'clone', '-q', '--bare', origin, dir);
    const repo = await FleetRepository.open({ source: dir, branch: 'main', cacheDir: join(root, 'cache') });
    const tip = await repo.sync();
    const before = new Set(looseObjects(dir));
    const unchanged = Array.from({ length: 200 }, (_, i) => ({ path: placementPath(i), content: enc(`round: 0\napp: ${i}\n`) }));
    const out = await repo.commitStatus(tip, [...unchanged, { path: clusterPath(5), content: enc('phase: Ready\n') }], 'status: m5');
    expect(out.kind).toBe('committed');
    const added = looseObjects(dir).filter((o) => !before.has(o));
    const commit = out.kind === 'committed' ? out.commit : '';
    const expected = [commit, `${commit}^{tree}`, `${commit}:status`, `${commit}:status/clusters`, `${commit}:${clusterPath(5)}`].map((r) => gitCmd(dir, 'rev-parse', r));
    expect(added.sort()).toEqual(expected.sort());
  });

  // The writes include two files of the same content (status/rebalancers/r<n>.yaml, status/clusters-summary.yaml).
  it('pushed to a remote behind git http-backend gives the server the tree real git gives, and nothing missing', async () => {
    const server = await startGitHttpServer(root);
    try {
      const served = join(root, 'served.git');
      gitCmd(root, 'clone', '-q', '--bare', origin, served);
      gitCmd(served, 'config', 'http.receivepack', 'true');
      const native = join(root, 'served-native');
      gitCmd(root, 'clone', '-q', origin, native);
      const repo = await FleetRepository.open({ source: `${server.url}/served.git`, branch: 'main', cacheDir: join(root, 'cache-served') });
      let tip = await repo.sync();
      for (const round of [1, 2]) {
        const writes = passWrites(round);
        const out = await repo.commitStatus(tip, writes, `status: round ${round}`);
        expect(out).toMatchObject({ kind: 'committed', attempts: 1 });
        tip = out.kind === 'committed' ? out.commit : tip;
        expect(gitCmd(served, 'rev-parse', 'main')).toBe(tip);
        expect(gitCmd(served, 'rev-parse', `${tip}^{tree}`)).toBe(nativeTree(native, writes));
      }
      gitCmd(served, 'fsck', '--strict', '--no-dangling');
    } finally {
      await server.close();
    }
  });
});
