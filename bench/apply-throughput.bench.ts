/**
 * Apply throughput to one testbed API server, side by side in one run: 1,000 ConfigMaps that all changed, applied
 * by Flotilla in one pass through the real controller path (a Reconciler whose fleet holds them, the stage the
 * controller's `apply` metric covers: prepare, intent, apply, read back) against `kubectl apply --server-side -f
 * <dir>` of the same 1,000 objects in a namespace of their own. Target: Flotilla at least twice as fast as kubectl.
 *
 * Each run commits a new value to every ConfigMap of the fleet and runs one pass, then has kubectl apply the same
 * new value to its copies; the order alternates between runs so neither side always meets a warmer server. The
 * first pass (which creates the objects) and kubectl's first apply are not timed. tinybench reports Flotilla's
 * apply stage; the per-run figures of both sides, their medians and the ratio are printed as well. vitest runs no
 * hooks in benchmark mode, so the testbed is brought up in the first run and torn down after the last (or at the
 * first failure).
 *
 *   npx vitest bench --run --project bench bench/apply-throughput.bench.ts
 *   FLOTILLA_APPLY_BENCH_RUNS=5 FLOTILLA_APPLY_BENCH_OBJECTS=2000 FLOTILLA_APPLY_BENCH_CONCURRENCY=16,32 npx vitest bench ...
 *
 * It brings up its own one-member testbed on ports from 31800 in its own state directory, so it never meets the
 * e2e testbed (31600), the failover benchmark's (31700) or a demo one.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bench, describe } from 'vitest';
import { DEFAULT_APPLY_CONCURRENCY } from '../src/apply/concurrency.js';
import { kubeconfigConnector } from '../src/controller/clusters.js';
import { Reconciler, type PassReport } from '../src/controller/reconcile.js';
import { NO_TELEMETRY, type ControllerTelemetry } from '../src/controller/telemetry.js';
import { testbedDown, testbedPaths, testbedUp } from '../src/testbed/index.js';
import { cacheRoot } from '../src/util/cache-dir.js';
import { MemoryFleetSource } from '../test/support/memory-fleet-source.js';

const RUNS = Number(process.env.FLOTILLA_APPLY_BENCH_RUNS ?? 5);
const OBJECTS = Number(process.env.FLOTILLA_APPLY_BENCH_OBJECTS ?? 1000);
const CONCURRENCIES = (process.env.FLOTILLA_APPLY_BENCH_CONCURRENCY ?? String(DEFAULT_APPLY_CONCURRENCY)).split(',').map(Number);
const BASE_PORT = 31800;
const STATE_DIR = process.env.FLOTILLA_APPLY_BENCH_STATE ?? join(cacheRoot(), 'testbed', 'state', 'apply-bench');
const MEMBER = 'member1';
const KUBECTL_NS = 'apply-bench-kubectl';
const run = promisify(execFile);

/** A clock for tinybench that moves only by what is added: each run adds the apply stage it timed. */
class StageClock {
  private total = 0;
  readonly now = (): number => this.total;
  add(ms: number): void {
    this.total += ms;
  }
}

const names = Array.from({ length: OBJECTS }, (_, i) => `cm-${String(i).padStart(4, '0')}`);

