import { describe, expect, it, vi } from 'vitest';
import { memoryConnector } from '../../test/support/memory-clusters.js';
import { MemoryFleetSource } from '../../test/support/memory-fleet-source.js';
import { parsePrometheusText } from '../../test/support/prometheus-text.js';
import { Reconciler } from '../controller/reconcile.js';
import { SourceError } from '../model/errors.js';
import { PrometheusTelemetry } from './metrics.js';

const NS = 'shop';
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${NS}}\ndata: {value: "1"}\n`;
const clusterFile = (name: string) => `apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: ${name}}\nspec: {syncMode: Push}\n`;
const policy = (name: string, kind: string, clusters: string[]) =>
  `apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: ${name}, namespace: ${NS}}\n` +
  `spec:\n  resourceSelectors: [{apiVersion: v1, kind: ${kind}}]\n  placement: {clusterAffinity: {clusterNames: [${clusters.join(', ')}]}}\n`;

/** member1 and member2 answer; member3 has no credentials, so it is NotReady and a Secret placed only there is unschedulable. */
function fleetFiles(configMaps: string[]): Record<string, string> {
  const files: Record<string, string> = {
    'fleet.yaml': 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec: {maxPruneFraction: 1}\n',
    'policies/maps.yaml': policy('maps', 'ConfigMap', ['member1', 'member2']),
    'policies/secrets.yaml': policy('secrets', 'Secret', ['member3']),
    'workloads/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ${NS}}\nstringData: {k: v}\n`,
  };
  for (const c of ['member1', 'member2', 'member3']) files[`clusters/${c}.yaml`] = clusterFile(c);
  for (const n of configMaps) files[`workloads/${n}.yaml`] = configMap(n);
  return files;
}

function setup() {
  const repo = new MemoryFleetSource(fleetFiles(['a', 'b']));
  const connector = memoryConnector(['member1', 'member2']);
  const telemetry = new PrometheusTelemetry({ now: () => Date.UTC(2026, 4, 1, 12) });
  const reconciler = new Reconciler({ repo, connector, telemetry, clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 0, resyncIntervalMs: 0 });
  return { repo, connector, telemetry, reconciler };
}

const scrape = async (t: PrometheusTelemetry) => parsePrometheusText(await t.metrics());
const perCluster = (name: string) => async (t: PrometheusTelemetry) => {
  const m = await scrape(t);
  return Object.fromEntries(['member1', 'member2', 'member3'].map((c) => [c, m.value(name, { cluster: c })]));
};

