/**
 * /metrics, /healthz and /readyz over HTTP on an ephemeral port: first served around in-memory passes, then by
 * `flotilla run` itself (in-process, stopped the way a pod is, with SIGTERM).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { initFleetRepo } from '../../src/cli/init.js';
import { main } from '../../src/cli/main.js';
import { Reconciler } from '../../src/controller/reconcile.js';
import { PrometheusTelemetry } from '../../src/telemetry/metrics.js';
import { readinessOf, serveEndpoints } from '../../src/telemetry/server.js';
import { pollUntil } from '../../src/util/poll.js';
import { memoryConnector } from '../support/memory-clusters.js';
import { MemoryFleetSource } from '../support/memory-fleet-source.js';
import { parsePrometheusText } from '../support/prometheus-text.js';

const root = mkdtempSync(join(tmpdir(), 'flotilla-endpoints-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const get = async (url: string, init?: RequestInit) => {
  const res = await fetch(url, init);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
};

const FLEET = {
  'clusters/member1.yaml': 'apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member1}\nspec: {syncMode: Push}\n',
  'policies/all.yaml':
    'apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: all, namespace: shop}\n' +
    'spec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  placement: {clusterAffinity: {clusterNames: [member1]}}\n',
  'workloads/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\ndata: {v: "1"}\n',
};

describe('the telemetry endpoints', () => {
  it('say alive at once, ready only after a pass, and serve the metrics as Prometheus text', async () => {
    const telemetry = new PrometheusTelemetry();
    const reconciler = new Reconciler({ repo: new MemoryFleetSource(FLEET), connector: memoryConnector(['member1']), telemetry });
    const endpoints = await serveEndpoints({
      address: { host: '127.0.0.1', port: 0 },
      metrics: () => telemetry.metrics(),
      contentType: telemetry.registry.contentType,
      readiness: () => readinessOf(telemetry.lastSuccessAt, 60_000, Date.now()),
    });
    try {
      expect(await get(`${endpoints.url}/healthz`)).toMatchObject({ status: 200, body: 'ok\n' });
      expect(await get(`${endpoints.url}/readyz`)).toMatchObject({ status: 503, body: 'no reconcile pass has completed yet\n' });
      await reconciler.reconcileOnce();
      expect((await get(`${endpoints.url}/readyz`)).status).toBe(200);
      const metrics = await get(`${endpoints.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
      const scrape = parsePrometheusText(metrics.body);
      expect(scrape.value('flotilla_cluster_ready', { cluster: 'member1' })).toBe(1);
      expect(scrape.value('flotilla_objects_applied_total', { cluster: 'member1' })).toBe(2);
      expect(scrape.value('flotilla_reconcile_passes_total', { result: 'success' })).toBe(1);
      expect((await get(`${endpoints.url}/metrics`, { method: 'POST' })).status).toBe(405);
      expect((await get(`${endpoints.url}/other`)).status).toBe(404);
    } finally {
      await endpoints.close();
    }
  });

  it('turns unready when the last completed pass is older than the window', () => {
    expect(readinessOf(1_000, 60_000, 61_000)).toEqual({ ready: true, message: 'ok' });
    expect(readinessOf(1_000, 60_000, 61_001)).toEqual({ ready: false, message: 'the last completed pass ended 60 s ago (allowed: 60 s)' });
  });

  it('are served by flotilla run --metrics-addr, and closed when it stops', async () => {
    const dir = join(root, 'fleet');
    await initFleetRepo(dir);
    const kubeconfig = join(root, 'kubeconfig');
    // No contexts: every cluster is NotReady, and passes still complete (the controller itself is fine).
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    const running = main(['node', 'flotilla', 'run', '--repo', dir, '--kubeconfig', kubeconfig, '--interval', '1h', '--metrics-addr', '127.0.0.1:0', '--log-format', 'text']);
    let url = '';
    try {
      url = await pollUntil('the endpoints are served', async () => lines.join('').match(/serving \/metrics, \/healthz and \/readyz on (http:\/\/127\.0\.0\.1:\d+)/)?.[1], 20_000, 20);
      await pollUntil('ready after the first pass', async () => ((await get(`${url}/readyz`)).status === 200 ? true : undefined), 30_000, 50);
      const scrape = parsePrometheusText((await get(`${url}/metrics`)).body);
      expect(scrape.value('flotilla_cluster_ready', { cluster: 'member1' })).toBe(0);
      expect(scrape.value('flotilla_status_commits_total', { kind: 'status' })).toBe(1);
      expect(lines.join('')).toMatch(/INFO {2}pass at [0-9a-f]{7} in \d+ ms: member1:NotReady/);
    } finally {
      process.emit('SIGTERM');
      expect(await running).toBe(0);
      vi.restoreAllMocks();
    }
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
