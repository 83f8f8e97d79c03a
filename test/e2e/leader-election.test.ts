/**
 * Two controllers with --leader-elect, their Lease in member1 (doubling as the management cluster): one leads,
 * the other stands by; kill -9 the leader and the standby reconciles a new commit within 20 s, with one status
 * commit for it, not two.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OBSERVED_TRAILER } from '../../src/model/trailers.js';
import { pollUntil } from '../../src/util/poll.js';
import { startFleetRemote, type FleetRemote } from '../support/fleet-remote.js';
import { gitCmd } from '../support/git.js';
import { memberClient } from './helpers.js';

const NAMESPACE = 'leader-e2e';
const LEASE = `e2e-leader-${randomBytes(3).toString('hex')}`;
const CLI = resolve(import.meta.dirname, '../../bin/flotilla.js');

function fleetFiles(value: string): Record<string, string> {
  return {
    'fleet.yaml': 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: leader}\nspec: {}\n',
    'clusters/member1.yaml': 'apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member1}\nspec: {region: eu-west}\n',
    'policies/all.yaml': `apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: all, namespace: ${NAMESPACE}}\nspec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  placement: {clusterAffinity: {clusterNames: [member1]}}\n`,
    'workloads/settings.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: ${NAMESPACE}}\ndata: {value: "${value}"}\n`,
  };
}

interface Replica {
  child: ChildProcess;
  output: string[];
}

let remote: FleetRemote;
let cache: string;
let client: Awaited<ReturnType<typeof memberClient>>;
const replicas: Replica[] = [];

function replica(): Replica {
  const kubeconfig = inject('kubeconfig');
  const child = spawn(
    process.execPath,
    // A 10 s lease (renew deadline 7 s, retry 1 s): with client-go's 15 s / 10 s / 2 s defaults a takeover is the
    // lease duration plus up to 4.4 s of jittered retries plus a pass, which does not fit the 20 s this test holds to.
    [CLI, 'run', '--repo', remote.url, '--kubeconfig', kubeconfig, '--interval', '500ms', '--leader-elect', '--leader-elect-namespace', 'default', '--leader-elect-lease', LEASE,
      '--leader-elect-lease-duration', '10s', '--leader-elect-renew-deadline', '7s', '--leader-elect-retry-period', '1s', '--management-kubeconfig', kubeconfig, '--management-context', 'member1'],
    { env: { ...process.env, FLOTILLA_GIT_TOKEN: 'fleet-token', FLOTILLA_CACHE_DIR: cache }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const r = { child, output: [] as string[] };
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (d: Buffer) => r.output.push(...d.toString().split('\n').filter(Boolean)));
  replicas.push(r);
  return r;
}

const leads = (r: Replica) => r.output.some((l) => l.includes(`acquired lease default/${LEASE}`));

async function configValue(): Promise<string | undefined> {
  const cm = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NAMESPACE, name: 'settings' });
  return (cm?.data as Record<string, string> | undefined)?.value;
}

/** Status commits on main that name `desired` as the state they observed. */
function statusCommitsFor(desired: string): string[] {
  const log = gitCmd(remote.bare, 'log', '--format=%H%x1f%B%x1e', 'main');
  return log
    .split('\x1e')
    .map((e) => e.trim().split('\x1f'))
    .filter(([, body]) => body?.startsWith('flotilla: status of') && body.includes(`${OBSERVED_TRAILER}: ${desired}`))
    .map(([id]) => id!);
}

beforeAll(async () => {
  remote = await startFleetRemote('leader', { password: 'fleet-token' });
  cache = mkdtempSync(join(tmpdir(), 'flotilla-leader-cache-'));
  client = await memberClient('member1');
});

afterAll(async () => {
  for (const r of replicas) r.child.kill('SIGKILL');
  client?.close();
  await remote?.close();
  rmSync(cache, { recursive: true, force: true });
});

describe('leader election on a Lease in the management cluster', () => {
  it('runs passes in one replica only; a killed leader is replaced and the new commit reconciled within 20 s', async () => {
    const first = remote.commit('v1', fleetFiles('v1'));
    const a = replica();
    const b = replica();
    await pollUntil('one replica leads and reconciles v1', async () => ((await configValue()) === 'v1' && statusCommitsFor(first).length > 0 ? true : undefined), 60_000, 200);
    const [leader, standby] = leads(a) ? [a, b] : [b, a];
    expect(leads(leader)).toBe(true);
    expect(leads(standby)).toBe(false);
    expect(standby.output.some((l) => l.includes('pass at'))).toBe(false);
    const lease = await client.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'default', name: LEASE });
    expect((lease?.spec as { holderIdentity?: string }).holderIdentity).toBeTruthy();

    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    const second = remote.commit('v2', fleetFiles('v2'));
    await pollUntil('the standby reconciles v2', async () => ((await configValue()) === 'v2' && statusCommitsFor(second).length > 0 ? true : undefined), 30_000, 200);
    expect(Date.now() - killedAt).toBeLessThan(20_000);
    expect(leads(standby)).toBe(true);
    // A few more passes change nothing: one status commit for v2, not one per replica or per pass.
    const passes = standby.output.filter((l) => l.includes('pass at')).length;
    await pollUntil('three more passes', async () => (standby.output.filter((l) => l.includes('pass at')).length >= passes + 3 ? true : undefined), 30_000, 200);
    expect(statusCommitsFor(second)).toHaveLength(1);
    const after = await client.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'default', name: LEASE });
    expect((after?.spec as { leaseTransitions?: number }).leaseTransitions).toBeGreaterThanOrEqual(1);
  });

  it('releases the Lease on SIGTERM after the pass, so a new standby leads at once', async () => {
    const leader = replicas.find((r) => r.child.exitCode === null && r.child.signalCode === null && leads(r))!;
    const next = replica();
    await pollUntil('the new replica stands by', async () => (next.output.some((l) => l.includes('standing by')) ? true : undefined), 30_000, 100);
    const stoppedAt = Date.now();
    leader.child.kill('SIGTERM');
    await pollUntil('the new replica leads', async () => (leads(next) ? true : undefined), 15_000, 100);
    // Well within the lease duration: the Lease was released, not left to expire.
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    const lease = await client.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'default', name: LEASE });
    expect((lease?.spec as { holderIdentity?: string }).holderIdentity).not.toBe('');
  });
});
