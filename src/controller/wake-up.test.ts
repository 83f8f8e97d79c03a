/**
 * Detection without waiting for the poll: the controller wakes up when a recorded threshold falls due, and a
 * cheap readiness check between passes notices a cluster that stopped (or started) answering.
 */
import { describe, expect, it } from 'vitest';
import { memoryConnector } from '../../test/support/memory-clusters.js';
import { MemoryFleetSource } from '../../test/support/memory-fleet-source.js';
import { Reconciler } from './reconcile.js';
import { runController } from './run.js';
import type { PassReport } from './reconcile.js';

const files = {
  'fleet.yaml': 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\n',
  'clusters/member1.yaml': 'apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member1}\nspec: {syncMode: Push}\n',
  'clusters/member2.yaml': 'apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member2}\nspec: {syncMode: Push}\n',
};

function setup(clock: { ms: number }) {
  const repo = new MemoryFleetSource(files);
  const connector = memoryConnector(['member1', 'member2']);
  const reconciler = new Reconciler({ repo, connector, clusterFailureThresholdMs: 30_000, clusterSuccessThresholdMs: 20_000, resyncIntervalMs: 0, now: () => new Date(clock.ms) });
  return { repo, connector, reconciler };
}

describe('waking up for recorded thresholds', () => {
  it('names no wake-up time while every cluster answers as recorded', async () => {
    const clock = { ms: Date.parse('2026-01-01T00:00:00Z') };
    const { reconciler } = setup(clock);
    expect((await reconciler.reconcileOnce()).nextWakeAt).toBeUndefined();
  });

  it('wakes up when the failure threshold of a failing cluster is due, then when the success threshold is', async () => {
    const clock = { ms: Date.parse('2026-01-01T00:00:00Z') };
    const { reconciler, connector } = setup(clock);
    await reconciler.reconcileOnce();
    connector.clusters.get('member1')!.unreachable = true;
    clock.ms += 5_000;
    const failing = await reconciler.reconcileOnce();
    expect(failing.clusters.find((c) => c.name === 'member1')?.ready).toBe(true);
    expect(failing.nextWakeAt).toBe(clock.ms + 30_000);

    clock.ms += 30_000;
    const down = await reconciler.reconcileOnce();
    expect(down.clusters.find((c) => c.name === 'member1')?.ready).toBe(false);
    expect(down.nextWakeAt).toBeUndefined();

    connector.clusters.get('member1')!.unreachable = false;
    clock.ms += 1_000;
    const recovering = await reconciler.reconcileOnce();
    expect(recovering.clusters.find((c) => c.name === 'member1')?.ready).toBe(false);
    expect(recovering.nextWakeAt).toBe(clock.ms + 20_000);
  });

  it('reports a readiness change between passes, and none when nothing changed', async () => {
    const clock = { ms: Date.parse('2026-01-01T00:00:00Z') };
    const { reconciler, connector } = setup(clock);
    await reconciler.reconcileOnce();
    expect(await reconciler.readinessChanged()).toBe(false);
    connector.clusters.get('member2')!.health = { status: 500, body: 'etcd failed' };
    expect(await reconciler.readinessChanged()).toBe(true);
  });
});

describe('the controller loop', () => {
  it('runs a pass as soon as a cluster stops answering, long before the poll interval', async () => {
    const { reconciler, connector } = setup({ ms: Date.now() });
    const abort = new AbortController();
    const passes: PassReport[] = [];
    let failed: (() => void) | undefined;
    const sawFailure = new Promise<void>((r) => (failed = r));
    const loop = runController({
      reconciler,
      repo: { isRemote: false, gitdir: '' },
      intervalMs: 3_600_000,
      probeIntervalMs: 20,
      watchClusters: false,
      log: () => {},
      signal: abort.signal,
      onPass: (p) => {
        passes.push(p);
        if (passes.length === 1) connector.clusters.get('member1')!.unreachable = true;
        if (p.clusters.some((c) => c.name === 'member1' && c.message.includes('ECONNREFUSED'))) failed?.();
      },
    });
    const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no pass within 5 s of the failure')), 5_000));
    try {
      await Promise.race([sawFailure, deadline]);
    } finally {
      abort.abort();
      await loop;
    }
    expect(passes.length).toBeGreaterThanOrEqual(2);
  });
});