describe('PrometheusTelemetry after passes with in-memory clusters', () => {
  it('reports stages, objects, placements, cluster readiness, Git round trips and commits as Prometheus text', async () => {
    const { reconciler, telemetry } = setup();
    await reconciler.reconcileOnce();
    const m = await scrape(telemetry);
    for (const stage of ['source', 'load', 'observe', 'schedule', 'render', 'apply', 'record']) {
      expect(m.value('flotilla_reconcile_stage_duration_seconds_count', { stage }), stage).toBe(1);
      expect(m.value('flotilla_reconcile_stage_duration_seconds_sum', { stage }), stage).toBeGreaterThanOrEqual(0);
    }
    expect(m.types.get('flotilla_reconcile_stage_duration_seconds')).toBe('histogram');
    expect(m.value('flotilla_reconcile_passes_total', { result: 'success' })).toBe(1);
    // The two ConfigMaps and the namespace they live in, on each reachable member; nothing on member3.
    expect(await perCluster('flotilla_objects_applied_total')(telemetry)).toEqual({ member1: 3, member2: 3, member3: 0 });
    expect(m.types.get('flotilla_objects_applied_total')).toBe('counter');
    expect(m.value('flotilla_placements', { state: 'scheduled' })).toBe(2);
    expect(m.value('flotilla_placements', { state: 'unschedulable' })).toBe(1);
    expect(await perCluster('flotilla_cluster_ready')(telemetry)).toEqual({ member1: 1, member2: 1, member3: 0 });
    // One fetch; two pushes: the write-ahead intent before creating, then the status.
    expect(m.value('flotilla_git_fetch_duration_seconds_count')).toBe(1);
    expect(m.value('flotilla_git_push_duration_seconds_count')).toBe(2);
    expect(m.value('flotilla_status_commits_total', { kind: 'intent' })).toBe(1);
    expect(m.value('flotilla_status_commits_total', { kind: 'status' })).toBe(1);
    expect(m.value('flotilla_last_successful_pass_timestamp_seconds')).toBe(Date.UTC(2026, 4, 1, 12) / 1000);
    expect(m.samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
  });

  it('counts prunes and drift corrections per cluster, and skips schedule and render when nothing moved', async () => {
    const { repo, connector, reconciler, telemetry } = setup();
    await reconciler.reconcileOnce();
    const member1 = connector.clusters.get('member1')!;
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'a' };
    await member1.delete(ref);
    await reconciler.reconcileOnce();
    expect(await perCluster('flotilla_objects_drift_corrected_total')(telemetry)).toEqual({ member1: 1, member2: 0, member3: 0 });
    expect(await perCluster('flotilla_objects_applied_total')(telemetry)).toEqual({ member1: 4, member2: 3, member3: 0 });
    let m = await scrape(telemetry);
    expect(m.value('flotilla_reconcile_stage_duration_seconds_count', { stage: 'apply' })).toBe(2);
    expect(m.value('flotilla_reconcile_stage_duration_seconds_count', { stage: 'schedule' })).toBe(1);

    repo.humanCommit('drop b', { 'workloads/b.yaml': null });
    await reconciler.reconcileOnce();
    expect(await perCluster('flotilla_objects_pruned_total')(telemetry)).toEqual({ member1: 1, member2: 1, member3: 0 });
    m = await scrape(telemetry);
    expect(m.value('flotilla_reconcile_stage_duration_seconds_count', { stage: 'schedule' })).toBe(2);
    expect(m.value('flotilla_placements', { state: 'scheduled' })).toBe(1);
  });

  it('counts a failed fetch as a failed pass and leaves the last success time alone', async () => {
    const { repo, reconciler, telemetry } = setup();
    await reconciler.reconcileOnce();
    const before = (await scrape(telemetry)).value('flotilla_last_successful_pass_timestamp_seconds');
    vi.spyOn(repo, 'sync').mockRejectedValueOnce(new SourceError('E_FETCH', 'fetch https://git.example/fleet main: connection refused'));
    await expect(reconciler.reconcileOnce()).rejects.toThrow(/connection refused/);
    const m = await scrape(telemetry);
    expect(m.value('flotilla_git_failures_total', { operation: 'fetch' })).toBe(1);
    expect(m.value('flotilla_git_failures_total', { operation: 'push' })).toBe(0);
    expect(m.value('flotilla_reconcile_passes_total', { result: 'error' })).toBe(1);
    expect(m.value('flotilla_git_fetch_duration_seconds_count')).toBe(2);
    expect(m.value('flotilla_last_successful_pass_timestamp_seconds')).toBe(before);
  });

  it('labels series only with bounded values: stage, result, cluster, state, operation, kind', async () => {
    const { reconciler, telemetry } = setup();
    await reconciler.reconcileOnce();
    const m = await scrape(telemetry);
    const labels = new Set(m.samples.filter((s) => s.name.startsWith('flotilla_')).flatMap((s) => Object.keys(s.labels)));
    expect([...labels].sort()).toEqual(['cluster', 'kind', 'le', 'operation', 'result', 'stage', 'state']);
    const values = new Set(m.samples.flatMap((s) => Object.values(s.labels)));
    for (const object of ['a', 'b', 's', 'shop']) expect(values.has(object)).toBe(false);
  });

  it('drops the readiness series of a cluster removed from the fleet', async () => {
    const { repo, reconciler, telemetry } = setup();
    await reconciler.reconcileOnce();
    repo.humanCommit('retire member3', { 'clusters/member3.yaml': null, 'policies/secrets.yaml': null });
    await reconciler.reconcileOnce();
    const m = await scrape(telemetry);
    expect(m.value('flotilla_cluster_ready', { cluster: 'member3' })).toBeUndefined();
    expect(m.value('flotilla_cluster_ready', { cluster: 'member1' })).toBe(1);
  });
});
