/**
 * `flotilla rollback` against real git: local repositories with the branch checked out, and a remote behind
 * git http-backend. Every result is checked with git itself (`git show`, `git log`, `git fsck --strict`).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TEMPLATE_DIR } from '../../src/cli/init.js';
import { startGitHttpServer, type GitHttpServer } from '../support/git-http-server.js';
import { createBareRepo, gitCmd } from '../support/git.js';

let root: string;
let out: string[];
let err: string[];
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-rollback-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  vi.stubEnv('GIT_AUTHOR_NAME', 'Rita Rollback');
  vi.stubEnv('GIT_AUTHOR_EMAIL', 'rita@example.com');
  vi.stubEnv('FLOTILLA_CACHE_DIR', join(root, 'cache'));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const run = (...args: string[]) => main(['node', 'flotilla', 'rollback', ...args]);
const SHOP = 'policies/shop.yaml';
const API = 'workloads/api.yaml';
const STATUS = 'status/clusters/member1.yaml';

function write(dir: string, files: Record<string, string | null>): void {
  for (const [path, text] of Object.entries(files)) {
    const p = join(dir, path);
    if (text === null) rmSync(p);
    else {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
  }
}

function commit(dir: string, message: string, files: Record<string, string | null>): string {
  write(dir, files);
  gitCmd(dir, 'add', '-A');
  gitCmd(dir, 'commit', '-qm', message);
  return gitCmd(dir, 'rev-parse', 'HEAD');
}

/** web's weights swapped: member1 gets 1 of 3 replicas instead of 2. */
const swappedWeights = (dir: string) => readFileSync(join(dir, SHOP), 'utf8').replace('weight: 2', 'weight: 9').replace('weight: 1', 'weight: 2').replace('weight: 9', 'weight: 1');

/**
 * initial (template + status v0) → "swap web weights" (policies) → "scale api" (workloads, status v2):
 * the history a rollback meets, with status committed along the way as the controller does.
 */
function fleetRepo(name: string, dir = join(root, name)): { dir: string; commits: string[] } {
  cpSync(TEMPLATE_DIR, dir, { recursive: true });
  gitCmd(root, 'init', '-q', '--initial-branch=main', dir);
  const c0 = commit(dir, 'initial fleet', { [STATUS]: 'observed: 0\n' });
  const c1 = commit(dir, 'swap web weights', { [SHOP]: swappedWeights(dir) });
  const c2 = commit(dir, 'scale api', { [API]: readFileSync(join(dir, API), 'utf8').replace('replicas: 2', 'replicas: 4'), 'workloads/extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: shop}\n', [STATUS]: 'observed: 2\n' });
  return { dir, commits: [c0, c1, c2] };
}

const show = (dir: string, rev: string, path: string) => gitCmd(dir, 'show', `${rev}:${path}`);
const objectCount = (dir: string) => gitCmd(dir, 'count-objects', '-v');

