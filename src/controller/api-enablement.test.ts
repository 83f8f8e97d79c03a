/**
 * A custom resource whose CRD the fleet itself propagates: the first pass applies the CRD while the resource is
 * not placeable yet (no cluster serves its API), and the next pass, seeing the API served, places and applies it.
 */
import { describe, expect, it } from 'vitest';
import { memoryConnector } from '../../test/support/memory-clusters.js';
import { MemoryFleetSource } from '../../test/support/memory-fleet-source.js';
import { Reconciler } from './reconcile.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: flocks.birds.example.com}
spec:
  group: birds.example.com
  scope: Namespaced
  names: {plural: flocks, singular: flock, kind: Flock}
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
`;

const files = {
  'fleet.yaml': 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\n',
  'clusters/m1.yaml': 'apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: m1}\nspec: {syncMode: Push}\n',
  'workloads/crd.yaml': CRD,
  'workloads/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: sky}\n',
  'workloads/geese.yaml': 'apiVersion: birds.example.com/v1\nkind: Flock\nmetadata: {name: geese, namespace: sky}\nspec: {size: 3}\n',
  'policies/all.yaml': [
    'apiVersion: policy.karmada.io/v1alpha1',
    'kind: ClusterPropagationPolicy',
    'metadata: {name: all}',
    'spec:',
    '  resourceSelectors: [{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition}, {apiVersion: v1, kind: Namespace}, {apiVersion: birds.example.com/v1, kind: Flock}]',
    '  placement: {clusterAffinity: {clusterNames: [m1]}}',
    '',
  ].join('\n'),
};

describe('APIs a cluster starts serving', () => {
  it('make a custom resource placeable on the next pass, with nothing else changed', async () => {
    const repo = new MemoryFleetSource(files);
    const connector = memoryConnector(['m1']);
    const reconciler = new Reconciler({ repo, connector, clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 0, resyncIntervalMs: 0 });
    const flock = () => connector.clusters.get('m1')!.peek({ apiVersion: 'birds.example.com/v1', kind: 'Flock', namespace: 'sky', name: 'geese' });
    await reconciler.reconcileOnce();
    expect(repo.read('status/placements/sky/flock.birds.example.com-geese.yaml')).toMatch(/APIEnablement/);
    expect(flock()).toBeUndefined();
    await reconciler.reconcileOnce();
    expect(flock()?.spec).toEqual({ size: 3 });
  });
});
