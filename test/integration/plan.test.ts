/**
 * `flotilla plan` against a real Git repository made by the real git CLI: branches that move replicas, change
 * an override, remove a workload, break a file and change a Secret; the working tree as head; `HEAD~1` as base.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { TEMPLATE_DIR } from '../../src/cli/init.js';
import { main } from '../../src/cli/main.js';
import { gitCmd } from '../support/git.js';

const SECRET_POLICY = `apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata:
  name: secrets
spec:
  resourceSelectors:
    - {apiVersion: v1, kind: Secret}
  placement:
    clusterAffinity: {clusterNames: [member1]}
`;
const secret = (password: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\nstringData:\n  password: ${password}\n  user: shop\n`;
const OLD_PASSWORD = 'correct-horse-battery-staple';
const NEW_PASSWORD = 'Tr0ub4dor-and-3';

let root: string;
let work: string;
const sha: Record<string, string> = {};

function commitAll(message: string): string {
  gitCmd(work, 'add', '-A');
  gitCmd(work, 'commit', '-qm', message);
  return gitCmd(work, 'rev-parse', 'HEAD');
}

/** A branch off main with `edit` applied to the working tree and committed. */
function branch(name: string, edit: () => void): void {
  gitCmd(work, 'checkout', '-q', '-b', name, 'main');
  edit();
  sha[name] = commitAll(name);
  gitCmd(work, 'checkout', '-q', 'main');
}

