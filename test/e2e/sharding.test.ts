/**
 * Three controllers with --shards 3 share the shard Leases (in member1, doubling as the management cluster):
 * each member is reconciled by exactly one of them; kill -9 one and its member is taken over; a policy change
 * still lands on every member.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pollUntil } from '../../src/util/poll.js';
import { startFleetRemote, type FleetRemote } from '../support/fleet-remote.js';
import { gitCmd } from '../support/git.js';
import { memberClient } from './helpers.js';

const NAMESPACE = 'sharding-e2e';
const LEASE = `e2e-shards-${randomBytes(3).toString('hex')}`;
const MEMBERS = ['member1', 'member2', 'member3'];
const CLI = resolve(import.meta.dirname, '../../bin/flotilla.js');

function fleetFiles(value: string): Record<string, string> {
  const files: Record<string, string> = {
    'fleet.yaml': 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: shards}\nspec: {}\n',
    'policies/all.yaml': `apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: all, namespace: ${NAMESPACE}}\nspec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  placement: {clusterAffinity: {clusterNames: [${MEMBERS.join(', ')}]}}\n`,
    'workloads/settings.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: ${NAMESPACE}}\ndata: {value: "${value}"}\n`,
  };
  for (const m of MEMBERS) files[`clusters/${m}.yaml`] = `apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: ${m}}\nspec: {region: eu-west}\n`;
  return files;
}

interface Replica {
  child: ChildProcess;
  output: string[];
}

let remote: FleetRemote;
let cache: string;
const clients = new Map<string, Awaited<ReturnType<typeof memberClient>>>();
const replicas: Replica[] = [];

function replica(): Replica {
  const kubeconfig = inject('kubeconfig');
  const child = spawn(
    process.execPath,
    [CLI, 'run', '--repo', remote.url, '--kubeconfig', kubeconfig, '--interval', '500ms', '--shards', '3', '--leader-elect-namespace', 'default', '--leader-elect-lease', LEASE, '--management-kubeconfig', kubeconfig, '--management-context', 'member1'],
    { env: { ...process.env, FLOTILLA_GIT_TOKEN: 'fleet-token', FLOTILLA_CACHE_DIR: cache }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const r = { child, output: [] as string[] };
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (d: Buffer) => r.output.push(...d.toString().split('\n').filter(Boolean)));
  replicas.push(r);
  return r;
}

/** The members a replica's passes worked on since line `from` (a pass line names only its own clusters). */
function reconciled(r: Replica, from = 0): Set<string> {
  const out = new Set<string>();
  for (const line of r.output.slice(from).filter((l) => l.includes(' pass at '))) for (const m of MEMBERS) if (line.includes(`${m}:`)) out.add(m);
  return out;
}

async function valueOn(member: string): Promise<string | undefined> {
  const cm = await clients.get(member)!.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NAMESPACE, name: 'settings' });
  return (cm?.data as Record<string, string> | undefined)?.value;
}

async function everywhere(value: string): Promise<true | undefined> {
  for (const m of MEMBERS) if ((await valueOn(m)) !== value) return undefined;
  return true;
}

beforeAll(async () => {
  remote = await startFleetRemote('sharding', { password: 'fleet-token' });
  cache = mkdtempSync(join(tmpdir(), 'flotilla-sharding-cache-'));
  for (const m of MEMBERS) clients.set(m, await memberClient(m));
});

afterAll(async () => {
  for (const r of replicas) r.child.kill('SIGKILL');
  for (const c of clients.values()) c.close();
  await remote?.close();
  rmSync(cache, { recursive: true, force: true });
});

describe('three shards over three members', () => {
  it('reconciles each member by exactly one shard, takes a killed shard\'s member over, and lands a policy change everywhere', async () => {
    remote.commit('v1', fleetFiles('v1'));
    const rs = [replica(), replica(), replica()];
    await pollUntil('v1 on every member', () => everywhere('v1'), 90_000, 200);
    await pollUntil('each replica holds a shard', async () => (rs.every((r) => r.output.some((l) => l.includes('took shard'))) ? true : undefined), 60_000, 200);
    // A shard taken just now logs its first pass a moment later.
    await pollUntil('every member in some shard\'s passes', async () => (MEMBERS.every((m) => rs.some((r) => reconciled(r).has(m))) ? true : undefined), 60_000, 200);
    for (const m of MEMBERS) expect(rs.filter((r) => reconciled(r).has(m))).toHaveLength(1);
    for (const m of MEMBERS) expect(gitCmd(remote.bare, 'show', `main:status/clusters/${m}.yaml`)).toContain('ClusterReady');
    const placement = gitCmd(remote.bare, 'show', `main:status/placements/${NAMESPACE}/configmap-settings.yaml`);
    for (const m of MEMBERS) expect(placement).toContain(`name: ${m}`);

    const victim = rs.find((r) => reconciled(r).size > 0)!;
    const orphaned = [...reconciled(victim)];
    victim.child.kill('SIGKILL');
    const survivors = rs.filter((r) => r !== victim);
    const marks = survivors.map((r) => r.output.length);
    const killedAt = Date.now();
    remote.commit('v2', fleetFiles('v2'));
    await pollUntil('v2 on every member', () => everywhere('v2'), 60_000, 200);
    // Within the lease duration (15 s) plus a couple of retry periods and a pass.
    expect(Date.now() - killedAt).toBeLessThan(25_000);
    // A pass logs its line after it has applied and recorded: wait for the line of the pass that applied v2.
    await pollUntil('the survivors\' pass lines', async () => (MEMBERS.every((m) => survivors.some((r, i) => reconciled(r, marks[i]).has(m))) ? true : undefined), 30_000, 200);
    for (const m of orphaned) expect(survivors.filter((r, i) => reconciled(r, marks[i]).has(m))).toHaveLength(1);
    for (const m of MEMBERS) expect(survivors.filter((r, i) => reconciled(r, marks[i]).has(m))).toHaveLength(1);
    // No shard's entries were lost to another's commit.
    const after = gitCmd(remote.bare, 'show', `main:status/placements/${NAMESPACE}/configmap-settings.yaml`);
    for (const m of MEMBERS) expect(after).toContain(`name: ${m}`);
  });
});
