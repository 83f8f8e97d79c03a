/**
 * Crash safety: the controller is killed with SIGKILL at random points of its passes (while cloning, applying,
 * pruning or pushing), the desired state changes between kills, and afterwards the fleet converges with no
 * leaked object, no wrongly deleted object and no lost commit. The write-ahead inventory is what makes this
 * hold (docs/architecture.md, "Crash safety").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { pollUntil } from '../../src/util/poll.js';
import { seededRandom } from '../../src/util/prng.js';
import { startFleetRemote, type FleetRemote } from '../support/fleet-remote.js';
import { gitCmd } from '../support/git.js';
import { memberClient, serverSideApply } from './helpers.js';

const NAMESPACE = 'crash-e2e';
const POOL = 120;
const KILLS = Number(process.env.FLOTILLA_CRASH_KILLS ?? 24);
const SEED = Number(process.env.FLOTILLA_CRASH_SEED ?? Date.now() % 1_000_000);
const CLI = resolve(import.meta.dirname, '../../bin/flotilla.js');

const cmName = (i: number) => `cm-${String(i).padStart(3, '0')}`;

function fleetFiles(desired: Set<number>): Record<string, string | null> {
  const files: Record<string, string | null> = {
    'fleet.yaml': 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: crash}\nspec: {maxPruneFraction: 1}\n',
    'clusters/member1.yaml': 'apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member1}\nspec: {region: eu-west}\n',
    'policies/all.yaml': [
      'apiVersion: policy.karmada.io/v1alpha1',
      'kind: PropagationPolicy',
      `metadata: {name: all, namespace: ${NAMESPACE}}`,
      'spec:',
      '  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]',
      '  placement: {clusterAffinity: {clusterNames: [member1]}}',
      '',
    ].join('\n'),
  };
  for (let i = 0; i < POOL; i++) {
    files[`workloads/${cmName(i)}.yaml`] = desired.has(i)
      ? `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${cmName(i)}, namespace: ${NAMESPACE}}\ndata: {index: "${i}"}\n`
      : null;
  }
  return files;
}

let remote: FleetRemote;
let cache: string;
let client: Awaited<ReturnType<typeof memberClient>>;

function controller(...extra: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, 'run', '--repo', remote.url, '--kubeconfig', inject('kubeconfig'), '--interval', '300ms', '--cluster-failure-threshold', '0', ...extra], {
    env: { ...process.env, FLOTILLA_GIT_TOKEN: 'fleet-token', FLOTILLA_CACHE_DIR: cache },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));
}

async function managedConfigMaps(): Promise<string[]> {
  const items = await client.list('v1', 'ConfigMap', { namespace: NAMESPACE, labelSelector: 'flotilla.dev/managed=true' });
  return items.map((o) => o.metadata.name).sort();
}

beforeAll(async () => {
  remote = await startFleetRemote('crash', { password: 'fleet-token' });
  cache = mkdtempSync(join(tmpdir(), 'flotilla-crash-cache-'));
  client = await memberClient('member1');
});

afterAll(async () => {
  client?.close();
  await remote?.close();
  rmSync(cache, { recursive: true, force: true });
});

describe('a controller killed at random points of its passes', () => {
  it(`converges with no leaked object, no wrongly deleted object and no lost commit (${KILLS} kills, seed ${SEED})`, async () => {
    // Seeded, so a failing run can be replayed with FLOTILLA_CRASH_SEED.
    const random = seededRandom(SEED);
    const humanCommits: string[] = [];
    let desired = new Set<number>();
    const change = (label: string) => {
      desired = new Set([...Array(POOL).keys()].filter(() => random() < 0.5));
      humanCommits.push(remote.commit(`${label}: ${desired.size} ConfigMaps`, fleetFiles(desired)));
    };
    change('initial');
    // Someone else's object in the same namespace, with a name Flotilla never uses: it must survive everything.
    const kill = controller();
    await pollUntil('the namespace exists', async () => ((await client.list('v1', 'Namespace')).some((n) => n.metadata.name === NAMESPACE) ? true : undefined), 60_000, 100);
    kill.kill('SIGKILL');
    await exited(kill);
    await serverSideApply(client, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-flotillas', namespace: NAMESPACE }, data: { owner: 'someone else' } });

    let killedWhileRunning = 0;
    for (let k = 0; k < KILLS; k++) {
      const child = controller();
      const delay = Math.floor(random() * 2500);
      const outcome = await Promise.race([exited(child).then(() => 'exited' as const), new Promise<'killed'>((r) => setTimeout(() => r('killed'), delay))]);
      if (outcome === 'killed') {
        child.kill('SIGKILL');
        killedWhileRunning++;
      }
      await exited(child);
      // The desired state moves on while the controller is down, as a human would push.
      if (random() < 0.7) change(`change ${k}`);
    }
    expect(killedWhileRunning).toBeGreaterThanOrEqual(20);

    // Restart for good: passes until the cluster holds exactly the desired objects and a pass leaves it as is.
    const want = [...desired].map(cmName).sort();
    // What the last attempt left, so a timeout says why (exit code, and which objects differ).
    let last = 'no attempt';
    await pollUntil(
      'the fleet converges after the crashes',
      async () => {
        const code = await exited(controller('--once'));
        const have = await managedConfigMaps();
        last = `exit ${code}; extra ${have.filter((n) => !want.includes(n)).join(',') || 'none'}; missing ${want.filter((n) => !have.includes(n)).join(',') || 'none'}`;
        return code === 0 && JSON.stringify(have) === JSON.stringify(want) ? true : undefined;
      },
      120_000,
      0,
    ).catch((err: Error) => {
      throw new Error(`${err.message} (last attempt: ${last})`);
    });
    expect(await managedConfigMaps()).toEqual(want);
    // No wrongly deleted object: someone else's object is untouched.
    expect((await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NAMESPACE, name: 'not-flotillas' }))?.data).toEqual({ owner: 'someone else' });
    // No lost commit: every human commit is in the branch's history, and the recorded inventory is the truth.
    for (const c of humanCommits) gitCmd(remote.bare, 'merge-base', '--is-ancestor', c, 'main');
    const inventory = parse(gitCmd(remote.bare, 'show', 'main:status/inventory/member1.yaml')) as { entries: { kind: string; name: string; pending?: boolean }[] };
    const recorded = inventory.entries.filter((e) => e.kind === 'ConfigMap').map((e) => e.name).sort();
    expect(recorded).toEqual(want);
    expect(inventory.entries.filter((e) => e.pending)).toEqual([]);
    gitCmd(remote.bare, 'fsck', '--strict');
  });
});
