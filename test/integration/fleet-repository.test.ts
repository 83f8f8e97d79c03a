/**
 * FleetRepository against a real Git smart-HTTP server (git http-backend) and real git on the other side.
 */
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetRepository } from '../../src/git/repo.js';
import { startGitHttpServer, type GitHttpServer } from '../support/git-http-server.js';
import { createBareRepo, gitCmd } from '../support/git.js';

let root: string;
let server: GitHttpServer;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

function seed(name: string): { bare: string; work: string } {
  const bare = createBareRepo(root, name);
  const work = join(root, `${name}-work`);
  gitCmd(root, 'clone', '-q', bare, work);
  mkdirSync(join(work, 'workloads'), { recursive: true });
  mkdirSync(join(work, 'clusters'), { recursive: true });
  writeFileSync(join(work, 'workloads', 'web.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n');
  writeFileSync(join(work, 'clusters', 'm1.yaml'), 'apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: m1}\n');
  writeFileSync(join(work, 'README.md'), '# fleet\n');
  gitCmd(work, 'add', '-A');
  gitCmd(work, 'commit', '-qm', 'initial');
  gitCmd(work, 'push', '-q', 'origin', 'main');
  return { bare, work };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-git-'));
  server = await startGitHttpServer(root, { password: 's3cret' });
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('FleetRepository over smart HTTP', () => {
  it('fetches with credentials and reads fleet files at a commit, ignoring everything else', async () => {
    const { work } = seed('read');
    const repo = await FleetRepository.open({ source: `${server.url}/read.git`, branch: 'main', cacheDir: join(root, 'cache1'), auth: { token: 's3cret' } });
    const tip = await repo.sync();
    expect(tip).toBe(gitCmd(work, 'rev-parse', 'HEAD'));
    const snap = await repo.readFleet(tip);
    expect(snap.files.map((f) => f.path)).toEqual(['clusters/m1.yaml', 'workloads/web.yaml']);
    expect(dec(snap.files[1]!.content)).toContain('name: web');
    // Git's protocol: an anonymous request is challenged (401), then retried with the credentials.
    expect(server.requests.filter((r) => r.path.startsWith('/read.git')).some((r) => r.authorized)).toBe(true);
  });

  it('refuses to fetch without the right credentials', async () => {
    seed('private');
    const repo = await FleetRepository.open({ source: `${server.url}/private.git`, branch: 'main', cacheDir: join(root, 'cache2'), auth: { token: 'wrong' } });
    await expect(repo.sync()).rejects.toMatchObject({ code: 'E_FETCH' });
  });

  it('commits status files that real git accepts, and fetches incrementally (no re-clone)', async () => {
    const { bare } = seed('status');
    const repo = await FleetRepository.open({ source: `${server.url}/status.git`, branch: 'main', cacheDir: join(root, 'cache3'), auth: { token: 's3cret' } });
    const tip = await repo.sync();
    const before = await repo.readFleet(tip);
    const out = await repo.commitStatus(tip, [{ path: 'status/clusters/m1.yaml', content: enc('kind: ClusterStatus\n') }], 'status: m1 Ready');
    expect(out.kind).toBe('committed');
    const head = gitCmd(bare, 'rev-parse', 'main');
    expect(out.kind === 'committed' && out.commit).toBe(head);
    expect(gitCmd(bare, 'log', '-1', '--format=%an <%ae>|%s', 'main')).toBe('Flotilla <flotilla@noreply.flotilla.dev>|status: m1 Ready');
    expect(gitCmd(bare, 'show', 'main:status/clusters/m1.yaml')).toBe('kind: ClusterStatus');
    expect(gitCmd(bare, 'show', 'main:README.md')).toBe('# fleet');
    gitCmd(bare, 'fsck', '--strict');
    // Only status/ changed: the desired-state fingerprint is the same.
    const after = await repo.readFleet(await repo.sync());
    expect(after.desiredFingerprint).toBe(before.desiredFingerprint);
    // The same writes again change nothing and make no commit.
    expect((await repo.commitStatus(head, [{ path: 'status/clusters/m1.yaml', content: enc('kind: ClusterStatus\n') }], 'noop')).kind).toBe('unchanged');
    // Deleting the only file removes the now-empty status/ tree.
    const del = await repo.commitStatus(head, [{ path: 'status/clusters/m1.yaml', content: null }], 'status: m1 gone');
    expect(del.kind).toBe('committed');
    expect(gitCmd(bare, 'ls-tree', '--name-only', 'main')).toBe('README.md\nclusters\nworkloads');
  });

  it('keeps a concurrent human commit: rebuilds the status commit on top when desired state is unchanged', async () => {
    const { bare, work } = seed('race');
    const repo = await FleetRepository.open({ source: `${server.url}/race.git`, branch: 'main', cacheDir: join(root, 'cache4'), auth: { token: 's3cret' } });
    const tip = await repo.sync();
    writeFileSync(join(work, 'README.md'), '# fleet\nedited by a human\n');
    gitCmd(work, 'commit', '-qam', 'human: docs');
    gitCmd(work, 'push', '-q', 'origin', 'main');
    const out = await repo.commitStatus(tip, [{ path: 'status/clusters/m1.yaml', content: enc('ready: true\n') }], 'status: m1');
    expect(out).toMatchObject({ kind: 'committed', attempts: 2 });
    expect(gitCmd(bare, 'log', '--format=%s', 'main')).toBe('status: m1\nhuman: docs\ninitial');
    expect(gitCmd(bare, 'show', 'main:README.md')).toContain('edited by a human');
    gitCmd(bare, 'fsck', '--strict');
  });

  it('gives way when a concurrent commit changed desired state, so status is recomputed', async () => {
    const { bare, work } = seed('superseded');
    const repo = await FleetRepository.open({ source: `${server.url}/superseded.git`, branch: 'main', cacheDir: join(root, 'cache5'), auth: { token: 's3cret' } });
    const tip = await repo.sync();
    writeFileSync(join(work, 'workloads', 'web.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web2}\n');
    gitCmd(work, 'commit', '-qam', 'human: rename');
    gitCmd(work, 'push', '-q', 'origin', 'main');
    const out = await repo.commitStatus(tip, [{ path: 'status/x.yaml', content: enc('a: 1\n') }], 'status');
    expect(out).toEqual({ kind: 'superseded', tip: gitCmd(bare, 'rev-parse', 'main') });
    expect(gitCmd(bare, 'log', '-1', '--format=%s', 'main')).toBe('human: rename');
  });
});

describe('FleetRepository on a local repository', () => {
  it('moves the branch and keeps the checked-out working tree clean', async () => {
    const { work } = seed('local');
    const repo = await FleetRepository.open({ source: work, branch: 'main', cacheDir: join(root, 'cache6') });
    const tip = await repo.sync();
    const out = await repo.commitStatus(tip, [{ path: 'status/clusters/m1.yaml', content: enc('ok: true\n') }], 'status: local');
    expect(out.kind).toBe('committed');
    expect(gitCmd(work, 'log', '-1', '--format=%s')).toBe('status: local');
    expect(gitCmd(work, 'status', '--porcelain')).toBe('');
    expect(gitCmd(work, 'show', 'HEAD:status/clusters/m1.yaml')).toBe('ok: true');
  });

  it('does not overwrite a commit made after the pass read the branch', async () => {
    const { work } = seed('local-race');
    const repo = await FleetRepository.open({ source: work, branch: 'main', cacheDir: join(root, 'cache7') });
    const tip = await repo.sync();
    writeFileSync(join(work, 'workloads', 'web.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: changed}\n');
    gitCmd(work, 'commit', '-qam', 'human: change');
    const out = await repo.commitStatus(tip, [{ path: 'status/a.yaml', content: enc('a: 1\n') }], 'status');
    expect(out.kind).toBe('superseded');
    expect(gitCmd(work, 'log', '-1', '--format=%s')).toBe('human: change');
  });
});
