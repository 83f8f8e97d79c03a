/**
 * One member cluster: etcd → kube-apiserver → kube-controller-manager, kube-scheduler, kwok, each a detached
 * process on loopback with its own ports, data and logs under the member's state directory.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestbedError } from '../model/errors.js';
import { KubeTransport } from '../kube/transport.js';
import { pollUntil } from '../util/poll.js';
import { fakeNodes, type MemberTopology } from './nodes.js';
import { isPortFree, isRunning, startDetached, stopProcess, type StartedProcess } from './process.js';
import { kwokStageConfig } from './stages.js';

export interface MemberPorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
}

export interface MemberState {
  name: string;
  index: number;
  dir: string;
  ports: MemberPorts;
  topology: MemberTopology;
  token: string;
  processes: Partial<Record<Component, StartedProcess>>;
}

export type Component = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';
const START_ORDER: Component[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];

export function memberPorts(basePort: number, index: number): MemberPorts {
  const base = basePort + (index - 1) * 10;
  return { etcdClient: base, etcdPeer: base + 1, apiserver: base + 2 };
}

export function newMemberState(stateDir: string, name: string, index: number, basePort: number, topology: MemberTopology): MemberState {
  return {
    name,
    index,
    dir: join(stateDir, name),
    ports: memberPorts(basePort, index),
    topology,
    token: randomBytes(24).toString('hex'),
    processes: {},
  };
}

export function memberCaFile(m: MemberState): string {
  return join(m.dir, 'pki', 'apiserver.crt');
}

export function memberServer(m: MemberState): string {
  return `https://127.0.0.1:${m.ports.apiserver}`;
}

export function memberTransport(m: MemberState, timeoutMs = 10_000): KubeTransport {
  return new KubeTransport({ server: memberServer(m), ca: readFileSync(memberCaFile(m)), token: m.token, timeoutMs });
}

export function runningComponents(m: MemberState): Component[] {
  return START_ORDER.filter((c) => {
    const p = m.processes[c];
    return p !== undefined && isRunning(p.pid, p.binary);
  });
}

/** Writes the PKI and configuration a member needs; idempotent, so a restarted member keeps its identity. */
function prepareMember(m: MemberState, binDir: string): void {
  for (const d of ['pki', 'logs', 'etcd-data']) mkdirSync(join(m.dir, d), { recursive: true });
  const saKey = join(m.dir, 'pki', 'sa.key');
  if (!existsSync(saKey)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    writeFileSync(saKey, privateKey, { mode: 0o600 });
    writeFileSync(join(m.dir, 'pki', 'sa.pub'), publicKey);
  }
  // Static token authentication keeps the testbed free of an X.509 toolchain; the admin is system:masters.
  writeFileSync(join(m.dir, 'pki', 'tokens.csv'), `${m.token},flotilla-testbed-admin,1,system:masters\n`, { mode: 0o600 });
  writeFileSync(join(m.dir, 'kwok.yaml'), kwokStageConfig(join(binDir, 'kwok-stages')));
}

/** The kubeconfig the member's own components use (the apiserver's self-signed certificate as CA). */
function writeComponentKubeconfig(m: MemberState): string {
  const path = join(m.dir, 'admin.kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: m.name, cluster: { server: memberServer(m), 'certificate-authority': memberCaFile(m) } }],
    users: [{ name: 'admin', user: { token: m.token } }],
    contexts: [{ name: m.name, context: { cluster: m.name, user: 'admin' } }],
    'current-context': m.name,
  };
  writeFileSync(path, JSON.stringify(config, null, 2), { mode: 0o600 });
  return path;
}

