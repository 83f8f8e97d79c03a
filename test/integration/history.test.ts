/**
 * `flotilla history` and `flotilla status` against a real repository built with the real `git` CLI: people's
 * desired-state commits interleaved with hand-made status commits authored by Flotilla.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_DIR } from '../../src/cli/init.js';
import { captureCli } from '../support/cli-capture.js';
import { gitCmd } from '../support/git.js';

const root = mkdtempSync(join(tmpdir(), 'flotilla-history-'));
const repo = join(root, 'fleet');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const BOT = 'Flotilla <flotilla@noreply.flotilla.dev>';
const HUMAN = { name: 'Human', email: 'human@example.com' };
const FLOTILLA = { name: 'Flotilla', email: 'flotilla@noreply.flotilla.dev' };

function write(path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

function edit(path: string, from: string, to: string): void {
  const text = readFileSync(join(repo, path), 'utf8');
  if (!text.includes(from)) throw new Error(`fixture: ${path} has no ${from}`);
  writeFileSync(join(repo, path), text.replace(from, to));
}

/** Commits everything at a fixed date (author and committer), as a person or as Flotilla; returns the SHA. */
function commit(day: number, message: string, bot = false): string {
  const date = `2025-01-0${day}T12:00:00Z`;
  process.env.GIT_AUTHOR_DATE = date;
  process.env.GIT_COMMITTER_DATE = date;
  try {
    gitCmd(repo, 'add', '-A');
    gitCmd(repo, 'commit', '-q', '-m', message, ...(bot ? [`--author=${BOT}`] : []));
  } finally {
    delete process.env.GIT_AUTHOR_DATE;
    delete process.env.GIT_COMMITTER_DATE;
  }
  return gitCmd(repo, 'rev-parse', 'HEAD');
}

type Health = 'Healthy' | 'Progressing' | 'Degraded';

function placementYaml(clusters: [string, number, Health][], aggregated: Health): string {
  return [
    'apiVersion: flotilla.dev/v1alpha1',
    'kind: Placement',
    'metadata: {name: deployment.apps-web, namespace: shop}',
    'spec:',
    '  resource: {apiVersion: apps/v1, kind: Deployment, namespace: shop, name: web}',
    '  policy: {kind: PropagationPolicy, namespace: shop, name: web}',
    '  clusters:',
    ...clusters.map(([name, replicas]) => `    - {name: ${name}, replicas: ${replicas}}`),
    'status:',
    '  conditions:',
    '    - {type: Scheduled, status: "True", reason: Success, message: ""}',
    '  clusters:',
    ...clusters.map(([name, , health]) => `    - {name: ${name}, applied: true, health: ${health}${health === 'Degraded' ? ', message: "crash loop"' : ''}}`),
    `  aggregated: {health: ${aggregated}}`,
    '',
  ].join('\n');
}

function clusterStatusYaml(name: string, ready: 'True' | 'False', reason: string, since: string): string {
  return [
    'apiVersion: flotilla.dev/v1alpha1',
    'kind: ClusterStatus',
    `metadata: {name: ${name}}`,
    'status:',
    `  conditions: [{type: Ready, status: "${ready}", reason: ${reason}, message: "", lastTransitionTime: "${since}"}]`,
    '  kubernetesVersion: v1.36.3',
    '  nodeSummary: {totalNum: 2, readyNum: 2}',
    '  resourceSummary: {allocatable: {cpu: "16", memory: 64Gi, pods: "220"}, allocated: {cpu: 300m, memory: 384Mi, pods: "3"}}',
    '',
  ].join('\n');
}

const WEB_PLACEMENT = 'status/placements/shop/deployment.apps-web.yaml';
const WEB = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
const sha: Record<string, string> = {};

