/**
 * Failover time on the testbed: from `testbed stop member1` to member1's share of an Active-Active Deployment
 * (3 replicas, 2:1 over member1 and member2) running Ready on member2. The controller runs in-process with the
 * production timings (failure and success thresholds 30 s, readiness probe every 10 s, poll every 30 s):
 * - the template's defaults (fleet.yaml `defaultTolerationSeconds: 0`), target ≤ 60 s;
 * - Karmada's defaults (`defaultTolerationSeconds: 300`), for comparison.
 *
 * Only the failover is timed: tinybench reads a stopwatch clock (its `now` option) that runs from the stop to the
 * replicas being Ready and is paused while the testbed comes up and while the fleet is restored between runs
 * (member1 started again, recorded Ready, and a WorkloadRebalancer committed to restore the 2:1 split). The
 * per-run figures, median and maximum are also printed. vitest runs no hooks in benchmark mode, so the testbed is
 * brought up in the first run and torn down after the last (or at the first failure).
 *
 *   npx vitest bench --run --project bench bench/failover-time.bench.ts
 *   FLOTILLA_FAILOVER_RUNS=5 FLOTILLA_FAILOVER_KARMADA_RUNS=1 npx vitest bench ...   (Karmada's: ~6 min a run)
 *
 * It brings up its own three-member testbed on ports from 31700 in its own state directory, so it never meets the
 * e2e testbed (31600) or a demo one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { TEMPLATE_DIR } from '../src/cli/init.js';
import type { ClusterClient } from '../src/kube/client.js';
import { testbedDown, testbedStartMember, testbedStopMember, testbedUp } from '../src/testbed/index.js';
import { cacheRoot } from '../src/util/cache-dir.js';
import { pollUntil } from '../src/util/poll.js';
import {
  deploymentPlacementPath,
  deploymentYaml,
  kubeconfigClient,
  namespaceFiles,
  placedAndReady,
  recordedReady,
  startFailoverFleet,
  tasksOf,
  weightedPolicy,
  type FailoverFleet,
  type PlacementDoc,
} from '../test/support/failover-fleet.js';
import { Stopwatch } from './fixtures/stopwatch.js';

const RUNS = Number(process.env.FLOTILLA_FAILOVER_RUNS ?? 5);
const KARMADA_RUNS = Number(process.env.FLOTILLA_FAILOVER_KARMADA_RUNS ?? RUNS);
const BASE_PORT = 31700;
const STATE_DIR = process.env.FLOTILLA_FAILOVER_BENCH_STATE ?? join(cacheRoot(), 'testbed', 'state', 'failover-bench');
const NS = 'fo-bench';
const WEB = { namespace: NS, name: 'web' };
const SPLIT = 'member1:2,member2:1';
const FAILED_OVER = 'member2:3';

interface Testbed {
  kubeconfig: string;
  clients: Map<string, ClusterClient>;
}

const CONFIGURATIONS = [
  { label: "template's defaults (threshold 30 s, probe 10 s, toleration 0 s)", defaultTolerationSeconds: 0, runs: RUNS },
  { label: "Karmada's defaults (toleration 300 s)", defaultTolerationSeconds: 300, runs: KARMADA_RUNS },
].filter((c) => c.runs > 0);

let testbed: Testbed | undefined;
/** The testbed goes down when the last configuration has finished its runs. */
let configurationsLeft = CONFIGURATIONS.length;

async function upTestbed(): Promise<Testbed> {
  if (testbed) return testbed;
  const state = await testbedUp({ clusters: 3, basePort: BASE_PORT, stateDir: STATE_DIR, progress: (m) => process.stderr.write(`[testbed] ${m}\n`) });
  const clients = new Map<string, ClusterClient>();
  for (const m of state.members) clients.set(m.name, await kubeconfigClient(state.kubeconfig, m.name));
  testbed = { kubeconfig: state.kubeconfig, clients };
  return testbed;
}

async function downTestbed(): Promise<void> {
  for (const c of testbed?.clients.values() ?? []) c.close();
  testbed = undefined;
  await testbedDown(STATE_DIR);
}

