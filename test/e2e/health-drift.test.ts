/**
 * Observe stage end to end: per-cluster health of real workloads, drift correction, conflicts with objects
 * Flotilla does not own. A separate fleet (namespace `obs`) so it does not interfere with other files.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClusterConnector } from '../../src/controller/clusters.js';
import type { PassReport, Reconciler } from '../../src/controller/reconcile.js';
import { TEMPLATE_DIR } from '../../src/cli/init.js';
import { pollUntil } from '../../src/util/poll.js';
import { crashLoopOn } from '../support/failover-fleet.js';
import { controllerFor, startFleetRemote, type FleetRemote } from '../support/fleet-remote.js';
import { gitCmd } from '../support/git.js';
import { getObject, memberClient, serverSideApply } from './helpers.js';

type Client = Awaited<ReturnType<typeof memberClient>>;
let remote: FleetRemote;
let bare: string;
let reconciler: Reconciler;
let connector: ClusterConnector;
const clients = new Map<string, Client>();

const deployment = (annotations = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo
  namespace: obs${annotations}
spec:
  replicas: 2
  # Argo CD's rule: a rollout is Progressing until its deadline passes, then Degraded. Keep the wait short.
  progressDeadlineSeconds: 10
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec: {containers: [{name: echo, image: registry.example.com/echo:1.0}]}
`;
const POLICY = `apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: obs, namespace: obs}
spec:
  resourceSelectors:
    - {apiVersion: apps/v1, kind: Deployment, name: echo}
    - {apiVersion: v1, kind: ConfigMap, name: legacy}
  placement:
    clusterAffinity: {clusterNames: [member1, member2]}
    replicaScheduling: {replicaSchedulingType: Duplicated}
`;
const CRASH_ON_MEMBER2 = crashLoopOn('member2', 'obs', 'echo');

const commit = (message: string, files: Record<string, string | null>): string => remote.commit(message, files);

/** Passes until one has nothing left to record: the fleet has converged. */
async function settle(): Promise<PassReport> {
  return pollUntil(
    'the fleet to settle',
    async () => {
      const r = await reconciler.reconcileOnce();
      return r.outcome === 'unchanged' ? r : undefined;
    },
    90_000,
    250,
  );
}

const placement = () => gitCmd(bare, 'show', 'main:status/placements/obs/deployment.apps-echo.yaml');
const clusterHealth = (text: string, cluster: string) => new RegExp(`- name: ${cluster}\\n\\s+applied: true\\n\\s+health: (\\w+)`).exec(text)?.[1];

beforeAll(async () => {
  remote = await startFleetRemote('obs');
  bare = remote.bare;
  cpSync(join(TEMPLATE_DIR, 'clusters'), join(remote.work, 'clusters'), { recursive: true });
  commit('observability fleet', {
    'workloads/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: obs}\n',
    'workloads/echo.yaml': deployment(),
    'policies/obs.yaml': POLICY,
    'policies/crash.yaml': CRASH_ON_MEMBER2,
  });
  ({ connector, reconciler } = await controllerFor(remote, inject('kubeconfig')));
  for (const m of ['member1', 'member2']) clients.set(m, await memberClient(m));
});

afterAll(async () => {
  connector?.close();
  for (const c of clients.values()) c.close();
  await remote?.close();
});

