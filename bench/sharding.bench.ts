/**
 * The controller at fleet scale, one replica against four shards, in the same run: 100 member clusters (in-memory
 * API servers) × 2,000 templates (Deployments Duplicated and Divided over label-selected clusters, Services,
 * ConfigMaps, a region spread, ordered affinities, overrides; bench/fixtures/fleet-files.ts) from an in-memory
 * fleet repository.
 * - first pass: a fresh controller over empty clusters: load, schedule, render, read, plan, the write-ahead
 *   commit, apply, read back and the status commit;
 * - steady pass: the same controller once its fleet has settled, nothing to change.
 * The unsharded controller has a fleet of its own; the four shard controllers share one fleet, start one after
 * another (each first pass sees the status the earlier shards committed), and settle together before their steady
 * passes, as four replicas would.
 *
 * Only the pass is timed (tinybench reads a stopwatch that is paused while fleets are built and settled). Per pass
 * it also prints memory, with `--expose-gc` (the bench project passes it): the heap used after a full GC before
 * the pass, the peak heap used above it (sampled at every call to a member cluster or to the fleet repository, so
 * garbage not yet collected counts, and the objects the simulated clusters store during a first pass count too),
 * and at the end the heap each controller retains between passes (a full GC with and without that controller).
 *
 *   npx vitest bench --run --project bench bench/sharding.bench.ts
 *   FLOTILLA_SHARD_BENCH_CLUSTERS=20 FLOTILLA_SHARD_BENCH_TEMPLATES=400 npx vitest bench ...   (a quick look)
 */
import { getHeapStatistics } from 'node:v8';
import { bench, describe } from 'vitest';
import type { ClusterConnector } from '../src/controller/clusters.js';
import { Reconciler, type FleetSource, type PassReport } from '../src/controller/reconcile.js';
import { NO_TELEMETRY, type ControllerTelemetry, type PassStage } from '../src/controller/telemetry.js';
import type { ClusterApi } from '../src/kube/cluster-api.js';
import { clusterShard, type ShardAssignment } from '../src/coordination/shard.js';
import { memoryConnector, type MemoryConnector } from '../test/support/memory-clusters.js';
import { MemoryFleetSource } from '../test/support/memory-fleet-source.js';
import { syntheticFleetFiles } from './fixtures/fleet-files.js';
import { Stopwatch } from './fixtures/stopwatch.js';

const CLUSTERS = Number(process.env.FLOTILLA_SHARD_BENCH_CLUSTERS ?? 100);
const TEMPLATES = Number(process.env.FLOTILLA_SHARD_BENCH_TEMPLATES ?? 2000);
const SHARDS = 4;
const MB = 1024 * 1024;

const dec = new TextDecoder();
const fleetText = Object.fromEntries(syntheticFleetFiles(CLUSTERS, TEMPLATES).map((f) => [f.path, dec.decode(f.content)]));
// A fleet of this size touches well over the default 10 % of a cluster's objects when a policy changes.
fleetText['fleet.yaml'] = 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: bench}\nspec: {maxPruneFraction: 1}\n';
const names = Array.from({ length: CLUSTERS }, (_, i) => `c${i + 1}`);

const gc = (globalThis as { gc?: () => void }).gc;
const heapUsed = (): number => getHeapStatistics().used_heap_size;

/** The highest heap used seen since the last reset. */
const peak = {
  value: 0,
  sample(): void {
    const used = heapUsed();
    if (used > this.value) this.value = used;
  },
};