describe('flotilla rollback --to', () => {
  it('restores policies/ and workloads/ of HEAD~2 in one commit and keeps status/', async () => {
    const { dir, commits } = fleetRepo('to');
    expect(await run('--to', 'HEAD~2', '--repo', dir)).toBe(0);
    expect(gitCmd(dir, 'rev-parse', 'HEAD~1')).toBe(commits[2]);
    for (const path of [SHOP, API]) expect(show(dir, 'HEAD', path)).toBe(show(dir, commits[0]!, path));
    expect(gitCmd(dir, 'ls-tree', '--name-only', 'HEAD', 'workloads/')).not.toContain('extra.yaml');
    expect(show(dir, 'HEAD', STATUS)).toBe('observed: 2');
    expect(gitCmd(dir, 'log', '-1', '--format=%an <%ae>%n%B')).toBe(
      `Rita Rollback <rita@example.com>\nRoll back desired state to ${commits[0]!.slice(0, 7)} (initial fleet)\n\nFlotilla-Rollback-To: ${commits[0]}`,
    );
    // The checked-out branch moved with its working tree and index: nothing looks changed to git.
    expect(gitCmd(dir, 'status', '--porcelain')).toBe('');
    expect(readFileSync(join(dir, SHOP), 'utf8')).toBe(`${show(dir, commits[0]!, SHOP)}\n`);
    gitCmd(dir, 'fsck', '--strict');
    expect(out).toContain('  M policies/shop.yaml');
    expect(out).toContain('  D workloads/extra.yaml');
    expect(out).toContain('    Deployment/shop/web: member1 1→2, member2 2→1');
    expect(out).toContain('    Deployment/shop/api: member1 4→2, member3 4→2');
  });

  it('limits the rollback to --path prefixes', async () => {
    const { dir, commits } = fleetRepo('path');
    expect(await run('--to', commits[0]!.slice(0, 8), '--path', 'policies/', '--repo', dir)).toBe(0);
    expect(show(dir, 'HEAD', SHOP)).toBe(show(dir, commits[0]!, SHOP));
    expect(gitCmd(dir, 'diff', '--name-only', 'HEAD~1', 'HEAD')).toBe(SHOP);
    expect(gitCmd(dir, 'log', '-1', '--format=%s')).toBe(`Roll back desired state of policies to ${commits[0]!.slice(0, 7)} (initial fleet)`);
  });

  it('says so and writes nothing when there is nothing to roll back', async () => {
    const { dir, commits } = fleetRepo('noop');
    expect(await run('--to', 'HEAD~1', '--path', 'policies', '--repo', dir)).toBe(0);
    expect(out.join('\n')).toMatch(/^nothing to do: the desired state of policies already equals/m);
    expect(gitCmd(dir, 'rev-parse', 'HEAD')).toBe(commits[2]);
  });

  it('--dry-run prints the change and writes nothing', async () => {
    const { dir, commits } = fleetRepo('dry');
    const objects = objectCount(dir);
    expect(await run('--to', 'HEAD~2', '--dry-run', '--repo', dir)).toBe(0);
    expect(out[0]).toBe(`would change main at ${commits[2]!.slice(0, 7)}:`);
    expect(out).toContain('  M workloads/api.yaml');
    expect(out).toContain('    Deployment/shop/web: member1 1→2, member2 2→1');
    expect(gitCmd(dir, 'rev-parse', 'HEAD')).toBe(commits[2]);
    expect(objectCount(dir)).toBe(objects);
  });

  it('refuses to overwrite uncommitted changes to the paths it would change', async () => {
    const { dir, commits } = fleetRepo('dirty');
    write(dir, { [SHOP]: 'edited by hand\n' });
    expect(await run('--to', 'HEAD~2', '--repo', dir)).toBe(1);
    expect(err.join('\n')).toContain('uncommitted changes to policies/shop.yaml');
    expect(gitCmd(dir, 'rev-parse', 'HEAD')).toBe(commits[2]);
    expect(readFileSync(join(dir, SHOP), 'utf8')).toBe('edited by hand\n');
  });

  it('asks who is rolling back when neither the environment nor the repository says', async () => {
    const { dir, commits } = fleetRepo('who');
    vi.stubEnv('GIT_AUTHOR_NAME', '');
    vi.stubEnv('GIT_AUTHOR_EMAIL', '');
    expect(await run('--to', 'HEAD~2', '--repo', dir)).toBe(2);
    expect(err.join('\n')).toMatch(/GIT_AUTHOR_NAME.*user\.name/);
    gitCmd(dir, 'config', 'user.name', 'Configured Person');
    gitCmd(dir, 'config', 'user.email', 'configured@example.com');
    expect(await run('--to', 'HEAD~2', '--repo', dir)).toBe(0);
    expect(gitCmd(dir, 'log', '-1', '--format=%an <%ae> %P')).toBe(`Configured Person <configured@example.com> ${commits[2]}`);
  });

  it('rejects unusable flags as usage errors', async () => {
    const { dir } = fleetRepo('usage');
    expect(await run('--repo', dir)).toBe(2);
    expect(await run('--to', 'HEAD~1', '--revert', 'HEAD', '--repo', dir)).toBe(2);
    expect(await run('--to', 'HEAD~1', '--path', 'status/', '--repo', dir)).toBe(2);
    expect(await run('--to', 'HEAD~1', '--path', 'polices', '--repo', dir)).toBe(2);
    expect(await run('--to', 'HEAD~1', '--push', '--repo', dir)).toBe(2);
    expect(await run('--to', 'HEAD~1', '--repo', 'http://127.0.0.1:9/fleet.git')).toBe(2);
    expect(await run('--to', 'nosuchrev', '--repo', dir)).toBe(2);
    expect(err.map((l) => l.slice(0, 10))).toEqual(Array(7).fill('flotilla: '));
    expect(err[3]).toContain('--path polices: no such file or directory');
  });
});

