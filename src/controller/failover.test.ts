/**
 * Failover through the controller, with in-memory clusters and an injected clock: a dead cluster's NoExecute taint
 * evicts its placements (recorded as tasks, said in the commit message), the old copies wait while the cluster is
 * away, and go when it returns — past the prune circuit breaker, which only guards against accidents.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { memoryConnector } from '../../test/support/memory-clusters.js';
import { MemoryFleetSource } from '../../test/support/memory-fleet-source.js';
import { Reconciler } from './reconcile.js';

const NS = 'shop';
const names = ['a', 'b', 'c', 'd'];

function files(policyPlacement: string, extraPolicies = ''): Record<string, string> {
  const cluster = (n: string) => `apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: ${n}}\nspec: {syncMode: Push}\n`;
  const out: Record<string, string> = {
    'fleet.yaml': 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec: {maxPruneFraction: 0.5, failover: {defaultTolerationSeconds: 0}}\n',
    'clusters/m1.yaml': cluster('m1'),
    'clusters/m2.yaml': cluster('m2'),
    'policies/taints.yaml': [
      'apiVersion: policy.karmada.io/v1alpha1',
      'kind: ClusterTaintPolicy',
      'metadata: {name: not-ready}',
      'spec:',
      '  addOnConditions: [{conditionType: Ready, operator: In, statusValues: ["False", "Unknown"]}]',
      '  removeOnConditions: [{conditionType: Ready, operator: In, statusValues: ["True"]}]',
      '  taints: [{key: cluster.karmada.io/not-ready, effect: NoExecute}]',
      '',
    ].join('\n'),
    'policies/all.yaml': `apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: all, namespace: ${NS}}\nspec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  placement: ${policyPlacement}\n${extraPolicies}`,
  };
  for (const n of names) out[`workloads/${n}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}, namespace: ${NS}}\ndata: {v: "1"}\n`;
  return out;
}

function setup(placement: string) {
  const clock = { ms: Date.parse('2026-06-01T10:00:00Z') };
  const repo = new MemoryFleetSource(files(placement));
  const connector = memoryConnector(['m1', 'm2']);
  const reconciler = new Reconciler({ repo, connector, clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 0, resyncIntervalMs: 0, now: () => new Date(clock.ms) });
  const configMaps = (c: string) =>
    connector.clusters
      .get(c)!
      .snapshot()
      .filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.['flotilla.dev/managed'] === 'true')
      .map((o) => o.metadata.name)
      .sort();
  const placementOf = (n: string) => parse(repo.read(`status/placements/${NS}/configmap-${n}.yaml`) ?? 'null') as { spec: { clusters: { name: string }[]; gracefulEvictionTasks?: Record<string, unknown>[] } };
  return { clock, repo, connector, reconciler, configMaps, placementOf };
}

describe('failover in the controller', () => {
  it('evicts a dead cluster, marks its old copies for deletion while it is away, keeps them when the placement returns', async () => {
    const t = setup('{clusterAffinity: {clusterNames: [m1, m2]}, replicaScheduling: {replicaSchedulingType: Duplicated}}');
    await t.reconciler.reconcileOnce();
    expect(t.configMaps('m1')).toEqual(names);

    t.connector.clusters.get('m1')!.unreachable = true;
    t.clock.ms += 10_000;
    const evicted = await t.reconciler.reconcileOnce();
    expect(evicted.outcome).toBe('committed');
    const placement = t.placementOf('a');
    expect(placement.spec.clusters.map((c) => c.name)).toEqual(['m2']);
    expect(placement.spec.gracefulEvictionTasks).toEqual([
      expect.objectContaining({ fromCluster: 'm1', reason: 'TaintUntolerated', producer: 'TaintManager', purgeMode: 'Gracefully', creationTimestamp: '2026-06-01T10:00:10Z' }),
    ]);
    const message = t.repo.commits.at(-1)!.message;
    expect(message).toMatch(/^flotilla: m1 NotReady/);
    expect(message).toMatch(/taint cluster\.karmada\.io\/not-ready:NoExecute/);
    expect(message).toMatch(/evicted from m1/);

    // The next observation finds the copies Healthy on m2: the tasks clear (Karmada's rule), even with m1 away.
    t.clock.ms += 5_000;
    await t.reconciler.reconcileOnce();
    expect(t.placementOf('a').spec.gracefulEvictionTasks).toBeUndefined();
    expect(t.repo.commits.at(-1)!.message).toMatch(/old copy on m1 deleted/);
    // m1 cannot be reached: its copies are marked in its inventory, to go as a decision when it is back.
    const inventory = () => parse(t.repo.read('status/inventory/m1.yaml') ?? 'entries: []') as { entries: { name: string; evicted?: boolean }[] };
    expect(inventory().entries.filter((e) => e.evicted).map((e) => e.name)).toEqual(names);

    // Back: a Duplicated placement is scheduled afresh and returns to m1, so its copies are kept, not re-created.
    t.connector.clusters.get('m1')!.unreachable = false;
    t.clock.ms += 10_000;
    const back = await t.reconciler.reconcileOnce();
    expect(back.notices.filter((n) => n.includes('refusing'))).toEqual([]);
    expect(t.placementOf('a').spec.gracefulEvictionTasks).toBeUndefined();
    expect(t.placementOf('a').spec.clusters.map((c) => c.name)).toEqual(['m1', 'm2']);
    expect(t.configMaps('m1')).toEqual(names);
    expect(inventory().entries.filter((e) => e.evicted)).toEqual([]);
  });

  it('deletes the old copies of a Divided workload that stays where failover put it, once the grace period is over', async () => {
    const t = setup('{clusterAffinity: {clusterNames: [m1, m2]}, replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}}');
    t.repo.humanCommit('add web', {
      'workloads/web.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ${NS}}\nspec:\n  replicas: 4\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: web:1}]}\n`,
      'policies/web.yaml': `apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: web, namespace: ${NS}}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]\n  placement: {clusterAffinity: {clusterNames: [m1, m2]}, replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}}\n`,
    });
    const web = () => parse(t.repo.read(`status/placements/${NS}/deployment.apps-web.yaml`) ?? 'null') as { spec: { clusters: { name: string; replicas: number }[]; gracefulEvictionTasks?: unknown[] } };
    const onM1 = () => t.connector.clusters.get('m1')!.snapshot().some((o) => o.kind === 'Deployment' && o.metadata.name === 'web');
    await t.reconciler.reconcileOnce();
    expect(web().spec.clusters).toEqual([{ name: 'm1', replicas: 2 }, { name: 'm2', replicas: 2 }]);
    t.connector.clusters.get('m1')!.unreachable = true;
    t.clock.ms += 10_000;
    await t.reconciler.reconcileOnce();
    expect(web().spec.clusters).toEqual([{ name: 'm2', replicas: 4 }]);
    expect(t.repo.commits.at(-1)!.message).toMatch(/shop\/web: 2 replicas evicted from m1 to m2/);

    // Back, but the workload on m2 has not been Healthy yet (nothing runs pods here): the old copy waits.
    t.connector.clusters.get('m1')!.unreachable = false;
    t.clock.ms += 10_000;
    await t.reconciler.reconcileOnce();
    expect(onM1()).toBe(true);
    expect(web().spec.gracefulEvictionTasks).toHaveLength(1);

    // The 10-minute default grace period ends: the old copy goes, and the placement does not move back.
    t.clock.ms += 600_000;
    await t.reconciler.reconcileOnce();
    expect(onM1()).toBe(false);
    expect(web().spec.clusters).toEqual([{ name: 'm2', replicas: 4 }]);
    expect(web().spec.gracefulEvictionTasks).toBeUndefined();
    expect(t.repo.commits.at(-1)!.message).toMatch(/old copy on m1/);
  });

  it('never evicts when no other cluster can take over: placement kept, Unschedulable, nothing deleted', async () => {
    const t = setup('{clusterAffinity: {clusterNames: [m1]}}');
    await t.reconciler.reconcileOnce();
    t.connector.clusters.get('m1')!.unreachable = true;
    t.clock.ms += 10_000;
    await t.reconciler.reconcileOnce();
    const p = t.placementOf('a') as ReturnType<typeof t.placementOf> & { status: { conditions: { reason: string; message: string }[] } };
    expect(p.spec.clusters.map((c) => c.name)).toEqual(['m1']);
    expect(p.spec.gracefulEvictionTasks).toBeUndefined();
    expect(p.status.conditions[0]).toMatchObject({ reason: 'Unschedulable', message: expect.stringMatching(/eviction from m1 not carried out/) });
    t.connector.clusters.get('m1')!.unreachable = false;
    t.clock.ms += 10_000;
    await t.reconciler.reconcileOnce();
    expect(t.configMaps('m1')).toEqual(names);
  });
});