describe('health', () => {
  it('records a workload Degraded on the one cluster where its pods crash, and Healthy once fixed', async () => {
    // On a loaded machine member1's rollout may itself pass the short deadline before its pods are ready;
    // it recovers to Healthy once they are, so wait for the combined state rather than a snapshot.
    const text = await pollUntil(
      'member2 Degraded (past its progress deadline) while member1 is Healthy',
      async () => {
        await reconciler.reconcileOnce();
        const t = placement();
        return clusterHealth(t, 'member2') === 'Degraded' && clusterHealth(t, 'member1') === 'Healthy' ? t : undefined;
      },
      120_000,
      1000,
    );
    expect(text).toMatch(/aggregated:\n(\s+\w+: .*\n)*\s+health: Degraded/);

    commit('fix member2', { 'policies/crash.yaml': null });
    const fixed = await pollUntil(
      'both clusters Healthy',
      async () => {
        await reconciler.reconcileOnce();
        const t = placement();
        return clusterHealth(t, 'member1') === 'Healthy' && clusterHealth(t, 'member2') === 'Healthy' ? t : undefined;
      },
      120_000,
      500,
    );
    expect(clusterHealth(fixed, 'member1')).toBe('Healthy');
    expect(clusterHealth(fixed, 'member2')).toBe('Healthy');
  });
});

describe('drift', () => {
  const scaleByHand = async (replicas: number) => {
    const c = clients.get('member1')!;
    await c.transport.requestOk('/apis/apps/v1/namespaces/obs/deployments/echo', {
      method: 'PATCH',
      body: { spec: { replicas } },
      contentType: 'application/merge-patch+json',
      query: { fieldManager: 'kubectl-edit' },
    });
  };
  const replicas = async () => ((await getObject(clients.get('member1')!, 'apps/v1', 'Deployment', 'obs', 'echo'))?.spec as { replicas: number }).replicas;

  it('reverts a manual change in one cluster and reports it', async () => {
    await scaleByHand(5);
    const report = await reconciler.reconcileOnce();
    expect(report.notices.join('\n')).toMatch(/member1: Deployment\/obs\/echo: drift at \/spec\/replicas corrected/);
    expect(await replicas()).toBe(2);
    await settle();
  });

  it('only reports drift when the template says so', async () => {
    commit('echo: report drift only', { 'workloads/echo.yaml': deployment('\n  annotations: {flotilla.dev/drift: report}') });
    await settle();
    await scaleByHand(4);
    await reconciler.reconcileOnce();
    expect(await replicas()).toBe(4);
    expect(placement()).toMatch(/- name: member1\n\s+applied: true\n\s+health: \w+\n\s+message: "?drifted from the fleet repository at \/spec\/replicas.*\n\s+drift: true/);
  });
});

describe('conflicts', () => {
  it('leaves an object it does not own alone, and reports it, until the policy says Overwrite', async () => {
    const c1 = clients.get('member1')!;
    await serverSideApply(c1, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'legacy', namespace: 'obs' }, data: { owner: 'someone-else' } }, 'hand-made');
    commit('adopt legacy config', { 'workloads/legacy.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: legacy, namespace: obs}\ndata: {owner: flotilla}\n' });
    const report = await reconciler.reconcileOnce();
    const conflict = report.clusters.find((c) => c.name === 'member1')?.changeSet?.entries.find((e) => e.ref.name === 'legacy');
    expect(conflict?.action).toBe('conflict');
    expect(conflict?.message).toMatch(/already exists on member1 and is not managed by Flotilla/);
    expect((await getObject(c1, 'v1', 'ConfigMap', 'obs', 'legacy'))?.data).toEqual({ owner: 'someone-else' });
    // member2 had no such object: it simply gets it.
    expect((await getObject(clients.get('member2')!, 'v1', 'ConfigMap', 'obs', 'legacy'))?.data).toEqual({ owner: 'flotilla' });
    expect(gitCmd(bare, 'show', 'main:status/placements/obs/configmap-legacy.yaml')).toMatch(/- name: member1\n\s+applied: false\n\s+health: Missing\n\s+message: .*not managed by Flotilla/);

    commit('take it over', { 'policies/obs.yaml': POLICY.replace('spec:\n', 'spec:\n  conflictResolution: Overwrite\n') });
    await reconciler.reconcileOnce();
    const taken = await getObject(c1, 'v1', 'ConfigMap', 'obs', 'legacy');
    expect(taken?.data).toEqual({ owner: 'flotilla' });
    expect(taken?.metadata.labels).toMatchObject({ 'flotilla.dev/managed': 'true' });
  });
});

