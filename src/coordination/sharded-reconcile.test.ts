/**
 * Two shard controllers over one in-memory fleet repository and six in-memory clusters: each cluster is worked on
 * by exactly one shard, neither clobbers the other's status, and a policy change lands on every member.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ConnectResult } from '../controller/clusters.js';
import { Reconciler, type FleetSource } from '../controller/reconcile.js';
import type { StatusWrite, StatusWritesAt } from '../git/repo.js';
import type { ClusterDef } from '../model/fleet.js';
import { memoryConnector } from '../../test/support/memory-clusters.js';
import { MemoryFleetSource } from '../../test/support/memory-fleet-source.js';
import { clusterShard } from './shard.js';

const NS = 'shop';
const MEMBERS = ['member1', 'member2', 'member3', 'member4', 'member5', 'member6'];
const SHARDS = 2;

function files(targets: string[], configMaps = ['a', 'b']): Record<string, string> {
  const out: Record<string, string> = { 'fleet.yaml': 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec: {maxPruneFraction: 1}\n' };
  for (const c of MEMBERS) out[`clusters/${c}.yaml`] = `apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: ${c}}\nspec: {syncMode: Push}\n`;
  out['policies/all.yaml'] = policy(targets);
  for (const n of configMaps) out[`workloads/${n}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}, namespace: ${NS}}\ndata: {value: "1"}\n`;
  return out;
}

function policy(targets: string[]): string {
  return (
    `apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: all, namespace: ${NS}}\n` +
    `spec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  placement: {clusterAffinity: {clusterNames: [${targets.join(', ')}]}}\n`
  );
}

function setup() {
  const repo = new MemoryFleetSource(files(MEMBERS));
  const clusters = memoryConnector(MEMBERS);
  const connects = new Map<number, Set<string>>();
  const written = new Map<number, Set<string>>();
  const shard = (index: number) => {
    connects.set(index, new Set());
    written.set(index, new Set());
    const connector = {
      connect: (c: ClusterDef): Promise<ConnectResult> => {
        connects.get(index)!.add(c.name);
        return clusters.connect(c);
      },
      close: () => {},
    };
    // Records every path this shard writes, including writes recomputed after a race.
    const source: FleetSource = {
      sync: () => repo.sync(),
      readFleet: (c) => repo.readFleet(c),
      desiredCommitOf: (c) => repo.desiredCommitOf(c),
      commitStatus: (base, writesAt: StatusWrite[] | StatusWritesAt, message) =>
        repo.commitStatus(
          base,
          async (parent) => {
            const w = typeof writesAt === 'function' ? await writesAt(parent) : writesAt;
            for (const x of w) written.get(index)!.add(x.path);
            return w;
          },
          message,
        ),
    };
    return new Reconciler({ repo: source, connector, clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 0, resyncIntervalMs: 0, shard: () => ({ shards: SHARDS, held: new Set([index]) }) });
  };
  return { repo, clusters, connects, written, shards: [shard(0), shard(1)] };
}

const ownerOf = (cluster: string) => clusterShard(cluster, SHARDS);
const managed = (c: { snapshot(): { kind: string; metadata: { name: string; labels?: Record<string, string> } }[] }) =>
  c
    .snapshot()
    .filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.['flotilla.dev/managed'] === 'true')
    .map((o) => o.metadata.name)
    .sort();
const placement = (repo: MemoryFleetSource, name: string) =>
  parse(repo.read(`status/placements/${NS}/configmap-${name}.yaml`) ?? '{}') as {
    spec?: { clusters: { name: string }[] };
    status?: { clusters?: { name: string; applied: boolean; health: string; message?: string }[]; aggregated?: { health: string } };
  };

async function settle(shards: Reconciler[]): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const reports = await Promise.all(shards.map((s) => s.reconcileOnce()));
    if (reports.every((r) => r.outcome === 'unchanged')) return;
  }
  throw new Error('the shards did not settle in 5 rounds');
}

describe('two shard controllers on one fleet', () => {
  it('splits the clusters between the shards (precondition of the other tests)', () => {
    expect(new Set(MEMBERS.map(ownerOf))).toEqual(new Set([0, 1]));
  });

  it('reconciles each cluster by exactly one shard and records every cluster without clobbering', async () => {
    const { repo, clusters, connects, written, shards } = setup();
    await settle(shards);
    for (const m of MEMBERS) {
      expect([0, 1].filter((i) => connects.get(i)!.has(m))).toEqual([ownerOf(m)]);
      expect(managed(clusters.clusters.get(m)!)).toEqual(['a', 'b']);
      expect(repo.read(`status/clusters/${m}.yaml`)).toContain('ClusterReady');
      expect(repo.read(`status/inventory/${m}.yaml`)).toContain('name: a');
    }
    for (const [index, paths] of written) {
      for (const p of paths) {
        const m = /^status\/(?:clusters|inventory)\/(.+)\.yaml$/.exec(p);
        if (m) expect(ownerOf(m[1]!), p).toBe(index);
      }
    }
    for (const name of ['a', 'b']) {
      const entries = placement(repo, name).status?.clusters ?? [];
      expect(entries.map((e) => e.name).sort()).toEqual(MEMBERS);
      expect(entries.every((e) => e.applied && e.health === 'Healthy')).toBe(true);
      expect(placement(repo, name).status?.aggregated?.health).toBe('Healthy');
    }
  });

  it('merges a placement file again on the new tip when another shard committed first', async () => {
    const { repo, shards } = setup();
    await settle(shards);
    const [mine, other] = [0, 1].map((i) => MEMBERS.find((m) => ownerOf(m) === i)!);
    // Shard 0 adds a ConfigMap; just before it publishes, shard 1's entry for it lands (a race it must keep).
    repo.humanCommit('add c', { [`workloads/c.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ${NS}}\ndata: {value: "1"}\n` });
    await shards[1]!.reconcileOnce();
    const afterOther = placement(repo, 'c').status!.clusters!.find((e) => e.name === other)!;
    expect(afterOther.applied).toBe(true);
    repo.beforePublish = () => {
      const doc = placement(repo, 'c');
      doc.status!.clusters!.find((e) => e.name === other)!.message = 'written by shard 1 meanwhile';
      repo.humanCommit('shard 1 status', { [`status/placements/${NS}/configmap-c.yaml`]: JSON.stringify(doc) });
    };
    const report = await shards[0]!.reconcileOnce();
    expect(report.outcome).toBe('committed');
    const entries = placement(repo, 'c').status!.clusters!;
    expect(entries.find((e) => e.name === other)!.message).toBe('written by shard 1 meanwhile');
    expect(entries.find((e) => e.name === mine)!.applied).toBe(true);
  });

  it('lands a policy change on all members, each applied by its own shard', async () => {
    const { repo, clusters, connects, shards } = setup();
    await settle(shards);
    const targets = ['member1', 'member4', 'member5'];
    repo.humanCommit('narrow the policy', { 'policies/all.yaml': policy(targets) });
    for (const i of [0, 1]) connects.get(i)!.clear();
    await settle(shards);
    for (const m of MEMBERS) {
      expect(managed(clusters.clusters.get(m)!)).toEqual(targets.includes(m) ? ['a', 'b'] : []);
      expect([0, 1].filter((i) => connects.get(i)!.has(m))).toEqual([ownerOf(m)]);
    }
    expect((placement(repo, 'a').status?.clusters ?? []).map((e) => e.name).sort()).toEqual(targets);
    expect(placement(repo, 'a').spec?.clusters.map((c) => c.name).sort()).toEqual(targets);
  });

  it('deletes a removed template\'s placement file once, from its owner shard', async () => {
    const { repo, shards } = setup();
    await settle(shards);
    repo.humanCommit('drop b', { 'workloads/b.yaml': null });
    await settle(shards);
    expect(repo.read(`status/placements/${NS}/configmap-b.yaml`)).toBeUndefined();
    expect(repo.read(`status/placements/${NS}/configmap-a.yaml`)).toBeDefined();
  });
});
