/**
 * The reconcile loop end to end: a fleet repository served by git http-backend, pushed to by real git
 * (playing the humans), reconciled onto the testbed's real clusters, with status committed back.
 */
import { cpSync, writeFileSync, unlinkSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClusterConnector } from '../../src/controller/clusters.js';
import type { PassReport, Reconciler } from '../../src/controller/reconcile.js';
import { TEMPLATE_DIR } from '../../src/cli/init.js';
import { testbedStartMember, testbedStopMember } from '../../src/testbed/index.js';
import { pollUntil } from '../../src/util/poll.js';
import { controllerFor, startFleetRemote, type FleetRemote } from '../support/fleet-remote.js';
import { gitCmd } from '../support/git.js';
import { getObject, memberClient } from './helpers.js';

type Client = Awaited<ReturnType<typeof memberClient>>;
let remote: FleetRemote;
let bare: string;
let work: string;
let reconciler: Reconciler;
let connector: ClusterConnector;
let concurrentPush: (() => void) | undefined;
const clients = new Map<string, Client>();
const members = inject('members');

const humanCommit = (message: string, edit: () => void): string => remote.commit(message, edit);

async function deploymentReplicas(member: string, name: string): Promise<number | undefined> {
  const d = await getObject(clients.get(member)!, 'apps/v1', 'Deployment', 'shop', name);
  return d ? ((d.spec as { replicas?: number }).replicas ?? 1) : undefined;
}

async function pass(): Promise<PassReport> {
  const report = await reconciler.reconcileOnce();
  return report;
}

