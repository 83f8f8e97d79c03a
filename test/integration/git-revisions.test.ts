/**
 * Revision expressions resolved by FleetRepository agree with real `git rev-parse REV^{commit}` on a history
 * made by real git (merges, lightweight, annotated and nested tags, packed and loose refs); names that are not
 * refs are refused before they reach the file system, as `git check-ref-format` would refuse them.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TEMPLATE_DIR } from '../../src/cli/init.js';
import { FleetRepository } from '../../src/git/repo.js';
import { refFormatProblem } from '../../src/git/revision.js';
import { importLinearHistory } from '../support/git-fixtures.js';
import { gitCmd } from '../support/git.js';

let root: string;
let work: string;
let repo: FleetRepository;

/** What git says the revision names as a commit, or undefined when git refuses it. */
function gitCommit(dir: string, rev: string): string | undefined {
  try {
    return gitCmd(dir, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`);
  } catch {
    return undefined;
  }
}

function commitAll(dir: string, message: string): string {
  gitCmd(dir, 'add', '-A');
  gitCmd(dir, 'commit', '-qm', message);
  return gitCmd(dir, 'rev-parse', 'HEAD');
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-rev-'));
  work = join(root, 'work');
  gitCmd(root, 'init', '-q', '-b', 'main', work);
  cpSync(TEMPLATE_DIR, work, { recursive: true });
  const first = commitAll(work, 'template');
  gitCmd(work, 'tag', 'v1');
  gitCmd(work, 'branch', 'cafe');
  gitCmd(work, 'checkout', '-q', '-b', 'feature');
  for (const n of [1, 2]) {
    writeFileSync(join(work, 'README.md'), `feature ${n}\n`);
    commitAll(work, `feature ${n}`);
  }
  gitCmd(work, 'checkout', '-q', 'main');
  writeFileSync(join(work, 'workloads', 'broken.yaml'), 'a: [\n');
  commitAll(work, 'broken workload');
  gitCmd(work, 'tag', '-a', 'v2', '-m', 'release 2');
  gitCmd(work, 'tag', '-a', 'nested', '-m', 'a tag of a tag', 'v2');
  gitCmd(work, 'tag', 'treetag', 'HEAD^{tree}');
  gitCmd(work, 'tag', '-a', 'treetag-annotated', '-m', 'a tag of a tree', 'HEAD^{tree}');
  gitCmd(work, 'merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
  writeFileSync(join(work, 'README.md'), 'after the merge\n');
  commitAll(work, 'after merge');
  // A tag and a branch of the same name: git prefers the tag.
  gitCmd(work, 'branch', 'dup', first);
  gitCmd(work, 'tag', 'dup', 'v2');
  gitCmd(work, 'update-ref', 'refs/remotes/origin/main', 'HEAD~1');
  gitCmd(work, 'gc', '-q');
  // Made after gc: a loose ref next to the packed ones.
  gitCmd(work, 'branch', 'late', 'HEAD~1');
  // What `../../x` would have read: a well-formed commit id outside the repository.
  writeFileSync(join(root, 'x'), `${first}\n`);
  repo = await FleetRepository.open({ source: work, branch: 'main', cacheDir: join(root, 'cache') });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const resolvable = [
  'HEAD', '@', 'main', 'refs/heads/main', 'heads/main', 'late', 'feature', 'cafe', 'dup', 'origin/main',
  'v1', 'v2', 'nested', 'HEAD~', 'HEAD~1', 'HEAD~2', 'HEAD~3', 'HEAD^', 'HEAD^1', 'HEAD^^', 'HEAD^0', 'HEAD~0',
  'HEAD~1^2', 'HEAD~1^2~1', 'HEAD~1^2^', 'main~2^', 'HEAD^{}', 'HEAD^{commit}', 'v2^{}', 'v2^{commit}', 'v2~1',
  'nested~1', '@~1', 'main~01',
];
const unresolvable = ['HEAD~50', 'HEAD^3', 'v1^2', 'HEAD~2^2', 'nosuch', 'feature/nosuch', 'treetag', 'treetag-annotated', 'deadbeef'];

describe('revisions as git resolves them', () => {
  it.each(resolvable)('%s', async (rev) => {
    const expected = gitCommit(work, rev);
    expect(expected).toMatch(/^[0-9a-f]{40}$/);
    expect(await repo.resolve(rev)).toBe(expected);
  });

  it('full, upper-case and short SHAs of commits and of an annotated tag', async () => {
    const revs = [
      gitCmd(work, 'rev-parse', 'HEAD~2'),
      gitCmd(work, 'rev-parse', 'HEAD~2').toUpperCase(),
      gitCmd(work, 'rev-parse', '--short=7', 'HEAD~1'),
      gitCmd(work, 'rev-parse', '--short=5', 'feature'),
      gitCmd(work, 'rev-parse', 'v2'),
      `${gitCmd(work, 'rev-parse', '--short=8', 'v2')}~1`,
    ];
    for (const rev of revs) expect([rev, await repo.resolve(rev)]).toEqual([rev, gitCommit(work, rev)]);
  });

  it.each(unresolvable)('%s names no commit, for git too', async (rev) => {
    expect(gitCommit(work, rev)).toBeUndefined();
    await expect(repo.resolve(rev)).rejects.toMatchObject({ name: 'SourceError', code: 'E_BAD_REF' });
  });

  it('an object id that is not in the repository, or is a tree', async () => {
    await expect(repo.resolve('0'.repeat(40))).rejects.toMatchObject({ code: 'E_BAD_REF' });
    const tree = gitCmd(work, 'rev-parse', 'HEAD^{tree}');
    await expect(repo.resolve(tree)).rejects.toMatchObject({ code: 'E_BAD_REF', message: expect.stringContaining(`names a tree (${tree})`) });
  });

  it('says how far history goes when asked for too many ancestors', async () => {
    await expect(repo.resolve('v1~3')).rejects.toThrow(/history ends at root commit [0-9a-f]{40} after 0 step\(s\) of 3/);
  });
});

const hostile = [
  '', '../../x', 'refs/../../x', '/etc/passwd', 'a\0b', 'main\n', '\u001b[31mred', 'main..feature',
  'refs/heads/.hidden', 'main.lock', 'a//b', 'main/', 'main.', 'a b', 'a*', 'a?', 'a[0]', 'a\\b', 'C:\\x', 'main@{1}',
  '@{-1}', 'HEAD:README.md', ':/fix', '~1', '^', 'HEAD~x', 'HEAD^{tree}', 'HEAD^{/msg}', 'HEAD^-1',
];

describe('names that are not revisions', () => {
  it.each(hostile.map((r) => [JSON.stringify(r), r]))('%s is refused with E_INVALID_REF', async (_shown, rev) => {
    const err = await repo.resolve(rev).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'SourceError', code: 'E_INVALID_REF', data: { ref: rev } });
    // The message quotes the input with escapes: no raw control character reaches a terminal.
    // eslint-disable-next-line no-control-regex -- checking for exactly those characters
    expect((err as Error).message).not.toMatch(/[\x00-\x1f]/);
  });

  it('readFleet and log refuse them too, so `../../x` never reads the file outside the repository', async () => {
    await expect(repo.readFleet('../../x')).rejects.toMatchObject({ code: 'E_INVALID_REF' });
    await expect(repo.log('../../x')).rejects.toMatchObject({ code: 'E_INVALID_REF' });
  });

  const names = [
    'main', 'feature/x', 'v1.2.3', 'refs/heads/main', 'HEAD', 'a.b', 'a@b', 'foo@', '@foo', 'ünïcode', 'a/b/c',
    '@', 'a@{b', 'a..b', '.a', 'a/.b', 'a.lock', 'a/b.lock/c', 'a/', '/a', 'a//b', 'a.', 'a b', 'a~b', 'a^b', 'a:b',
    'a?b', 'a*b', 'a[b', 'a\\b', 'a\tb', 'a\x7fb',
  ];
  it.each(names.map((n) => [JSON.stringify(n), n]))('ref name %s: same verdict as git check-ref-format', (_shown, name) => {
    let gitAccepts = true;
    try {
      gitCmd(root, 'check-ref-format', '--allow-onelevel', name);
    } catch {
      gitAccepts = false;
    }
    expect(refFormatProblem(name) === undefined).toBe(gitAccepts);
  });
});

describe('short SHAs shared by several objects', () => {
  let dir: string;
  let byPrefix: Map<string, { oid: string; type: string }[]>;
  beforeAll(() => {
    dir = join(root, 'many');
    gitCmd(root, 'init', '-q', '-b', 'main', dir);
    importLinearHistory(dir, 'main', 'workloads/step.yaml', 1000);
    byPrefix = new Map();
    for (const line of gitCmd(dir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)').split('\n')) {
      const [oid = '', type = ''] = line.split(' ');
      const list = byPrefix.get(oid.slice(0, 4)) ?? [];
      list.push({ oid, type });
      byPrefix.set(oid.slice(0, 4), list);
    }
  });
  const commitsIn = (list: { oid: string; type: string }[]) => list.filter((o) => o.type === 'commit').map((o) => o.oid);

  it('are refused, naming every commit they match, when they match several commits', async () => {
    const [prefix, list] = [...byPrefix].find(([, l]) => commitsIn(l).length >= 2) ?? [];
    expect(prefix, 'the fixed history has two commits sharing 4 hex digits').toBeDefined();
    expect(gitCommit(dir, prefix!)).toBeUndefined();
    const many = await FleetRepository.open({ source: dir, branch: 'main', cacheDir: join(root, 'cache') });
    const err = await many.resolve(prefix!).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_AMBIGUOUS_REF', data: { candidates: commitsIn(list!).sort() } });
    for (const oid of commitsIn(list!)) expect((err as Error).message).toContain(oid);
  });

  it('resolve to the one commit among them, as git does for REV^{commit}', async () => {
    const [prefix] = [...byPrefix].find(([, l]) => l.length >= 2 && commitsIn(l).length === 1) ?? [];
    expect(prefix, 'the fixed history has a commit sharing 4 hex digits with a tree or blob').toBeDefined();
    const many = await FleetRepository.open({ source: dir, branch: 'main', cacheDir: join(root, 'cache') });
    expect(await many.resolve(prefix!)).toBe(gitCommit(dir, prefix!));
  });
});

describe('flotilla --ref', () => {
  let err: string[];
  beforeEach(() => {
    err = [];
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  });
  afterEach(() => vi.restoreAllMocks());
  const validate = (ref: string) => main(['node', 'flotilla', 'validate', '--repo', work, '--ref', ref, '-o', 'json']);

  it('reads the commit a typed revision names', async () => {
    // v2~1 is the template (valid); v2 adds a broken workload.
    expect(await validate('v2~1')).toBe(0);
    expect(await validate('v2')).toBe(1);
    expect(await validate('HEAD~1^2~2')).toBe(0);
  });

  it('refuses a path as a ref in one line, exit code 2', async () => {
    expect(await validate('../../x')).toBe(2);
    expect(err).toEqual(['flotilla: invalid revision "../../x": contains ..']);
  });
});

it('the repository fixture is what the tables assume', () => {
  // HEAD~1 is the merge: two parents, the second being feature.
  expect(gitCmd(work, 'rev-list', '--parents', '-n1', 'HEAD~1').split(' ')).toHaveLength(3);
  expect(gitCmd(work, 'cat-file', '-t', 'nested')).toBe('tag');
});