beforeAll(() => {
  cpSync(TEMPLATE_DIR, repo, { recursive: true });
  gitCmd(repo, 'init', '-q', '--initial-branch=main');
  sha.c1 = commit(1, 'Initial fleet');
  write(WEB_PLACEMENT, placementYaml([['member1', 2, 'Progressing'], ['member2', 1, 'Progressing']], 'Progressing'));
  write('status/clusters/member1.yaml', clusterStatusYaml('member1', 'True', 'ClusterReady', '2025-01-02T12:00:00Z'));
  sha.c2 = commit(2, `flotilla: status of ${sha.c1.slice(0, 7)}\n\nFlotilla-Observed: ${sha.c1}`, true);
  edit('workloads/web.yaml', 'replicas: 3', 'replicas: 6');
  sha.c3 = commit(3, 'Scale web to 6');
  write(WEB_PLACEMENT, placementYaml([['member1', 4, 'Healthy'], ['member2', 2, 'Degraded']], 'Degraded'));
  write('status/clusters/member1.yaml', clusterStatusYaml('member1', 'False', 'ClusterNotReachable', '2025-01-04T12:00:00Z'));
  sha.c4 = commit(4, 'flotilla: status', true);
  edit('clusters/member1.yaml', '  syncMode: Push', '  syncMode: Push\n  taints: [{key: maintenance, value: "true", effect: NoSchedule}]');
  edit('policies/shop.yaml', 'minGroups: 2, maxGroups: 2}\n      - {spreadByField: cluster', 'minGroups: 1, maxGroups: 2}\n      - {spreadByField: cluster');
  sha.c5 = commit(5, 'Drain member1; relax the API spread');
  write(WEB_PLACEMENT, placementYaml([['member2', 6, 'Healthy']], 'Healthy'));
  sha.c6 = commit(6, 'flotilla: status', true);
});

const { out, err, run, json } = captureCli();

const entry = (c: string, day: number, subject: string, type: 'desired' | 'status', extra: Record<string, unknown> = {}) => ({
  commit: sha[c],
  type,
  author: type === 'status' ? FLOTILLA : HUMAN,
  date: `2025-01-0${day}T12:00:00.000Z`,
  subject,
  ...extra,
});
const scheduled = { status: 'True', reason: 'Success', message: '' };