beforeAll(async () => {
  remote = await startFleetRemote('e2e', {
    password: 'fleet-token',
    beforeReceivePack: () => {
      concurrentPush?.();
      concurrentPush = undefined;
    },
  });
  ({ bare, work } = remote);
  remote.commit('initial fleet', () => {
    cpSync(TEMPLATE_DIR, work, { recursive: true });
    // Capacity figures recorded as they change, so "settled" below means the cluster really is quiet.
    const settings = join(work, 'fleet.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('  pollIntervalSeconds: 30\n', '  pollIntervalSeconds: 30\n  status: {summaryIntervalSeconds: 0}\n'));
  });
  ({ connector, reconciler } = await controllerFor(remote, inject('kubeconfig'), { auth: { token: 'fleet-token' } }));
  for (const m of members) clients.set(m, await memberClient(m));
});

afterAll(async () => {
  connector?.close();
  for (const c of clients.values()) c.close();
  await remote?.close();
});

describe('reconcile loop', () => {
  it('applies the fleet to exactly the right clusters and commits status that git accepts', async () => {
    const report = await pass();
    expect(report.problems).toEqual([]);
    expect(report.clusters.every((c) => c.ready)).toBe(true);
    expect(report.outcome).toBe('committed');
    // Active-Active: web divided 2:1 over the eu-west clusters, nothing in us-east.
    expect(await deploymentReplicas('member1', 'web')).toBe(2);
    expect(await deploymentReplicas('member2', 'web')).toBe(1);
    expect(await deploymentReplicas('member3', 'web')).toBeUndefined();
    // propagateDeps: the ConfigMap web uses follows it, with member2's override.
    const cm2 = await getObject(clients.get('member2')!, 'v1', 'ConfigMap', 'shop', 'web-config');
    expect(cm2?.data).toMatchObject({ LOG_LEVEL: 'debug' });
    expect(cm2?.metadata.labels).toMatchObject({ canary: 'true', 'flotilla.dev/managed': 'true' });
    expect(await getObject(clients.get('member3')!, 'v1', 'ConfigMap', 'shop', 'web-config')).toBeUndefined();
    // Geo-redundant api: one copy in us-east with the regional registry.
    const api3 = await getObject(clients.get('member3')!, 'apps/v1', 'Deployment', 'shop', 'api');
    expect(JSON.stringify(api3?.spec)).toContain('mirror.us-east.example.com/shop/api:2.0.1');

    const head = gitCmd(bare, 'rev-parse', 'main');
    expect(head).toBe(report.statusCommit);
    expect(gitCmd(bare, 'log', '-1', '--format=%an|%s', 'main')).toMatch(/^Flotilla\|flotilla: status of [0-9a-f]{7}/);
    const placement = gitCmd(bare, 'show', 'main:status/placements/shop/deployment.apps-web.yaml');
    expect(placement).toContain('- name: member1\n      replicas: 2');
    expect(placement).toContain('- name: member2\n      replicas: 1');
    expect(gitCmd(bare, 'show', 'main:status/clusters/member1.yaml')).toMatch(/type: Ready\n\s+status: "True"/);
    gitCmd(bare, 'fsck', '--strict');
  });

  it('settles once workloads are healthy, then produces no commit while nothing changes', async () => {
    // Pods start after the first apply: health moves from Progressing to Healthy, and that is recorded.
    // One quiet pass can be a lull while pods are still being scheduled (the resource summary counts them):
    // settled means two quiet passes in a row with the storefront Healthy.
    let quiet = 0;
    const settled = await pollUntil(
      'two passes in a row with nothing to record',
      async () => {
        const r = await pass();
        const healthy = /aggregated:\n(\s+\w+: .*\n)*\s+health: Healthy/.test(gitCmd(bare, 'show', 'main:status/placements/shop/deployment.apps-web.yaml'));
        quiet = r.outcome === 'unchanged' && healthy ? quiet + 1 : 0;
        return quiet >= 2 ? r : undefined;
      },
      90_000,
      200,
    );
    expect(settled.rescheduled).toBe(false);
    expect(gitCmd(bare, 'show', 'main:status/placements/shop/deployment.apps-web.yaml')).toMatch(/aggregated:\n(\s+\w+: .*\n)*\s+health: Healthy/);
    const before = gitCmd(bare, 'rev-parse', 'main');
    for (let i = 0; i < 3; i++) {
      const r = await pass();
      expect(r.outcome).toBe('unchanged');
      expect(r.rescheduled).toBe(false);
    }
    expect(gitCmd(bare, 'rev-parse', 'main')).toBe(before);
  });

  it('makes no timestamp-only commits: an hour of quiet passes leaves the branch where it was', async () => {
    const before = gitCmd(bare, 'rev-parse', 'main');
    let clock = Date.now();
    // A fresh controller (nothing memoised) whose clock runs an hour ahead in 20-minute steps.
    const { reconciler: later, connector: laterConnector } = await controllerFor(remote, inject('kubeconfig'), {
      auth: { token: 'fleet-token' },
      cacheDir: join(remote.root, 'cache-clock'),
      now: () => new Date(clock),
    });
    for (let minutes = 0; minutes <= 60; minutes += 20) {
      clock = Date.now() + minutes * 60_000;
      const r = await later.reconcileOnce();
      expect(r.outcome).toBe('unchanged');
    }
    laterConnector.close();
    expect(gitCmd(bare, 'rev-parse', 'main')).toBe(before);
  });

  it('moves replicas when a pushed policy change says so', async () => {
    humanCommit('web: shift weight to member2', () => {
      const p = join(work, 'policies', 'shop.yaml');
      writeFileSync(p, readFileSync(p, 'utf8').replace('clusterNames: [member1]}\n            weight: 2', 'clusterNames: [member1]}\n            weight: 1').replace('clusterNames: [member2]}\n            weight: 1', 'clusterNames: [member2]}\n            weight: 2'));
    });
    const report = await pass();
    expect(report.rescheduled).toBe(true);
    expect(await deploymentReplicas('member1', 'web')).toBe(1);
    expect(await deploymentReplicas('member2', 'web')).toBe(2);
    expect(gitCmd(bare, 'show', 'main:status/placements/shop/deployment.apps-web.yaml')).toContain('- name: member2\n      replicas: 2');
  });

  it('prunes a removed workload, and refuses a commit that would empty the clusters', async () => {
    humanCommit('remove payments', () => unlinkSync(join(work, 'workloads', 'payments.yaml')));
    await pass();
    expect(await deploymentReplicas('member1', 'payments')).toBeUndefined();
    expect(await deploymentReplicas('member2', 'payments')).toBeUndefined();

    const emptied = humanCommit('oops: empty workloads', () => gitCmd(work, 'rm', '-rq', 'workloads'));
    const report = await pass();
    expect(report.notices.join('\n')).toMatch(/refusing to delete \d+ of \d+ objects on member1/);
    expect(await deploymentReplicas('member1', 'web')).toBe(1);
    expect(await deploymentReplicas('member3', 'api')).toBe(2);
    expect(gitCmd(bare, 'log', '-1', '--format=%B', 'main')).toMatch(/refusing to delete/);

    humanCommit('revert the accident', () => gitCmd(work, 'revert', '--no-commit', emptied));
    const after = await pass();
    expect(after.notices).toEqual([]);
    expect(await deploymentReplicas('member1', 'web')).toBe(1);
  });

  it('reports a broken YAML file and still reconciles everything else', async () => {
    humanCommit('add a broken file and a new config', () => {
      writeFileSync(join(work, 'workloads', 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n');
      writeFileSync(join(work, 'workloads', 'feature-flags.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: feature-flags, namespace: shop}\ndata: {dark-mode: "on"}\n');
      const p = join(work, 'policies', 'shop.yaml');
      writeFileSync(p, readFileSync(p, 'utf8').replace('    - {apiVersion: v1, kind: Service, name: web}', '    - {apiVersion: v1, kind: Service, name: web}\n    - {apiVersion: v1, kind: ConfigMap, name: feature-flags}'));
    });
    const report = await pass();
    expect(report.problems.some((p) => p.file === 'workloads/broken.yaml')).toBe(true);
    const ff = await getObject(clients.get('member1')!, 'v1', 'ConfigMap', 'shop', 'feature-flags');
    expect(ff?.data).toEqual({ 'dark-mode': 'on' });
    expect(await deploymentReplicas('member2', 'web')).toBe(2);
  });

  it('reports a stopped cluster NotReady while the others reconcile', async () => {
    const stateDir = inject('testbedStateDir');
    await testbedStopMember('member3', stateDir);
    try {
      humanCommit('turn the flag off', () => writeFileSync(join(work, 'workloads', 'feature-flags.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: feature-flags, namespace: shop}\ndata: {dark-mode: "off"}\n'));
      const report = await pass();
      expect(report.clusters.find((c) => c.name === 'member3')).toMatchObject({ ready: false, reason: 'ClusterNotReachable' });
      const status3 = gitCmd(bare, 'show', 'main:status/clusters/member3.yaml');
      expect(status3).toMatch(/type: Ready\n\s+status: "False"\n\s+reason: ClusterNotReachable/);
      expect(status3).toContain('kubernetesVersion: v1.36.3');
      const ff = await getObject(clients.get('member1')!, 'v1', 'ConfigMap', 'shop', 'feature-flags');
      expect(ff?.data).toEqual({ 'dark-mode': 'off' });
      // Nothing was taken away from the dead cluster's record: its inventory is kept for when it returns.
      expect(gitCmd(bare, 'show', 'main:status/inventory/member3.yaml')).toContain('name: api');
    } finally {
      await testbedStartMember('member3', stateDir);
    }
    const back = await pass();
    expect(back.clusters.find((c) => c.name === 'member3')?.ready).toBe(true);
    expect(gitCmd(bare, 'show', 'main:status/clusters/member3.yaml')).toMatch(/status: "True"/);
  });

  it('keeps a human commit pushed while the controller pushes status: both survive', async () => {
    humanCommit('scale web', () => {
      const p = join(work, 'workloads', 'web.yaml');
      writeFileSync(p, readFileSync(p, 'utf8').replace('replicas: 3', 'replicas: 6'));
    });
    // Land a docs commit by another human exactly when the controller starts its push.
    concurrentPush = () => {
      gitCmd(work, 'pull', '-q', '--rebase', 'origin', 'main');
      writeFileSync(join(work, 'README.md'), '# fleet\nconcurrent edit\n');
      gitCmd(work, 'commit', '-qam', 'docs: concurrent edit');
      gitCmd(work, 'push', '-q', 'origin', 'main');
    };
    const report = await pass();
    expect(report.outcome).toBe('committed');
    expect(concurrentPush).toBeUndefined();
    const log = gitCmd(bare, 'log', '--format=%s', '-3', 'main').split('\n');
    expect(log[0]).toMatch(/^flotilla: status of/);
    expect(log[1]).toBe('docs: concurrent edit');
    expect(log[2]).toBe('scale web');
    expect(gitCmd(bare, 'show', 'main:README.md')).toContain('concurrent edit');
    expect(gitCmd(bare, 'show', 'main:status/placements/shop/deployment.apps-web.yaml')).toContain('- name: member2\n      replicas: 4');
    gitCmd(bare, 'fsck', '--strict');
  });
});