describe('flotilla rollback --revert', () => {
  it('undoes a middle commit and keeps the later ones', async () => {
    const { dir, commits } = fleetRepo('revert');
    expect(await run('--revert', 'HEAD~1', '--repo', dir)).toBe(0);
    expect(show(dir, 'HEAD', SHOP)).toBe(show(dir, commits[0]!, SHOP));
    expect(show(dir, 'HEAD', API)).toBe(show(dir, commits[2]!, API));
    expect(gitCmd(dir, 'diff', '--name-only', 'HEAD~1', 'HEAD')).toBe(SHOP);
    expect(gitCmd(dir, 'log', '-1', '--format=%B')).toBe(`Revert "swap web weights"\n\nThis reverts the desired state of commit ${commits[1]}.\n\nFlotilla-Revert: ${commits[1]}`);
    expect(gitCmd(dir, 'status', '--porcelain')).toBe('');
    gitCmd(dir, 'fsck', '--strict');
  });

  it('a file changed differently since is a conflict that names it, and nothing is written', async () => {
    const { dir, commits } = fleetRepo('conflict');
    const tip = commit(dir, 'retune web', { [SHOP]: readFileSync(join(dir, SHOP), 'utf8').replace('weight: 2', 'weight: 5') });
    const objects = objectCount(dir);
    expect(await run('--revert', commits[1]!, '--repo', dir)).toBe(1);
    expect(err).toContain('conflict: policies/shop.yaml');
    expect(err.join('\n')).toContain('nothing was written');
    expect(gitCmd(dir, 'rev-parse', 'refs/heads/main')).toBe(tip);
    expect(objectCount(dir)).toBe(objects);
    expect(gitCmd(dir, 'status', '--porcelain')).toBe('');
    gitCmd(dir, 'fsck', '--strict');
  });

  it('a commit that only touched status/ has nothing to revert', async () => {
    const { dir, commits } = fleetRepo('status-only');
    const tip = commit(dir, 'status', { [STATUS]: 'observed: 3\n' });
    expect(await run('--revert', 'HEAD', '--repo', dir)).toBe(0);
    expect(out.join('\n')).toMatch(/^nothing to do: .* changes no desired state/m);
    expect(gitCmd(dir, 'rev-parse', 'HEAD')).toBe(tip);
    expect(commits).toHaveLength(3);
  });
});

describe('flotilla rollback --push', () => {
  let server: GitHttpServer;
  let concurrent: (() => void) | undefined;
  beforeAll(async () => {
    server = await startGitHttpServer(root, {
      password: 's3cret',
      beforeReceivePack: () => {
        const land = concurrent;
        concurrent = undefined;
        land?.();
      },
    });
  });
  afterAll(() => server.close());

  function remote(name: string): { bare: string; work: string; url: string; commits: string[] } {
    const bare = createBareRepo(root, name);
    const { dir: work, commits } = fleetRepo(`${name}-work`);
    gitCmd(work, 'push', '-q', bare, 'main');
    return { bare, work, url: `${server.url}/${name}.git`, commits };
  }

  it('commits on the remote branch with credentials from the environment', async () => {
    const { bare, url, commits } = remote('push');
    vi.stubEnv('FLOTILLA_GIT_TOKEN', 's3cret');
    expect(await run('--to', 'HEAD~2', '--push', '--repo', url)).toBe(0);
    expect(gitCmd(bare, 'rev-parse', 'main~1')).toBe(commits[2]);
    expect(show(bare, 'main', SHOP)).toBe(show(bare, commits[0]!, SHOP));
    expect(show(bare, 'main', STATUS)).toBe('observed: 2');
    expect(gitCmd(bare, 'log', '-1', '--format=%(trailers:key=Flotilla-Rollback-To,valueonly)', 'main')).toBe(commits[0]);
    gitCmd(bare, 'fsck', '--strict');
  });

  it('decides again on the new tip when the remote moved during the push', async () => {
    const { bare, work, url, commits } = remote('moved');
    vi.stubEnv('FLOTILLA_GIT_TOKEN', 's3cret');
    let landed = '';
    concurrent = () => {
      landed = commit(work, 'status from the controller', { [STATUS]: 'observed: 3\n' });
      gitCmd(work, 'push', '-q', bare, 'main');
    };
    expect(await run('--revert', commits[1]!, '--push', '--repo', url)).toBe(0);
    expect(landed).not.toBe('');
    expect(gitCmd(bare, 'rev-parse', 'main~1')).toBe(landed);
    expect(show(bare, 'main', STATUS)).toBe('observed: 3');
    expect(show(bare, 'main', SHOP)).toBe(show(bare, commits[0]!, SHOP));
    expect(out.join('\n')).toContain(`main moved to ${landed.slice(0, 7)} meanwhile`);
    gitCmd(bare, 'fsck', '--strict');
  });

  it('fails clearly without the right credentials and writes nothing', async () => {
    const { bare, url, commits } = remote('denied');
    vi.stubEnv('FLOTILLA_GIT_TOKEN', 'wrong');
    expect(await run('--to', 'HEAD~2', '--push', '--repo', url)).toBe(2);
    expect(err.join('\n')).toMatch(/^flotilla: fetch /m);
    expect(gitCmd(bare, 'rev-parse', 'main')).toBe(commits[2]);
  });
});