function configMap(namespace: string, name: string, value: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  value: "${value}"\n  payload: "${'x'.repeat(200)}"\n`;
}

function fleetFiles(namespace: string, value: string): Record<string, string> {
  const files: Record<string, string> = {
    'fleet.yaml': 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: apply-bench}\nspec: {maxPruneFraction: 1}\n',
    [`clusters/${MEMBER}.yaml`]: `apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: ${MEMBER}}\nspec: {syncMode: Push}\n`,
    [`workloads/${namespace}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${namespace}}\n`,
    [`policies/${namespace}.yaml`]:
      `apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterPropagationPolicy\nmetadata: {name: ${namespace}}\n` +
      `spec:\n  resourceSelectors: [{apiVersion: v1, kind: Namespace, name: ${namespace}}, {apiVersion: v1, kind: ConfigMap, namespace: ${namespace}}]\n` +
      `  placement: {clusterAffinity: {clusterNames: [${MEMBER}]}}\n`,
  };
  return { ...files, ...configMapFiles(namespace, value) };
}

function configMapFiles(namespace: string, value: string): Record<string, string> {
  return Object.fromEntries(names.map((n) => [`workloads/${namespace}/${n}.yaml`, configMap(namespace, n, value)]));
}

/** The apply stage of each pass, as the controller's own telemetry reports it. */
function applyStageTimer(): { telemetry: ControllerTelemetry; last: () => number } {
  let last = Number.NaN;
  return {
    telemetry: {
      ...NO_TELEMETRY,
      stageStarted: (stage) => {
        const started = performance.now();
        return () => {
          if (stage === 'apply') last = performance.now() - started;
        };
      },
    },
    last: () => last,
  };
}

function configured(report: PassReport): number {
  const entries = report.clusters.find((c) => c.name === MEMBER)?.changeSet?.entries ?? [];
  const failed = entries.filter((e) => e.action === 'failed' || e.action === 'conflict');
  if (failed.length > 0) throw new Error(`pass failed on ${failed.length} object(s), e.g. ${failed[0]!.ref.name}: ${failed[0]!.message ?? ''}`);
  return entries.filter((e) => e.action === 'configured' || e.action === 'created').length;
}

interface Testbed {
  kubeconfig: string;
  kubectl: string;
  /** kubectl's manifests, one directory per value, and its discovery cache. */
  work: string;
}

let testbed: Testbed | undefined;
let configurationsLeft = CONCURRENCIES.length;

async function upTestbed(): Promise<Testbed> {
  if (testbed) return testbed;
  const state = await testbedUp({ clusters: 1, basePort: BASE_PORT, stateDir: STATE_DIR, progress: (m) => process.stderr.write(`[testbed] ${m}\n`) });
  const tb: Testbed = { kubeconfig: state.kubeconfig, kubectl: join(testbedPaths().bin, 'kubectl'), work: mkdtempSync(join(tmpdir(), 'flotilla-apply-bench-')) };
  testbed = tb;
  writeFileSync(join(tb.work, 'namespace.yaml'), `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${KUBECTL_NS}}\n`);
  await kubectl(tb, join(tb.work, 'namespace.yaml'));
  await kubectl(tb, manifestDir(tb, 'initial'));
  return tb;
}

async function downTestbed(): Promise<void> {
  if (testbed) rmSync(testbed.work, { recursive: true, force: true });
  testbed = undefined;
  await testbedDown(STATE_DIR);
}

/** kubectl's copy of the objects with `value`, one file each as a repository would hold them. */
function manifestDir(tb: Testbed, value: string): string {
  const dir = join(tb.work, value);
  mkdirSync(dir, { recursive: true });
  for (const n of names) writeFileSync(join(dir, `${n}.yaml`), configMap(KUBECTL_NS, n, value));
  return dir;
}

async function kubectl(tb: Testbed, path: string): Promise<void> {
  await run(tb.kubectl, ['apply', '--server-side', '--field-manager', 'apply-bench', '-f', path, '--kubeconfig', tb.kubeconfig, '--context', MEMBER, '--cache-dir', join(tb.work, 'cache')], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One configuration: `RUNS` timed passes of Flotilla at `concurrency`, each next to a kubectl apply of the same objects. */
function throughputRuns(concurrency: number) {
  const clock = new StageClock();
  const flotilla: number[] = [];
  const kubectlLaps: number[] = [];
  const namespace = `apply-bench-c${concurrency}`;
  let fleet: { repo: MemoryFleetSource; reconciler: Reconciler; timer: ReturnType<typeof applyStageTimer>; close: () => void } | undefined;
  let round = 0;

  const prepare = async () => {
    const tb = await upTestbed();
    if (fleet) return fleet;
    const repo = new MemoryFleetSource(fleetFiles(namespace, 'initial'));
    const connector = kubeconfigConnector(tb.kubeconfig);
    const timer = applyStageTimer();
    const reconciler = new Reconciler({ repo, connector, applyConcurrency: concurrency, resyncIntervalMs: 0, telemetry: timer.telemetry });
    const created = configured(await reconciler.reconcileOnce());
    process.stderr.write(`[apply-bench] concurrency ${concurrency}: first pass created ${created} objects, apply stage ${(timer.last() / 1000).toFixed(2)} s (not timed)\n`);
    fleet = { repo, reconciler, timer, close: () => connector.close() };
    return fleet;
  };

  const flotillaRound = async (f: NonNullable<typeof fleet>, value: string): Promise<void> => {
    f.repo.humanCommit(`change every ConfigMap to ${value}`, configMapFiles(namespace, value));
    const changed = configured(await f.reconciler.reconcileOnce());
    if (changed !== OBJECTS) throw new Error(`the pass applied ${changed} objects, expected ${OBJECTS}`);
    flotilla.push(f.timer.last());
    clock.add(f.timer.last());
  };

  const kubectlRound = async (tb: Testbed, value: string): Promise<void> => {
    const dir = manifestDir(tb, value);
    const started = performance.now();
    await kubectl(tb, dir);
    kubectlLaps.push(performance.now() - started);
  };

  const finish = async (): Promise<void> => {
    fleet?.close();
    fleet = undefined;
    configurationsLeft -= 1;
    if (configurationsLeft === 0) await downTestbed();
  };

  // Async by declaration: tinybench calls a function that is not once more beforehand to find out.
  const fn = async (): Promise<void> => {
    round += 1;
    try {
      const f = await prepare();
      const tb = testbed!;
      const value = `c${concurrency}-run${round}`;
      if (round % 2 === 1) {
        await flotillaRound(f, value);
        await kubectlRound(tb, value);
      } else {
        await kubectlRound(tb, value);
        await flotillaRound(f, value);
      }
      const [a, k] = [flotilla.at(-1)!, kubectlLaps.at(-1)!];
      process.stderr.write(`[apply-bench] concurrency ${concurrency} run ${round}/${RUNS}: Flotilla ${(a / 1000).toFixed(2)} s, kubectl ${(k / 1000).toFixed(2)} s, ${(k / a).toFixed(2)}× kubectl\n`);
      if (round === RUNS) {
        report(concurrency, flotilla, kubectlLaps);
        await finish();
      }
    } catch (err) {
      await finish().catch(() => {});
      configurationsLeft = 0;
      await downTestbed().catch(() => {});
      throw err;
    }
  };
  return { fn, options: { iterations: RUNS, time: 0, warmupIterations: 0, warmupTime: 0, now: clock.now, throws: true } };
}

function report(concurrency: number, flotilla: number[], kubectlLaps: number[]): void {
  const a = median(flotilla);
  const k = median(kubectlLaps);
  const rate = (ms: number) => `${Math.round((OBJECTS / ms) * 1000)} objects/s`;
  process.stderr.write(
    `[apply-bench] ${OBJECTS} changed ConfigMaps, concurrency ${concurrency}, median of ${flotilla.length}: ` +
      `Flotilla ${(a / 1000).toFixed(2)} s (${rate(a)}), kubectl --server-side ${(k / 1000).toFixed(2)} s (${rate(k)}); ` +
      `Flotilla is ${(k / a).toFixed(2)}× kubectl (target ≥ 2×)\n`,
  );
}

describe(`apply: ${OBJECTS} changed ConfigMaps to one API server, Flotilla's apply stage next to kubectl apply --server-side`, () => {
  for (const concurrency of CONCURRENCIES) {
    const { fn, options } = throughputRuns(concurrency);
    bench(`Flotilla, --apply-concurrency ${concurrency}`, fn, options);
  }
});
