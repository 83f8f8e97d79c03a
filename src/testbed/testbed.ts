/**
 * The testbed: N member clusters on loopback, one kubeconfig with a context per member. State (ports, pids,
 * tokens) lives in `<stateDir>/testbed.json`, so `down`, `status`, `stop` and `start` work from any process.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { TestbedError } from '../model/errors.js';
import { ensureTestbedBinaries, type Progress } from './build.js';
import {
  memberCaFile,
  memberServer,
  memberTransport,
  newMemberState,
  runningComponents,
  startMember,
  stopMember,
  type MemberState,
} from './member.js';
import { defaultTopology } from './nodes.js';
import { residentBytes } from './process.js';
import { DEFAULT_BASE_PORT, defaultStateDir } from './paths.js';
export { DEFAULT_BASE_PORT };
import { testbedCacheKey } from './versions.js';

export interface TestbedState {
  version: 1;
  cacheKey: string;
  binDir: string;
  basePort: number;
  kubeconfig: string;
  members: MemberState[];
}

export interface UpOptions {
  clusters?: number;
  basePort?: number;
  stateDir?: string;
  progress?: Progress;
  timeoutMs?: number;
}


export function stateFile(stateDir: string): string {
  return join(stateDir, 'testbed.json');
}

export function readTestbedState(stateDir = defaultStateDir()): TestbedState | undefined {
  const file = stateFile(stateDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as TestbedState;
}

function writeState(stateDir: string, state: TestbedState): void {
  const tmp = `${stateFile(stateDir)}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, stateFile(stateDir));
}

/**
 * Brings up `clusters` members (default 3, named member1…), sequentially: on 2 cores, starting control planes
 * in parallel only makes every one of them slower. An existing testbed is reused and stopped members started.
 */
export async function testbedUp(opts: UpOptions = {}): Promise<TestbedState> {
  const stateDir = opts.stateDir ?? defaultStateDir();
  const progress = opts.progress ?? (() => {});
  const binDir = await ensureTestbedBinaries(progress);
  mkdirSync(stateDir, { recursive: true });
  let state = readTestbedState(stateDir);
  const wanted = opts.clusters ?? state?.members.length ?? 3;
  if (state && (state.cacheKey !== testbedCacheKey() || (opts.basePort !== undefined && opts.basePort !== state.basePort))) {
    progress('the existing testbed was made with other versions or ports; recreating it');
    await testbedDown(stateDir);
    state = undefined;
  }
  if (!state) {
    const basePort = opts.basePort ?? DEFAULT_BASE_PORT;
    state = { version: 1, cacheKey: testbedCacheKey(), binDir, basePort, kubeconfig: join(stateDir, 'kubeconfig'), members: [] };
  }
  for (let i = state.members.length + 1; i <= wanted; i++) {
    state.members.push(newMemberState(stateDir, `member${i}`, i, state.basePort, defaultTopology(i)));
  }
  state.binDir = binDir;
  writeState(stateDir, state);
  for (const m of state.members) {
    if (runningComponents(m).length === 5 && (await isServing(m))) {
      progress(`${m.name}: already running`);
      continue;
    }
    progress(`${m.name}: starting (ports ${m.ports.etcdClient}-${m.ports.apiserver})`);
    try {
      await startMember(m, { binDir, progress, timeoutMs: opts.timeoutMs });
    } finally {
      writeState(stateDir, state);
    }
  }
  writeKubeconfig(state);
  writeState(stateDir, state);
  return state;
}

/** Stops every process the testbed started and removes its state. */
export async function testbedDown(stateDir = defaultStateDir()): Promise<void> {
  const state = readTestbedState(stateDir);
  if (state) for (const m of state.members) await stopMember(m);
  rmSync(stateDir, { recursive: true, force: true });
}

/** Stops one member (all its processes), keeping its data: the way failover tests kill a cluster. */
export async function testbedStopMember(name: string, stateDir = defaultStateDir()): Promise<void> {
  const m = requireMember(requireState(stateDir), name);
  await stopMember(m);
  recordMember(stateDir, m);
}

/**
 * Writes one member's entry into the state as it is now: members stopped or started at the same time must not
 * overwrite each other's process ids (a lost id is a process `testbed down` cannot stop).
 */
function recordMember(stateDir: string, member: MemberState): void {
  const state = requireState(stateDir);
  state.members = state.members.map((m) => (m.name === member.name ? member : m));
  writeState(stateDir, state);
}

export async function testbedStartMember(name: string, stateDir = defaultStateDir(), progress: Progress = () => {}): Promise<void> {
  const state = requireState(stateDir);
  const m = requireMember(state, name);
  try {
    await startMember(m, { binDir: state.binDir, progress });
  } finally {
    recordMember(stateDir, m);
  }
}

export interface MemberStatus {
  name: string;
  server: string;
  region: string;
  ready: boolean;
  message: string;
  processes: number;
  residentBytes: number;
}

export async function testbedStatus(stateDir = defaultStateDir()): Promise<{ state?: TestbedState; members: MemberStatus[] }> {
  const state = readTestbedState(stateDir);
  if (!state) return { members: [] };
  const members: MemberStatus[] = [];
  for (const m of state.members) {
    const running = runningComponents(m);
    let ready = false;
    let message = `${running.length}/5 processes running`;
    if (running.includes('kube-apiserver')) {
      try {
        ready = await isServing(m);
        message += ready ? ', /readyz ok' : ', /readyz failing';
      } catch (err) {
        message += `, /readyz: ${(err as Error).message}`;
      }
    }
    const rss = running.reduce((sum, c) => sum + (residentBytes(m.processes[c]!.pid) ?? 0), 0);
    members.push({ name: m.name, server: memberServer(m), region: m.topology.region, ready, message, processes: running.length, residentBytes: rss });
  }
  return { state, members };
}

async function isServing(m: MemberState): Promise<boolean> {
  if (!existsSync(memberCaFile(m))) return false;
  const t = memberTransport(m, 5000);
  try {
    return (await t.request('/readyz')).status === 200;
  } catch {
    return false;
  } finally {
    t.close();
  }
}

function requireState(stateDir: string): TestbedState {
  const state = readTestbedState(stateDir);
  if (!state) throw new TestbedError('E_NO_TESTBED', `no testbed in ${stateDir}; run 'flotilla testbed up' first`, { stateDir });
  return state;
}

function requireMember(state: TestbedState, name: string): MemberState {
  const m = state.members.find((x) => x.name === name);
  if (!m) throw new TestbedError('E_NO_MEMBER', `the testbed has no member '${name}' (it has ${state.members.map((x) => x.name).join(', ')})`, { name });
  return m;
}

/** One kubeconfig, one context per member named like the member; the CA is embedded so the file stands alone. */
export function writeKubeconfig(state: TestbedState): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: state.members.map((m) => ({
      name: m.name,
      cluster: { server: memberServer(m), 'certificate-authority-data': readFileSync(memberCaFile(m)).toString('base64') },
    })),
    users: state.members.map((m) => ({ name: `${m.name}-admin`, user: { token: m.token } })),
    contexts: state.members.map((m) => ({ name: m.name, context: { cluster: m.name, user: `${m.name}-admin` } })),
    'current-context': state.members[0]?.name ?? '',
  };
  writeFileSync(state.kubeconfig, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
}
