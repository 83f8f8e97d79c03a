/**
 * FleetRepository against a real Git smart-HTTP server (git http-backend) and real git on the other side.
 */
import { chmodSync, existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FleetRepository } from '../../src/git/repo.js';
import { startGitHttpServer, type GitHttpServer } from '../support/git-http-server.js';
import { recordingHttp, remappedFs } from '../support/git-io.js';
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

describe('FleetRepository I/O is injected', () => {
  // No such directory on disk: only the injected file system can find the repositories under it.
  const virtual = '/flotilla-virtual-root';

  it('runs a local repository through the given fs and clock', async () => {
    const { work } = seed('injected');
    const io = remappedFs(virtual, root);
    const when = new Date('2031-02-03T04:05:06Z');
    const repo = await FleetRepository.open({ source: `${virtual}/injected-work`, branch: 'main', cacheDir: `${virtual}/cache8`, fs: io.fs, now: () => when });
    const tip = await repo.sync();
    expect(tip).toBe(gitCmd(work, 'rev-parse', 'HEAD'));
    expect((await repo.readFleet(tip)).files.map((f) => f.path)).toEqual(['clusters/m1.yaml', 'workloads/web.yaml']);
    expect((await repo.commitStatus(tip, [{ path: 'status/clusters/m1.yaml', content: enc('ok: true\n') }], 'status: injected')).kind).toBe('committed');
    expect(gitCmd(work, 'log', '-1', '--format=%at %ct|%s')).toBe(`${when.getTime() / 1000} ${when.getTime() / 1000}|status: injected`);
    // The checked-out copy was refreshed through the injected fs as well.
    expect(gitCmd(work, 'status', '--porcelain')).toBe('');
    expect(io.calls).toContain(`writeFile ${virtual}/injected-work/status/clusters/m1.yaml`);
    expect(io.calls.filter((c) => !c.includes(` ${virtual}/`))).toEqual([]);
  });

  it('clones and fetches through the given fs and http client', async () => {
    const { work } = seed('injected-remote');
    const io = remappedFs(virtual, root);
    const client = recordingHttp();
    const repo = await FleetRepository.open({
      source: `${server.url}/injected-remote.git`,
      branch: 'main',
      cacheDir: `${virtual}/cache9`,
      auth: { token: 's3cret' },
      fs: io.fs,
      http: client.http,
    });
    const seen = server.requests.length;
    expect(await repo.sync()).toBe(gitCmd(work, 'rev-parse', 'HEAD'));
    expect(await repo.sync()).toBe(gitCmd(work, 'rev-parse', 'HEAD'));
    expect(client.requests.length).toBeGreaterThan(0);
    expect(client.requests).toEqual(server.requests.slice(seen).map((r) => `${r.method} ${r.path}`));
    expect(existsSync(join(root, 'cache9', 'repos'))).toBe(true);
    expect(io.calls.filter((c) => !c.includes(` ${virtual}/`))).toEqual([]);
  });
});