function sampled<T extends object>(target: T): T {
  return new Proxy(target, {
    get(t, key) {
      const value = Reflect.get(t, key, t) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        peak.sample();
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

/** Where a pass spent its time, by stage (the controller's own telemetry). */
const stages = new Map<PassStage, number>();
const stageClock: ControllerTelemetry = {
  ...NO_TELEMETRY,
  stageStarted(stage) {
    const since = performance.now();
    return () => stages.set(stage, (stages.get(stage) ?? 0) + performance.now() - since);
  },
};

interface World {
  repo: MemoryFleetSource;
  clusters: MemoryConnector;
  controllers: (Reconciler | undefined)[];
}

function world(assignments: (ShardAssignment | undefined)[]): World {
  const repo = new MemoryFleetSource(fleetText);
  const clusters = memoryConnector(names);
  const connector: ClusterConnector = {
    connect: async (def) => {
      const r = await clusters.connect(def);
      return r.ok ? { ok: true, client: sampled<ClusterApi>(r.client) } : r;
    },
    close: () => {},
  };
  const source = sampled<FleetSource>(repo);
  const controllers = assignments.map(
    (a) => new Reconciler({ repo: source, connector, clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 0, resyncIntervalMs: 0, telemetry: stageClock, ...(a ? { shard: () => a } : {}) }),
  );
  return { repo, clusters, controllers };
}

interface PassFigures {
  ms: number;
  baseMb: number;
  peakMb: number;
  applied: number;
  outcome: PassReport['outcome'];
}

const figures = new Map<string, PassFigures>();

async function measuredPass(label: string, controller: Reconciler, clock: Stopwatch): Promise<PassReport> {
  gc?.();
  const base = heapUsed();
  peak.value = base;
  stages.clear();
  clock.start();
  const report = await controller.reconcileOnce();
  const ms = clock.stop();
  peak.sample();
  const applied = report.clusters.reduce((n, c) => n + (c.changeSet?.entries.filter((e) => e.action === 'created' || e.action === 'configured').length ?? 0), 0);
  figures.set(label, { ms, baseMb: base / MB, peakMb: (peak.value - base) / MB, applied, outcome: report.outcome });
  console.log(`${label}: ${ms.toFixed(0)} ms, heap ${(base / MB).toFixed(0)} MB before, peak +${((peak.value - base) / MB).toFixed(0)} MB, ${applied} objects applied, ${report.outcome}; ${[...stages].map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')} ms`);
  return report;
}

/** Passes until every controller of the world commits nothing. */
async function settle(w: World): Promise<void> {
  for (let round = 0; round < 6; round++) {
    const reports = [];
    for (const c of w.controllers) reports.push(await c!.reconcileOnce());
    if (reports.every((r) => r.outcome === 'unchanged')) return;
  }
  throw new Error('the fleet did not settle in 6 rounds');
}

/** The heap a controller holds between passes: heap used with it, minus heap used once it is dropped. */
function retainedMb(w: World, index: number): number {
  gc?.();
  const withIt = heapUsed();
  w.controllers[index] = undefined;
  gc?.();
  return (withIt - heapUsed()) / MB;
}

const once = { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 };
const unshardedClock = new Stopwatch();
const shardClocks = Array.from({ length: SHARDS }, () => new Stopwatch());
let single: World | undefined;
let sharded: World | undefined;
const shardOf = (i: number): ShardAssignment => ({ shards: SHARDS, held: new Set([i]) });
const retained = new Map<string, number>();

describe(`controller pass: ${CLUSTERS} clusters × ${TEMPLATES} templates, unsharded vs ${SHARDS} shards`, () => {
  bench(
    'unsharded: first pass',
    async () => {
      single = world([undefined]);
      await measuredPass('unsharded first', single.controllers[0]!, unshardedClock);
    },
    { ...once, now: unshardedClock.now },
  );
  for (let i = 0; i < SHARDS; i++) {
    bench(
      `shard ${i} of ${SHARDS}: first pass (${names.filter((n) => clusterShard(n, SHARDS) === i).length} clusters)`,
      async () => {
        sharded ??= world(Array.from({ length: SHARDS }, (_, s) => shardOf(s)));
        await measuredPass(`shard ${i} first`, sharded.controllers[i]!, shardClocks[i]!);
      },
      { ...once, now: shardClocks[i]!.now },
    );
  }
  bench(
    'unsharded: steady pass',
    async () => {
      await settle(single!);
      const report = await measuredPass('unsharded steady', single!.controllers[0]!, unshardedClock);
      if (report.outcome !== 'unchanged') throw new Error(`a steady pass committed: ${report.outcome}`);
      retained.set('unsharded', retainedMb(single!, 0));
      single!.clusters.close();
      single = undefined;
    },
    { ...once, now: unshardedClock.now },
  );
  for (let i = 0; i < SHARDS; i++) {
    bench(
      `shard ${i} of ${SHARDS}: steady pass`,
      async () => {
        if (i === 0) await settle(sharded!);
        const report = await measuredPass(`shard ${i} steady`, sharded!.controllers[i]!, shardClocks[i]!);
        if (report.outcome !== 'unchanged') throw new Error(`a steady pass committed: ${report.outcome}`);
        if (i === SHARDS - 1) {
          for (let s = 0; s < SHARDS; s++) retained.set(`shard ${s}`, retainedMb(sharded!, s));
          summary();
        }
      },
      { ...once, now: shardClocks[i]!.now },
    );
  }
});

function summary(): void {
  const one = (label: string): PassFigures => figures.get(label)!;
  const shards = Array.from({ length: SHARDS }, (_, i) => i);
  const lines: string[] = [`gc exposed: ${gc !== undefined}`];
  for (const pass of ['first', 'steady']) {
    const u = one(`unsharded ${pass}`);
    const per = shards.map((i) => one(`shard ${i} ${pass}`));
    const ratio = (x: number, y: number) => (x / y).toFixed(2);
    const total = per.reduce((n, f) => n + f.ms, 0);
    lines.push(
      `${pass} pass: unsharded ${u.ms.toFixed(0)} ms, peak +${u.peakMb.toFixed(0)} MB, ${u.applied} applied`,
      `  per shard time / unsharded: ${per.map((f) => ratio(f.ms, u.ms)).join(', ')} (slowest ${ratio(Math.max(...per.map((f) => f.ms)), u.ms)}); total work ${ratio(total, u.ms)}`,
      `  per shard peak / unsharded peak: ${per.map((f) => ratio(f.peakMb, u.peakMb)).join(', ')}; applied ${per.map((f) => f.applied).join(' + ')} = ${per.reduce((n, f) => n + f.applied, 0)}`,
    );
  }
  const u = retained.get('unsharded')!;
  lines.push(`retained between passes: unsharded ${u.toFixed(0)} MB; per shard ${shards.map((i) => retained.get(`shard ${i}`)!.toFixed(0)).join(', ')} MB (ratio ${shards.map((i) => (retained.get(`shard ${i}`)! / u).toFixed(2)).join(', ')})`);
  console.log(lines.join('\n'));
}