const edit = (path: string, from: string, to: string) => {
  const file = join(work, path);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${path} does not contain ${from}`);
  writeFileSync(file, text.replace(from, to));
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-plan-'));
  work = join(root, 'fleet');
  gitCmd(root, 'init', '-q', '-b', 'main', work);
  cpSync(TEMPLATE_DIR, work, { recursive: true });
  sha.template = commitAll('template');
  writeFileSync(join(work, 'policies', 'secrets.yaml'), SECRET_POLICY);
  writeFileSync(join(work, 'workloads', 'secret.yaml'), secret(OLD_PASSWORD));
  sha.main = commitAll('a Secret for member1');
  branch('move', () => edit('policies/shop.yaml', 'clusterNames: [member2]}\n            weight: 1', 'clusterNames: [member2]}\n            weight: 4'));
  branch('override', () => edit('policies/overrides.yaml', 'value: debug', 'value: trace'));
  branch('removed', () => unlinkSync(join(work, 'workloads', 'payments.yaml')));
  branch('broken', () => {
    writeFileSync(join(work, 'workloads', 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: shop\ndata: {}\n');
    edit('workloads/web.yaml', 'web:1.4.2', 'web:1.5.0');
  });
  branch('secret', () => writeFileSync(join(work, 'workloads', 'secret.yaml'), secret(NEW_PASSWORD)));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

const run = (...args: string[]) => main(['node', 'flotilla', 'plan', '--repo', work, ...args]);
const json = () => JSON.parse(out.join('\n')) as PlanJson;
const ref = (apiVersion: string, kind: string, namespace: string, name: string) => ({ apiVersion, kind, namespace, name });

interface PlanJson {
  base: string;
  head: string;
  placements: { resource: unknown; before: unknown; after: unknown }[];
  clusters: { name: string; added: unknown[]; changed: unknown[]; removed: unknown[]; diffs: { diff: string }[] }[];
  errors: { file: string; line: number; column: number; message: string }[];
}

describe('flotilla plan', () => {
  it('a placement move: the exact JSON contract, sorted', async () => {
    expect(await run('--base', 'main', '--head', 'move', '-o', 'json')).toBe(0);
    const plan = json();
    expect(Object.keys(plan)).toEqual(['base', 'head', 'placements', 'clusters', 'errors', 'warnings']);
    const web = ref('apps/v1', 'Deployment', 'shop', 'web');
    const withoutDiffs = { ...plan, clusters: plan.clusters.map(({ diffs: _d, ...c }) => c) };
    expect(withoutDiffs).toEqual({
      base: sha.main,
      head: sha.move,
      placements: [{ resource: web, before: [{ name: 'member1', replicas: 2 }, { name: 'member2', replicas: 1 }], after: [{ name: 'member1', replicas: 1 }, { name: 'member2', replicas: 2 }] }],
      clusters: [
        { name: 'member1', added: [], changed: [web], removed: [] },
        { name: 'member2', added: [], changed: [web], removed: [] },
      ],
      errors: [],
      warnings: [],
    });
    expect(plan.clusters[0]!.diffs[0]!.diff).toContain('-  replicas: 2\n+  replicas: 1');
  });

  it('an override change touches only the cluster it targets', async () => {
    expect(await run('--base', 'main', '--head', 'override', '-o', 'json')).toBe(0);
    const plan = json();
    expect(plan.placements).toEqual([]);
    expect(plan.clusters.map((c) => ({ name: c.name, added: c.added, changed: c.changed, removed: c.removed }))).toEqual([
      { name: 'member2', added: [], changed: [ref('v1', 'ConfigMap', 'shop', 'web-config')], removed: [] },
    ]);
    expect(plan.clusters[0]!.diffs[0]!.diff).toContain('-  LOG_LEVEL: debug\n+  LOG_LEVEL: trace');
  });

  it('a removed workload: its placement goes, and it is removed where it ran', async () => {
    expect(await run('--base', 'main', '--head', 'removed', '-o', 'json')).toBe(0);
    const plan = json();
    const payments = ref('apps/v1', 'Deployment', 'shop', 'payments');
    expect(plan.placements.map((p) => [p.resource, p.after])).toEqual([[payments, []]]);
    const where = plan.clusters.filter((c) => c.removed.some((r) => JSON.stringify(r) === JSON.stringify(payments))).map((c) => c.name);
    expect(where.length).toBeGreaterThan(0);
    expect(plan.clusters.map((c) => c.name)).toEqual(where);
    for (const c of plan.clusters) expect(c.diffs[0]!.diff).toMatch(/\+\+\+ \/dev\/null/);
  });

  it('a broken file: exit 1, its errors with file and line, and the valid changes still planned', async () => {
    expect(await run('--base', 'main', '--head', 'broken', '-o', 'json')).toBe(1);
    const plan = json();
    expect(plan.errors.length).toBeGreaterThan(0);
    expect(plan.errors[0]).toMatchObject({ file: 'workloads/broken.yaml', line: expect.any(Number), column: expect.any(Number) });
    expect(plan.clusters.map((c) => c.name)).toEqual(['member1', 'member2']);
    out = [];
    expect(await run('--base', 'main', '--head', 'broken', '-o', 'markdown')).toBe(1);
    expect(out.join('\n')).toMatch(/- `workloads\/broken\.yaml:\d+:\d+` /);
  });

  it('a Secret change names its keys and never prints a value, in any format', async () => {
    for (const format of ['json', 'text', 'markdown']) {
      out = [];
      expect(await run('--base', 'main', '--head', 'secret', '-o', format)).toBe(0);
      const text = out.join('\n');
      expect(text).toContain('stringData.password');
      expect(text).not.toContain(OLD_PASSWORD);
      expect(text).not.toContain(NEW_PASSWORD);
    }
    out = [];
    await run('--base', 'main', '--head', 'secret', '-o', 'json');
    const plan = json() as unknown as { clusters: { name: string; diffs: { secretKeys?: unknown }[] }[] };
    expect(plan.clusters.map((c) => c.name)).toEqual(['member1']);
    expect(plan.clusters[0]!.diffs[0]!.secretKeys).toEqual({ added: [], changed: ['stringData.password'], removed: [] });
  });

  it('HEAD~1 as base: what the last commit changed', async () => {
    expect(await run('--base', 'HEAD~1', '--head', 'HEAD', '-o', 'json')).toBe(0);
    const plan = json();
    expect([plan.base, plan.head]).toEqual([sha.template, sha.main]);
    expect(plan.clusters.map((c) => [c.name, c.added])).toEqual([['member1', [ref('v1', 'Secret', 'shop', 'db')]]]);
    expect(out.join('\n')).not.toContain(OLD_PASSWORD);
  });

  it('--head omitted: the working tree, uncommitted edits included', async () => {
    const file = join(work, 'workloads', 'web.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('replicas: 3', 'replicas: 6'));
    try {
      expect(await run('--base', 'main', '-o', 'json')).toBe(0);
      const plan = json();
      expect(plan.head).toBe('WORKTREE');
      expect(plan.placements).toEqual([
        { resource: ref('apps/v1', 'Deployment', 'shop', 'web'), before: [{ name: 'member1', replicas: 2 }, { name: 'member2', replicas: 1 }], after: [{ name: 'member1', replicas: 4 }, { name: 'member2', replicas: 2 }] },
      ]);
      out = [];
      expect(await run('--base', 'main')).toBe(0);
      expect(out.join('\n')).toContain('Deployment/shop/web: member1 2→4, member2 1→2');
    } finally {
      writeFileSync(file, original);
    }
  });

  it('usage errors exit 2 with one line: no --base, an unknown revision, a bad format', async () => {
    expect(await main(['node', 'flotilla', 'plan', '--repo', work])).toBe(2);
    expect(await run('--base', 'nosuch')).toBe(2);
    expect(await run('--base', 'main', '-o', 'yaml')).toBe(2);
    expect(err).toHaveLength(3);
    for (const line of err) expect(line).toMatch(/^flotilla: /);
  });
});