function fleetFiles(defaultTolerationSeconds: number): Record<string, string> {
  const settings = readFileSync(join(TEMPLATE_DIR, 'fleet.yaml'), 'utf8');
  const toleration = /defaultTolerationSeconds: \d+/;
  if (!toleration.test(settings)) throw new Error('fleet-repo-template/fleet.yaml sets no defaultTolerationSeconds');
  return {
    'fleet.yaml': settings.replace(toleration, `defaultTolerationSeconds: ${defaultTolerationSeconds}`),
    ...namespaceFiles(NS),
    [`workloads/${NS}/web.yaml`]: deploymentYaml(NS, 'web', 3),
    [`policies/${NS}.yaml`]: weightedPolicy(NS, 'web', { member1: 2, member2: 1 }),
  };
}

/**
 * One configuration: `runs` timed failovers of member1, the fleet restored between them. Returns the bench
 * function and the options that make tinybench run it exactly `runs` times on the stopwatch.
 */
function failoverRuns(label: string, defaultTolerationSeconds: number, runs: number) {
  const clock = new Stopwatch();
  const laps: number[] = [];
  const deadlineMs = (defaultTolerationSeconds + 30 + 10 + 120) * 1000;
  let fleet: FailoverFleet | undefined;
  let run = 0;

  const prepare = async (): Promise<FailoverFleet> => {
    const tb = await upTestbed();
    if (!fleet) {
      fleet = await startFailoverFleet({
        prefix: `failover-bench-${defaultTolerationSeconds}`,
        kubeconfig: tb.kubeconfig,
        files: fleetFiles(defaultTolerationSeconds),
        reconciler: { clusterFailureThresholdMs: 30_000, clusterSuccessThresholdMs: 30_000 },
        probeIntervalMs: 10_000,
        intervalMs: 30_000,
      });
    }
    await placedAndReady(fleet, (m) => tb.clients.get(m)!, WEB, SPLIT, 180_000);
    // Settled: no task left from the previous run, so this run starts from a quiet fleet.
    await pollUntil('no eviction task left', async () => (tasksOf(fleet!.file<PlacementDoc>(deploymentPlacementPath(NS, 'web'))).length === 0 ? true : undefined), 120_000, 500);
    return fleet;
  };

  /** member1 back, recorded Ready, and the split restored by a WorkloadRebalancer (there is no failback). */
  const restore = async (f: FailoverFleet): Promise<void> => {
    await testbedStartMember('member1', STATE_DIR);
    await recordedReady(f, 'member1', 120_000);
    await f.commit(`rebalance web after run ${run}`, {
      'policies/rebalance.yaml': `apiVersion: apps.karmada.io/v1alpha1
kind: WorkloadRebalancer
metadata: {name: restore-${run}}
spec:
  workloads: [{apiVersion: apps/v1, kind: Deployment, name: web, namespace: ${NS}}]
`,
    });
  };

  const finish = async (): Promise<void> => {
    await fleet?.close();
    fleet = undefined;
    configurationsLeft -= 1;
    if (configurationsLeft === 0) await downTestbed();
  };

  // Async by declaration: tinybench calls a function that is not once more beforehand to find out.
  const fn = async (): Promise<void> => {
    run += 1;
    try {
      const f = await prepare();
      const tb = testbed!;
      clock.start();
      await testbedStopMember('member1', STATE_DIR);
      await placedAndReady(f, (m) => tb.clients.get(m)!, WEB, FAILED_OVER, deadlineMs, 200);
      laps.push(clock.stop());
      process.stderr.write(`[failover-bench] ${label} run ${run}/${runs}: ${(laps.at(-1)! / 1000).toFixed(1)} s\n`);
      await restore(f);
      if (run === runs) {
        report(label, laps);
        await finish();
      }
    } catch (err) {
      // The testbed and the member must not outlive a failed run.
      await testbedStartMember('member1', STATE_DIR).catch(() => {});
      await finish().catch(() => {});
      configurationsLeft = 0;
      await downTestbed().catch(() => {});
      throw err;
    }
  };
  return { fn, options: { iterations: runs, time: 0, warmupIterations: 0, warmupTime: 0, now: clock.now, throws: true } };
}

function report(label: string, laps: number[]): void {
  const sorted = [...laps].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  process.stderr.write(`[failover-bench] ${label}: median ${s(median)}, max ${s(sorted.at(-1)!)} over ${laps.length} runs (${laps.map(s).join(', ')})\n`);
}

describe('failover: testbed stop → replicas Ready elsewhere', () => {
  for (const c of CONFIGURATIONS) {
    const { fn, options } = failoverRuns(c.label, c.defaultTolerationSeconds, c.runs);
    bench(c.label, fn, options);
  }
});