describe('FleetRepository on a long-lived clone', () => {
  const packsIn = (gitdir: string) => readdirSync(join(gitdir, 'objects', 'pack')).filter((f) => f.endsWith('.pack')).sort();
  const objectsIn = (gitdir: string, pack: string) => gitCmd(gitdir, 'verify-pack', '-v', join('objects', 'pack', pack)).split('\n').filter((l) => /^[0-9a-f]{40} /.test(l)).length;

  it('fetches an unchanged or advanced remote into the same clone instead of cloning again', async () => {
    const { work } = seed('refetch');
    const uploads = () => server.requests.filter((r) => r.authorized && r.method === 'POST' && r.path === '/refetch.git/git-upload-pack').length;
    const open = () => FleetRepository.open({ source: `${server.url}/refetch.git`, branch: 'main', cacheDir: join(root, 'cache10'), auth: { token: 's3cret' } });
    const first = await open();
    await first.sync();
    const gitdir = first.gitdir;
    writeFileSync(join(gitdir, 'test-marker'), 'kept');
    const identity = statSync(gitdir).ino;
    const packs = packsIn(gitdir);
    const uploadsAfterClone = uploads();
    expect(packs).toHaveLength(1);

    // A restart (a new object on the same cache directory) and a remote that has not moved: no pack is asked for.
    const second = await open();
    expect(second.gitdir).toBe(gitdir);
    expect(await second.sync()).toBe(gitCmd(work, 'rev-parse', 'HEAD'));
    expect(uploads()).toBe(uploadsAfterClone);

    // The remote moves by one commit: one pack request, holding only what that commit added.
    writeFileSync(join(work, 'workloads', 'web.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-2}\n');
    gitCmd(work, 'commit', '-qam', 'human: edit');
    gitCmd(work, 'push', '-q', 'origin', 'main');
    expect(await second.sync()).toBe(gitCmd(work, 'rev-parse', 'HEAD'));
    expect(uploads()).toBe(uploadsAfterClone + 1);
    const added = packsIn(gitdir).filter((p) => !packs.includes(p));
    expect(packsIn(gitdir)).toEqual([...packs, ...added].sort());
    expect(added).toHaveLength(1);
    expect(objectsIn(gitdir, added[0]!)).toBe(gitCmd(work, 'rev-list', '--objects', 'HEAD~1..HEAD').split('\n').length);
    expect(readFileSync(join(gitdir, 'test-marker'), 'utf8')).toBe('kept');
    expect(statSync(gitdir).ino).toBe(identity);
  });
});

describe('FleetRepository on symbolic links', () => {
  it('never follows a link in a fleet directory and lists it for a warning', async () => {
    const { work } = seed('links');
    symlinkSync('web.yaml', join(work, 'workloads', 'alias.yaml'));
    symlinkSync('../../../../../etc/passwd', join(work, 'workloads', 'passwd.yaml'));
    symlinkSync('../workloads', join(work, 'clusters', 'more'));
    symlinkSync('workloads/web.yaml', join(work, 'fleet.yaml'));
    symlinkSync('README.md', join(work, 'README-link.md'));
    gitCmd(work, 'add', '-A');
    gitCmd(work, 'commit', '-qm', 'links');
    expect(gitCmd(work, 'ls-files', '-s', 'workloads/alias.yaml')).toMatch(/^120000 /);
    const repo = await FleetRepository.open({ source: work, branch: 'main', cacheDir: join(root, 'cache11') });
    const snap = await repo.readFleet('HEAD');
    expect(snap.files.map((f) => f.path)).toEqual(['clusters/m1.yaml', 'workloads/web.yaml']);
    expect(snap.symlinks).toEqual([
      { path: 'clusters/more', target: '../workloads' },
      { path: 'fleet.yaml', target: 'workloads/web.yaml' },
      { path: 'workloads/alias.yaml', target: 'web.yaml' },
      { path: 'workloads/passwd.yaml', target: '../../../../../etc/passwd' },
    ]);
  });
});

describe('FleetRepository on a damaged repository', () => {
  const looseObject = (work: string, oid: string) => join(work, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
  const overwrite = (file: string, content: Uint8Array) => {
    chmodSync(file, 0o644);
    writeFileSync(file, content);
  };
  afterEach(() => vi.restoreAllMocks());

  it('an overwritten blob is E_CORRUPT_OBJECT naming the blob and the revision', async () => {
    const { work } = seed('truncated');
    const blob = gitCmd(work, 'rev-parse', 'HEAD:workloads/web.yaml');
    overwrite(looseObject(work, blob), Buffer.from('not zlib at all'));
    const repo = await FleetRepository.open({ source: work, branch: 'main', cacheDir: join(root, 'cache12') });
    const err = await repo.readFleet('main').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'SourceError', code: 'E_CORRUPT_OBJECT', data: { kind: 'blob', oid: blob, ref: 'main', commit: gitCmd(work, 'rev-parse', 'HEAD') } });
    expect((err as Error).message).toMatch(new RegExp(`^cannot read the fleet at "main" \\(commit [0-9a-f]{40}\\): blob ${blob} is corrupt`));
  });

  it('a tree overwritten with another object fails its hash check; a deleted one is E_MISSING_OBJECT', async () => {
    const { work } = seed('overwritten');
    const tree = gitCmd(work, 'rev-parse', 'HEAD:clusters');
    overwrite(looseObject(work, tree), deflateSync(Buffer.from('blob 4\0abc\n')));
    const repo = await FleetRepository.open({ source: work, branch: 'main', cacheDir: join(root, 'cache13') });
    await expect(repo.readFleet('HEAD')).rejects.toMatchObject({ code: 'E_CORRUPT_OBJECT', data: { kind: 'tree', oid: tree, ref: 'HEAD' } });
    rmSync(looseObject(work, tree));
    await expect(repo.readFleet('HEAD')).rejects.toMatchObject({ code: 'E_MISSING_OBJECT', data: { kind: 'tree', oid: tree } });
  });

  it('the CLI reports it in one line with exit code 2', async () => {
    const { work } = seed('damaged-cli');
    const blob = gitCmd(work, 'rev-parse', 'HEAD:clusters/m1.yaml');
    const file = looseObject(work, blob);
    // isomorphic-git reports this one in a paragraph: the CLI still prints a single line.
    overwrite(file, readFileSync(file).subarray(0, 10));
    const errors: string[] = [];
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    expect(await main(['node', 'flotilla', 'validate', '--repo', work, '--ref', 'HEAD'])).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^flotilla: cannot read the fleet at .*: blob [0-9a-f]{40} is corrupt \([^\n]*\)$/);
    expect(errors[0]).not.toContain('\n');
    expect(errors[0]).toContain(blob);
    expect(errors[0]).toContain(gitCmd(work, 'rev-parse', 'HEAD'));
  });
});
