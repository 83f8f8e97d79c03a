/**
 * Custom resources on the testbed: a `Flock` CRD defined here is applied to the members, a Flock divided across
 * them by its GetReplicas script gets each member's share written by ReviseReplica, and its health
 * (InterpretHealth) and aggregated status (ReflectStatus + AggregateStatus) end up in the status commit. The
 * members run no controller for Flocks: the test plays it, writing `status` with its own field manager. A separate
 * fleet (namespace `sky`) so it does not interfere with other files.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ClusterConnector } from '../../src/controller/clusters.js';
import type { PassReport, Reconciler } from '../../src/controller/reconcile.js';
import { TEMPLATE_DIR } from '../../src/cli/init.js';
import { placementPath } from '../../src/record/index.js';
import { pollUntil } from '../../src/util/poll.js';
import { controllerFor, startFleetRemote, type FleetRemote } from '../support/fleet-remote.js';
import { gitCmd } from '../support/git.js';
import { getObject, memberClient, serverSideApply } from './helpers.js';

type Client = Awaited<ReturnType<typeof memberClient>>;
let remote: FleetRemote;
let reconciler: Reconciler;
let connector: ClusterConnector;
const clients = new Map<string, Client>();
const MEMBERS = ['member1', 'member2'];

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: flocks.birds.example.com}
spec:
  group: birds.example.com
  scope: Namespaced
  names: {kind: Flock, plural: flocks, singular: flock, listKind: FlockList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

const FLOCK = `apiVersion: birds.example.com/v1
kind: Flock
metadata: {name: geese, namespace: sky}
spec:
  size: 5
  template:
    spec:
      containers: [{name: goose, image: registry.example.com/goose:1.0, resources: {requests: {cpu: 10m}}}]
`;

const POLICIES = `apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: {name: sky}
spec:
  resourceSelectors:
    - {apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, name: flocks.birds.example.com}
    - {apiVersion: v1, kind: Namespace, name: sky}
  placement:
    clusterAffinity: {clusterNames: [member1, member2]}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: geese, namespace: sky}
spec:
  resourceSelectors:
    - {apiVersion: birds.example.com/v1, kind: Flock, name: geese}
  placement:
    clusterAffinity: {clusterNames: [member1, member2]}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Weighted
      weightPreference:
        staticWeightList:
          - {targetCluster: {clusterNames: [member1]}, weight: 3}
          - {targetCluster: {clusterNames: [member2]}, weight: 2}
`;

const INTERPRETER = `apiVersion: config.karmada.io/v1alpha1
kind: ResourceInterpreterCustomization
metadata: {name: flock}
spec:
  target: {apiVersion: birds.example.com/v1, kind: Flock}
  customizations:
    replicaResource:
      luaScript: |
        local kube = require("kube")
        function GetReplicas(obj)
          return obj.spec.size, kube.accuratePodRequirements(obj.spec.template)
        end
    replicaRevision:
      luaScript: |
        function ReviseReplica(obj, desiredReplica)
          obj.spec.size = desiredReplica
          return obj
        end
    healthInterpretation:
      luaScript: |
        function InterpretHealth(obj)
          return obj.status ~= nil and obj.status.flying == obj.spec.size
        end
    statusReflection:
      luaScript: |
        function ReflectStatus(obj)
          if obj.status == nil then return {} end
          return {flying = obj.status.flying}
        end
    statusAggregation:
      luaScript: |
        function AggregateStatus(desired, statusItems)
          local flying = 0
          for i = 1, #statusItems do
            if statusItems[i].status ~= nil and statusItems[i].status.flying ~= nil then
              flying = flying + statusItems[i].status.flying
            end
          end
          desired.status = {flying = flying, clusters = #statusItems}
          return desired
        end
`;

const flockPlacement = () =>
  parseYaml(gitCmd(remote.bare, 'show', `main:${placementPath({ apiVersion: 'birds.example.com/v1', kind: 'Flock', namespace: 'sky', name: 'geese' })}`)) as {
    spec: { clusters: { name: string; replicas: number }[] };
    status: { clusters: { name: string; applied: boolean; health: string }[]; aggregated: Record<string, unknown> };
  };

/** Read with a client made now: one made before the CRD existed would not know the kind. */
async function flockSize(member: string): Promise<number | undefined> {
  const c = await memberClient(member);
  try {
    const flock = await getObject(c, 'birds.example.com/v1', 'Flock', 'sky', 'geese');
    return (flock?.spec as { size?: number } | undefined)?.size;
  } finally {
    c.close();
  }
}

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

beforeAll(async () => {
  remote = await startFleetRemote('crd');
  cpSync(join(TEMPLATE_DIR, 'clusters'), join(remote.work, 'clusters'), { recursive: true });
  remote.commit('a fleet with a custom resource', {
    'workloads/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: sky}\n',
    'workloads/flock-crd.yaml': CRD,
    'workloads/geese.yaml': FLOCK,
    'policies/sky.yaml': POLICIES,
    'interpreters/flock.yaml': INTERPRETER,
  });
  ({ connector, reconciler } = await controllerFor(remote, inject('kubeconfig')));
  for (const m of MEMBERS) clients.set(m, await memberClient(m));
});

afterAll(async () => {
  connector?.close();
  for (const c of clients.values()) c.close();
  await remote?.close();
});

describe('a custom resource with interpreter scripts', () => {
  it('is divided across the members, each getting its share written by ReviseReplica', async () => {
    const report = await settle();
    expect(report.problems).toEqual([]);
    expect(await flockSize('member1')).toBe(3);
    expect(await flockSize('member2')).toBe(2);
    expect(flockPlacement().spec.clusters).toEqual([
      { name: 'member1', replicas: 3 },
      { name: 'member2', replicas: 2 },
    ]);
  });

  it('records its health per member (InterpretHealth) and its aggregated status in the status commit', async () => {
    // Nothing flies yet: InterpretHealth says false on both members.
    expect(flockPlacement().status.clusters.map((c) => [c.name, c.health])).toEqual([
      ['member1', 'Degraded'],
      ['member2', 'Degraded'],
    ]);
    // Play the members' Flock controller: every goose of member1 flies, one of member2's two.
    for (const [member, flying] of [['member1', 3], ['member2', 1]] as const) {
      await serverSideApply(clients.get(member)!, { apiVersion: 'birds.example.com/v1', kind: 'Flock', metadata: { name: 'geese', namespace: 'sky' }, status: { flying } });
    }
    const placement = await pollUntil(
      'the status commit to show the flying geese',
      async () => {
        await reconciler.reconcileOnce();
        const p = flockPlacement();
        return p.status.aggregated.flying === 4 ? p : undefined;
      },
      60_000,
      250,
    );
    expect(placement.status.clusters.map((c) => [c.name, c.applied, c.health])).toEqual([
      ['member1', true, 'Healthy'],
      ['member2', true, 'Degraded'],
    ]);
    expect(placement.status.aggregated).toEqual({ clusters: 2, flying: 4, health: 'Degraded' });
    // Flotilla's apply leaves the status another manager wrote alone.
    expect((await getObject(clients.get('member1')!, 'birds.example.com/v1', 'Flock', 'sky', 'geese'))?.status).toEqual({ flying: 3 });
  });
});
