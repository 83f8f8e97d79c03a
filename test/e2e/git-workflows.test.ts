/**
 * The Git workflows end to end on the testbed: a rollback commit made by `flotilla rollback --push` is
 * reconciled back to the old placement, and a busy cluster's churning pods do not turn into a commit each.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { ClusterConnector } from '../../src/controller/clusters.js';
import type { Reconciler } from '../../src/controller/reconcile.js';
import { controllerFor, startFleetRemote, type FleetRemote } from '../support/fleet-remote.js';
import { gitCmd } from '../support/git.js';
import { pollUntil } from '../../src/util/poll.js';
import { getObject, memberClient } from './helpers.js';

const NS = 'workflows-e2e';
const TOKEN = 'fleet-token';

function fleetFiles(weights: [number, number], summaryIntervalSeconds: number): Record<string, string> {
  const cluster = (name: string) => `apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: ${name}}\nspec: {syncMode: Push, region: eu-west}\n`;
  return {
    'fleet.yaml': `apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: wf}\nspec: {status: {summaryIntervalSeconds: ${summaryIntervalSeconds}}}\n`,
    'clusters/member1.yaml': cluster('member1'),
    'clusters/member2.yaml': cluster('member2'),
    'workloads/web.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      `metadata: {name: web, namespace: ${NS}}`,
      'spec:',
      '  replicas: 3',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec: {containers: [{name: web, image: "registry.example.com/web:1"}]}',
      '',
    ].join('\n'),
    'policies/web.yaml': [
      'apiVersion: policy.karmada.io/v1alpha1',
      'kind: PropagationPolicy',
      `metadata: {name: web, namespace: ${NS}}`,
      'spec:',
      '  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]',
      '  placement:',
      '    clusterAffinity: {clusterNames: [member1, member2]}',
      '    replicaScheduling:',
      '      replicaSchedulingType: Divided',
      '      replicaDivisionPreference: Weighted',
      '      weightPreference:',
      '        staticWeightList:',
      `          - {targetCluster: {clusterNames: [member1]}, weight: ${weights[0]}}`,
      `          - {targetCluster: {clusterNames: [member2]}, weight: ${weights[1]}}`,
      '',
    ].join('\n'),
  };
}

let remote: FleetRemote;
let reconciler: Reconciler;
let connector: ClusterConnector;
const clients = new Map<string, Awaited<ReturnType<typeof memberClient>>>();

async function replicas(member: string): Promise<number | undefined> {
  const d = await getObject(clients.get(member)!, 'apps/v1', 'Deployment', NS, 'web');
  return d ? ((d.spec as { replicas?: number }).replicas ?? 1) : undefined;
}

beforeAll(async () => {
  remote = await startFleetRemote('workflows', { password: TOKEN });
  remote.commit('initial fleet', fleetFiles([2, 1], 20));
  ({ reconciler, connector } = await controllerFor(remote, inject('kubeconfig'), { auth: { token: TOKEN } }));
  for (const m of ['member1', 'member2']) clients.set(m, await memberClient(m));
});

afterAll(async () => {
  connector?.close();
  for (const c of clients.values()) c.close();
  await remote?.close();
});

describe('flotilla rollback', () => {
  it('makes one commit that the controller reconciles back to the old placement', async () => {
    await reconciler.reconcileOnce();
    expect([await replicas('member1'), await replicas('member2')]).toEqual([2, 1]);
    const change = remote.commit('web: weights 1:2', fleetFiles([1, 2], 20));
    await reconciler.reconcileOnce();
    expect([await replicas('member1'), await replicas('member2')]).toEqual([1, 2]);

    // The status commits since are observation: rolling back to before the change keeps them.
    const statusBefore = gitCmd(remote.bare, 'rev-parse', 'main:status');
    process.env.FLOTILLA_GIT_TOKEN = TOKEN;
    process.env.GIT_AUTHOR_NAME = 'On Call';
    process.env.GIT_AUTHOR_EMAIL = 'oncall@example.com';
    try {
      expect(await main(['node', 'flotilla', 'rollback', '--to', `${change}^`, '--repo', remote.url, '--push'])).toBe(0);
    } finally {
      delete process.env.FLOTILLA_GIT_TOKEN;
      delete process.env.GIT_AUTHOR_NAME;
      delete process.env.GIT_AUTHOR_EMAIL;
    }
    expect(gitCmd(remote.bare, 'log', '-1', '--format=%an|%s', 'main')).toMatch(/^On Call\|Roll back desired state to [0-9a-f]{7}/);
    expect(gitCmd(remote.bare, 'rev-parse', 'main:status')).toBe(statusBefore);
    expect(gitCmd(remote.bare, 'show', 'main:policies/web.yaml')).toBe(gitCmd(remote.bare, 'show', `${change}^:policies/web.yaml`));

    const report = await reconciler.reconcileOnce();
    expect(report.rescheduled).toBe(true);
    expect([await replicas('member1'), await replicas('member2')]).toEqual([2, 1]);
    gitCmd(remote.bare, 'fsck', '--strict');
  });
});

describe('a busy cluster', () => {
  /** Passes for `ms` while a pod comes or goes on member1 every second; returns the status commits made. */
  async function churn(ms: number): Promise<number> {
    const c = clients.get('member1')!;
    const before = Number(gitCmd(remote.bare, 'rev-list', '--count', 'main'));
    const end = Date.now() + ms;
    for (let i = 0; Date.now() < end; i++) {
      const name = `churn-${i % 4}`;
      const existing = await getObject(c, 'v1', 'Pod', 'default', name);
      if (existing) await c.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name }, String(existing.metadata.uid));
      else {
        await c.apply(
          { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m' } } }] } },
          { fieldManager: 'churn-e2e' },
        );
      }
      await reconciler.reconcileOnce();
    }
    return Number(gitCmd(remote.bare, 'rev-list', '--count', 'main')) - before;
  }

  it('records capacity at most every spec.status.summaryIntervalSeconds, while pods come and go', async () => {
    // Settle first: the rollback's rollout records health transitions (at once, as it should); only churn counts.
    await pollUntil(
      'web Healthy and a quiet pass',
      async () => {
        const quiet = (await reconciler.reconcileOnce()).outcome === 'unchanged';
        const healthy = /aggregated:\n(\s+\w+: .*\n)*\s+health: Healthy/.test(gitCmd(remote.bare, 'show', `main:status/placements/${NS}/deployment.apps-web.yaml`));
        return quiet && healthy ? true : undefined;
      },
      90_000,
      500,
    );
    const seconds = 45;
    const coarse = await churn(seconds * 1000);
    // With a 20 s interval: at most one commit per interval (plus one at the edge), whatever the churn.
    expect(coarse).toBeLessThanOrEqual(Math.ceil(seconds / 20) + 1);
    // The old behaviour for comparison: every change recorded (interval 0).
    remote.commit('record every change', { 'fleet.yaml': fleetFiles([2, 1], 0)['fleet.yaml']! });
    await reconciler.reconcileOnce();
    const every = await churn(15_000);
    process.stderr.write(
      `status commits from pod churn: ${coarse} in ${seconds} s with a 20 s summary interval (${Math.round((coarse * 3600) / seconds)}/h), ` +
        `${every} in 15 s recording every change (${Math.round((every * 3600) / 15)}/h)\n`,
    );
    expect(every).toBeGreaterThan(coarse);
  });
});