describe('flotilla history KIND/NAME', () => {
  const c6 = () =>
    entry('c6', 6, 'flotilla: status', 'status', {
      observed: sha.c5,
      placement: {
        resource: WEB,
        before: [{ name: 'member1', replicas: 4 }, { name: 'member2', replicas: 2 }],
        after: [{ name: 'member2', replicas: 6 }],
        health: [
          { cluster: 'member1', before: 'Healthy', after: null, message: '' },
          { cluster: 'member2', before: 'Degraded', after: 'Healthy', message: '' },
        ],
        aggregated: { before: 'Degraded', after: 'Healthy' },
        scheduled: null,
      },
    });
  const c4 = () =>
    entry('c4', 4, 'flotilla: status', 'status', {
      // No trailer: the nearest desired-state commit before it.
      observed: sha.c3,
      placement: {
        resource: WEB,
        before: [{ name: 'member1', replicas: 2 }, { name: 'member2', replicas: 1 }],
        after: [{ name: 'member1', replicas: 4 }, { name: 'member2', replicas: 2 }],
        health: [
          { cluster: 'member1', before: 'Progressing', after: 'Healthy', message: '' },
          { cluster: 'member2', before: 'Progressing', after: 'Degraded', message: 'crash loop' },
        ],
        aggregated: { before: 'Progressing', after: 'Degraded' },
        scheduled: null,
      },
    });

  it('interleaves the commits that changed its template or a policy selecting it with its placement changes', async () => {
    expect(await run('history', 'deployment/web', '-n', 'shop', '--repo', repo, '-o', 'json')).toBe(0);
    expect(json()).toEqual({
      ref: sha.c6,
      since: null,
      resource: WEB,
      commits: [
        c6(),
        // c5 changed the api policy in the same file, which does not select web: not listed.
        c4(),
        entry('c3', 3, 'Scale web to 6', 'desired', { changes: [{ file: 'workloads/web.yaml', what: 'template', change: 'modified' }] }),
        entry('c2', 2, `flotilla: status of ${sha.c1!.slice(0, 7)}`, 'status', {
          observed: sha.c1,
          placement: {
            resource: WEB,
            before: null,
            after: [{ name: 'member1', replicas: 2 }, { name: 'member2', replicas: 1 }],
            health: [
              { cluster: 'member1', before: null, after: 'Progressing', message: '' },
              { cluster: 'member2', before: null, after: 'Progressing', message: '' },
            ],
            aggregated: { before: null, after: 'Progressing' },
            scheduled: { before: null, after: scheduled },
          },
        }),
        entry('c1', 1, 'Initial fleet', 'desired', {
          changes: [
            { file: 'workloads/web.yaml', what: 'template', change: 'added' },
            { file: 'policies/overrides.yaml', what: 'override', change: 'added', policy: { kind: 'ClusterOverridePolicy', namespace: '', name: 'us-east-registry' } },
            { file: 'policies/shop.yaml', what: 'policy', change: 'added', policy: { kind: 'PropagationPolicy', namespace: 'shop', name: 'web' } },
          ],
        }),
      ],
      warnings: [],
    });
  });

  it('stops at --since and still names what the oldest status commit observed', async () => {
    expect(await run('history', 'Deployment.apps/web', '-n', 'shop', '--since', '2025-01-04', '--repo', repo, '-o', 'json')).toBe(0);
    expect(json()).toEqual({ ref: sha.c6, since: '2025-01-04T00:00:00.000Z', resource: WEB, commits: [c6(), c4()], warnings: [] });
  });

  it('reads from --ref instead of HEAD', async () => {
    expect(await run('history', 'deployment/web', '-n', 'shop', '--ref', 'HEAD~2', '--since', '2025-01-04', '--repo', repo, '-o', 'json')).toBe(0);
    expect(json()).toEqual({ ref: sha.c4, since: '2025-01-04T00:00:00.000Z', resource: WEB, commits: [c4()], warnings: [] });
  });

  it('gives an empty history for a resource that never existed, with exit code 0', async () => {
    expect(await run('history', 'deployment/nothing', '-n', 'shop', '--repo', repo, '-o', 'json')).toBe(0);
    expect(json()).toEqual({ ref: sha.c6, since: null, resource: null, commits: [], warnings: [] });
  });
});

describe('flotilla history --cluster', () => {
  it('shows Ready transitions, taint changes and what moved on and off the cluster', async () => {
    expect(await run('history', '--cluster', 'member1', '--repo', repo, '-o', 'json')).toBe(0);
    const ready = (status: string, reason: string) => ({ status, reason, message: '' });
    expect(json()).toEqual({
      ref: sha.c6,
      since: null,
      cluster: 'member1',
      commits: [
        entry('c6', 6, 'flotilla: status', 'status', { observed: sha.c5, moved: [{ resource: WEB, before: 4, after: null }] }),
        entry('c5', 5, 'Drain member1; relax the API spread', 'desired', { taints: [{ source: 'spec', added: ['maintenance=true:NoSchedule'], removed: [] }] }),
        entry('c4', 4, 'flotilla: status', 'status', {
          observed: sha.c3,
          ready: { before: ready('True', 'ClusterReady'), after: ready('False', 'ClusterNotReachable') },
          moved: [{ resource: WEB, before: 2, after: 4 }],
        }),
        entry('c2', 2, `flotilla: status of ${sha.c1!.slice(0, 7)}`, 'status', {
          observed: sha.c1,
          ready: { before: null, after: ready('True', 'ClusterReady') },
          moved: [{ resource: WEB, before: null, after: 2 }],
        }),
      ],
      warnings: [],
    });
  });
});

