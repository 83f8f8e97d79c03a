import { describe, expect, it } from 'vitest';
import { Reconciler } from '../controller/reconcile.js';
import { memoryConnector } from '../../test/support/memory-clusters.js';
import { MemoryFleetSource } from '../../test/support/memory-fleet-source.js';
import { PassAbandonedError } from './abandon.js';

const files = {
  'fleet.yaml': 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec: {}\n',
  'clusters/member1.yaml': 'apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member1}\nspec: {syncMode: Push}\n',
  'policies/all.yaml':
    'apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: all, namespace: shop}\nspec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  placement: {clusterAffinity: {clusterNames: [member1]}}\n',
  'workloads/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\ndata: {value: "1"}\n',
};

describe('an abandoned pass', () => {
  it('stops before its first write when the Lease is already lost: no commit, nothing applied', async () => {
    const repo = new MemoryFleetSource(files);
    const connector = memoryConnector(['member1']);
    const reconciler = new Reconciler({ repo, connector, clusterFailureThresholdMs: 0 });
    const lost = new AbortController();
    lost.abort();
    await expect(reconciler.reconcileOnce(lost.signal)).rejects.toBeInstanceOf(PassAbandonedError);
    expect(repo.commits).toHaveLength(1);
    expect(connector.clusters.get('member1')!.snapshot().filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'a')).toEqual([]);
  });

  it('stops after the write-ahead commit and before applying when the Lease is lost meanwhile', async () => {
    const repo = new MemoryFleetSource(files);
    const connector = memoryConnector(['member1']);
    const reconciler = new Reconciler({ repo, connector, clusterFailureThresholdMs: 0 });
    const lost = new AbortController();
    repo.beforePublish = () => lost.abort();
    await expect(reconciler.reconcileOnce(lost.signal)).rejects.toThrow(/before applying/);
    expect(repo.commits.map((c) => c.message.split('\n')[0])).toEqual(['initial', expect.stringMatching(/^flotilla: about to create objects/)]);
    expect(connector.clusters.get('member1')!.snapshot().filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'a')).toEqual([]);
    // The next leader (here: the same reconciler, leading again) carries on from the recorded intent.
    const report = await reconciler.reconcileOnce();
    expect(report.outcome).toBe('committed');
    expect(connector.clusters.get('member1')!.snapshot().some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'a')).toBe(true);
  });
});