function componentArgs(m: MemberState, c: Component): string[] {
  const pki = join(m.dir, 'pki');
  const kubeconfig = join(m.dir, 'admin.kubeconfig');
  switch (c) {
    case 'etcd':
      return [
        `--name=${m.name}`,
        `--data-dir=${join(m.dir, 'etcd-data')}`,
        `--listen-client-urls=http://127.0.0.1:${m.ports.etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${m.ports.etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${m.ports.etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${m.ports.etcdPeer}`,
        `--initial-cluster=${m.name}=http://127.0.0.1:${m.ports.etcdPeer}`,
        '--unsafe-no-fsync=true',
        '--auto-compaction-retention=1',
        '--quota-backend-bytes=2147483648',
        '--log-level=warn',
      ];
    case 'kube-apiserver':
      return [
        `--etcd-servers=http://127.0.0.1:${m.ports.etcdClient}`,
        `--secure-port=${m.ports.apiserver}`,
        '--bind-address=127.0.0.1',
        // Without a default route the apiserver cannot pick an address by itself (docs/architecture.md#the-testbed), and a loopback
        // address cannot go into the `kubernetes` Endpoints: hence the reconciler type none.
        '--advertise-address=127.0.0.1',
        '--endpoint-reconciler-type=none',
        `--cert-dir=${pki}`,
        `--token-auth-file=${join(pki, 'tokens.csv')}`,
        '--authorization-mode=RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${join(pki, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
        '--service-cluster-ip-range=10.96.0.0/16',
        '--allow-privileged=true',
        '--profiling=false',
        '--v=1',
      ];
    case 'kube-controller-manager':
      return [
        `--kubeconfig=${kubeconfig}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        '--secure-port=0',
        `--service-account-private-key-file=${join(pki, 'sa.key')}`,
        `--root-ca-file=${memberCaFile(m)}`,
        '--use-service-account-credentials=false',
        '--profiling=false',
        '--v=1',
      ];
    case 'kube-scheduler':
      return [`--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--bind-address=127.0.0.1', '--secure-port=0', '--profiling=false', '--v=1'];
    case 'kwok':
      return [
        `--kubeconfig=${kubeconfig}`,
        '--manage-all-nodes=true',
        `--config=${join(m.dir, 'kwok.yaml')}`,
        '--node-lease-duration-seconds=40',
        '--cidr=10.0.0.0/16',
      ];
  }
}

export async function checkPortsFree(m: MemberState): Promise<void> {
  for (const [role, port] of Object.entries(m.ports)) {
    if (!(await isPortFree(port))) {
      throw new TestbedError(
        'E_PORT_IN_USE',
        `port ${port} (${m.name} ${role}) is already in use on 127.0.0.1; stop whatever holds it or start the testbed with another --base-port`,
        { port, member: m.name, role },
      );
    }
  }
}

export interface StartOptions {
  binDir: string;
  timeoutMs?: number;
  progress?: (msg: string) => void;
}

/** Starts whatever of the member is not running, in dependency order, waiting for each stage to be ready. */
export async function startMember(m: MemberState, opts: StartOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const progress = opts.progress ?? (() => {});
  const running = new Set(runningComponents(m));
  if (running.size === 0) await checkPortsFree(m);
  prepareMember(m, opts.binDir);
  const start = (c: Component): void => {
    if (running.has(c)) return;
    const log = join(m.dir, 'logs', `${c}.log`);
    m.processes[c] = startDetached(join(opts.binDir, c), componentArgs(m, c), log);
  };
  const failIfDied = (c: Component): void => {
    const p = m.processes[c];
    if (p && !isRunning(p.pid, p.binary)) {
      throw new TestbedError('E_COMPONENT_DIED', `${m.name}: ${c} exited during start-up; see ${p.log}`, { member: m.name, component: c, log: p.log });
    }
  };

  start('etcd');
  await pollUntil(`${m.name} etcd`, async () => {
    failIfDied('etcd');
    const res = await fetch(`http://127.0.0.1:${m.ports.etcdClient}/health`).catch(() => undefined);
    return res?.ok ? true : undefined;
  }, timeoutMs);

  start('kube-apiserver');
  await pollUntil(`${m.name} kube-apiserver /readyz`, async () => {
    failIfDied('kube-apiserver');
    if (!existsSync(memberCaFile(m))) return undefined;
    const t = memberTransport(m, 5000);
    try {
      const res = await t.request('/readyz');
      return res.status === 200 ? true : undefined;
    } finally {
      t.close();
    }
  }, timeoutMs, 500);
  writeComponentKubeconfig(m);
  progress(`${m.name}: API server ready on ${memberServer(m)}`);

  start('kube-controller-manager');
  start('kube-scheduler');
  start('kwok');
  await ensureNodes(m);
  await pollUntil(`${m.name} nodes Ready and default ServiceAccount`, async () => {
    for (const c of ['kube-controller-manager', 'kube-scheduler', 'kwok'] as const) failIfDied(c);
    const t = memberTransport(m);
    try {
      const nodes = await t.requestOk<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>('/api/v1/nodes');
      const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      if (ready.length < m.topology.zones.length) return undefined;
      const sa = await t.request('/api/v1/namespaces/default/serviceaccounts/default');
      return sa.status === 200 ? true : undefined;
    } finally {
      t.close();
    }
  }, timeoutMs, 500);
  progress(`${m.name}: ${m.topology.zones.length} nodes Ready (region ${m.topology.region})`);
}

async function ensureNodes(m: MemberState): Promise<void> {
  const t = memberTransport(m);
  try {
    for (const node of fakeNodes(m.topology)) {
      const name = (node.metadata as { name: string }).name;
      const existing = await t.request(`/api/v1/nodes/${name}`);
      if (existing.status === 200) continue;
      await t.requestOk('/api/v1/nodes', { method: 'POST', body: node });
    }
  } finally {
    t.close();
  }
}

/** Stops every process of the member, in reverse start order. Data stays, so it can start again. */
export async function stopMember(m: MemberState): Promise<void> {
  for (const c of [...START_ORDER].reverse()) {
    const p = m.processes[c];
    if (p) await stopProcess(p.pid, p.binary);
    delete m.processes[c];
  }
}