describe('flotilla history (whole fleet)', () => {
  it('lists every commit, classified, with a summary of what changed', async () => {
    expect(await run('history', '--since', '2025-01-05T00:00:00Z', '--repo', repo, '-o', 'json')).toBe(0);
    expect(json()).toEqual({
      ref: sha.c6,
      since: '2025-01-05T00:00:00.000Z',
      commits: [
        entry('c6', 6, 'flotilla: status', 'status', { observed: sha.c5, summary: 'placements: 1 modified', files: [{ path: WEB_PLACEMENT, change: 'modified' }] }),
        entry('c5', 5, 'Drain member1; relax the API spread', 'desired', {
          summary: 'policies: 1 modified; clusters: 1 modified',
          files: [
            { path: 'clusters/member1.yaml', change: 'modified' },
            { path: 'policies/shop.yaml', change: 'modified' },
          ],
        }),
      ],
      warnings: [],
    });
  });

  it('refuses a date that is not ISO and a resource together with --cluster (exit 2)', async () => {
    expect(await run('history', '--since', 'last tuesday', '--repo', repo)).toBe(2);
    expect(err.join('\n')).toMatch(/--since "last tuesday": expected an ISO date/);
    expect(await run('history', 'deployment/web', '--cluster', 'member1', '--repo', repo)).toBe(2);
  });
});

describe('flotilla status', () => {
  it('reports clusters and placements at a revision, sorted', async () => {
    expect(await run('status', '--repo', repo, '--ref', sha.c4!, '-o', 'json')).toBe(0);
    const report = json() as { clusters: { name: string }[]; placements: unknown[]; errors: unknown[] };
    expect(report.clusters.map((c) => c.name)).toEqual(['member1', 'member2', 'member3']);
    expect(report.clusters[0]).toEqual({
      name: 'member1',
      ready: { status: 'False', reason: 'ClusterNotReachable', message: '', since: '2025-01-04T12:00:00Z' },
      kubernetesVersion: 'v1.36.3',
      nodes: { ready: 2, total: 2 },
      taints: [],
      capacity: { allocatable: { cpu: '16', memory: '64Gi', pods: '220' }, allocated: { cpu: '300m', memory: '384Mi', pods: '3' } },
      inventory: null,
    });
    expect(report.placements).toEqual([
      {
        resource: WEB,
        policy: { kind: 'PropagationPolicy', namespace: 'shop', name: 'web' },
        scheduled,
        health: 'Degraded',
        clusters: [
          { name: 'member1', replicas: 4, applied: true, health: 'Healthy', drift: false, message: '' },
          { name: 'member2', replicas: 2, applied: true, health: 'Degraded', drift: false, message: 'crash loop' },
        ],
      },
    ]);
    expect(report.errors).toEqual([]);
  });

  it('reports a damaged status file as a problem, shows the rest, exits 1, and puts trouble first in text', async () => {
    const damaged = join(root, 'damaged');
    cpSync(repo, damaged, { recursive: true });
    writeFileSync(join(damaged, 'status/clusters/member2.yaml'), 'kind: [\n');
    writeFileSync(join(damaged, 'status/clusters/member1.yaml'), clusterStatusYaml('member1', 'True', 'ClusterReady', '2025-01-07T12:00:00Z'));
    expect(await run('status', '--repo', damaged)).toBe(1);
    expect(err.join('\n')).toMatch(/^error: status\/clusters\/member2\.yaml:\d+:\d+: /);
    const lines = out.join('\n').split('\n');
    // member1 is Ready (with a taint); member2's status is unreadable and member3 was never observed: they come first.
    expect(lines.slice(0, 4).map((l) => l.split(/\s+/)[0])).toEqual(['CLUSTER', 'member2', 'member3', 'member1']);
    expect(lines.find((l) => l.startsWith('Deployment/shop/web'))).toMatch(/Healthy\s+member2:6/);
  });
});
