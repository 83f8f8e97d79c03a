/**
 * Watch, don't poll: with the poll interval set to an hour, a change to an applied object in a cluster is
 * noticed through the watch and reconciled right away. The latency is logged, not asserted (machines vary).
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClusterConnector } from '../../src/controller/clusters.js';
import type { PassReport } from '../../src/controller/reconcile.js';
import { runController } from '../../src/controller/run.js';
import { TEMPLATE_DIR } from '../../src/cli/init.js';
import { pollUntil } from '../../src/util/poll.js';
import { controllerFor, startFleetRemote, type FleetRemote } from '../support/fleet-remote.js';
import { getObject, memberClient } from './helpers.js';

let remote: FleetRemote;
let connector: ClusterConnector;
let client: Awaited<ReturnType<typeof memberClient>>;
const abort = new AbortController();
const passes: PassReport[] = [];
let running: Promise<unknown>;

beforeAll(async () => {
  remote = await startFleetRemote('watch');
  cpSync(join(TEMPLATE_DIR, 'clusters'), join(remote.work, 'clusters'), { recursive: true });
  remote.commit('watch fleet', {
    'workloads/app.yaml': `apiVersion: v1\nkind: Namespace\nmetadata: {name: wat}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: signal, namespace: wat}\ndata: {a: "1"}\n---
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: wat}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n    spec: {containers: [{name: w, image: registry.example.com/w:1}]}\n`,
    'policies/wat.yaml':
      'apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: wat, namespace: wat}\nspec:\n  resourceSelectors:\n    - {apiVersion: v1, kind: ConfigMap}\n    - {apiVersion: apps/v1, kind: Deployment}\n  placement:\n    clusterAffinity: {clusterNames: [member1]}\n',
  });
  const controller = await controllerFor(remote, inject('kubeconfig'));
  connector = controller.connector;
  const { reconciler, repo } = controller;
  running = runController({ reconciler, repo, intervalMs: 3_600_000, log: () => {}, signal: abort.signal, onPass: (r) => passes.push(r) });
  client = await memberClient('member1');
  // Converged: the Deployment is available and the watch-driven loop has gone quiet.
  let lastCount = -1;
  let quietSince = Date.now();
  await pollUntil(
    'the fleet to settle',
    async () => {
      if (passes.length !== lastCount) {
        lastCount = passes.length;
        quietSince = Date.now();
      }
      const d = await getObject(client, 'apps/v1', 'Deployment', 'wat', 'w');
      const available = (d?.status as { availableReplicas?: number } | undefined)?.availableReplicas === 1;
      return available && passes.length > 0 && Date.now() - quietSince > 1000 ? true : undefined;
    },
    60_000,
    100,
  );
});

afterAll(async () => {
  abort.abort();
  await running;
  connector?.close();
  client?.close();
  await remote?.close();
});

describe('watching applied objects', () => {
  it('puts back an object deleted by hand without waiting for the poll', async () => {
    const before = passes.length;
    const t0 = Date.now();
    await client.transport.requestOk('/api/v1/namespaces/wat/configmaps/signal', { method: 'DELETE' });
    const back = await pollUntil('the ConfigMap to be back', async () => getObject(client, 'v1', 'ConfigMap', 'wat', 'signal'), 15_000, 50);
    console.log(`[watch] deleted ConfigMap re-applied after ${Date.now() - t0} ms`);
    expect(back.data).toEqual({ a: '1' });
    // The pass that put it back reports it (it finishes after the object is back, so wait for it).
    const pass = await pollUntil('the pass that re-applied it', async () => passes.slice(before).find((p) => p.notices.some((n) => n.includes('ConfigMap/wat/signal was missing'))), 15_000, 50);
    expect(pass.clusters.find((c) => c.name === 'member1')?.ready).toBe(true);
  });

  it('reverts a manual scale without waiting for the poll', async () => {
    const t0 = Date.now();
    await client.transport.requestOk('/apis/apps/v1/namespaces/wat/deployments/w', {
      method: 'PATCH',
      body: { spec: { replicas: 3 } },
      contentType: 'application/merge-patch+json',
      query: { fieldManager: 'kubectl-edit' },
    });
    await pollUntil(
      'the scale to be reverted',
      async () => (((await getObject(client, 'apps/v1', 'Deployment', 'wat', 'w'))?.spec as { replicas: number }).replicas === 1 ? true : undefined),
      15_000,
      50,
    );
    console.log(`[watch] manual scale reverted after ${Date.now() - t0} ms`);
  });
});
