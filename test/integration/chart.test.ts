/**
 * charts/flotilla, linted and rendered by the helm the testbed builds from the Go module proxy: the objects it
 * creates, their security settings, the scope of its RBAC, the flags it hands `flotilla run`, and the values it
 * refuses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { gitAuthFromEnv } from '../../src/cli/run.js';
import type { KubeObject } from '../../src/model/kube.js';
import { captureCli } from '../support/cli-capture.js';
import { CHART_DIR, HELM_BUILD_TIMEOUT_MS, REQUIRED_VALUES, helm, helmBinary, mergeValues, renderChart, templateChart, withValuesFile } from '../support/chart.js';

const NAMESPACE = 'fleet-control';

interface Container {
  name: string;
  args: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  ports: { name: string; containerPort: number }[];
  securityContext: Record<string, unknown>;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  securityContext: Record<string, unknown>;
  serviceAccountName: string;
  containers: Container[];
  volumes: { name: string; emptyDir?: unknown; secret?: { secretName: string; items: { key: string; path: string }[] } }[];
}

const SHARDED = {
  replicaCount: 3,
  sharding: { shards: 3 },
  leaderElection: { enabled: true },
  logging: { format: 'json', level: 'debug' },
  metrics: { setAddress: true, port: 9090 },
  serviceMonitor: { enabled: true },
  podDisruptionBudget: { enabled: true },
  git: { credentialsSecret: { name: 'fleet-git' } },
  members: { kubeconfigSecrets: [{ name: 'eu-members', key: 'kubeconfig' }, { name: 'us-members', key: 'config' }] },
};

function one(objects: KubeObject[], kind: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0]!;
}

function podSpec(objects: KubeObject[]): PodSpec {
  return (one(objects, 'Deployment').spec as { template: { spec: PodSpec } }).template.spec;
}

function controller(objects: KubeObject[]): Container {
  return podSpec(objects).containers[0]!;
}

/** `--name=value` and `--name` flags of the rendered container, by name. */
function flags(c: Container): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (const a of c.args.slice(1)) {
    const eq = a.indexOf('=');
    if (eq < 0) out.set(a, true);
    else out.set(a.slice(0, eq), a.slice(eq + 1));
  }
  return out;
}

async function runFlagNames(): Promise<Set<string>> {
  const program = await buildProgram(['run']);
  const run = program.commands.find((c) => c.name() === 'run')!;
  return new Set(run.options.map((o) => o.long!));
}

let helmPath: string;
beforeAll(async () => {
  helmPath = await helmBinary();
}, HELM_BUILD_TIMEOUT_MS);

describe('flotilla testbed helm', () => {
  const cli = captureCli();

  it('prints the cached helm binary without arguments', async () => {
    expect(await cli.run('testbed', 'helm')).toBe(0);
    expect(cli.out).toEqual([helmPath]);
  });

  it("passes the arguments after -- to helm and exits with helm's code", async () => {
    expect(await cli.run('testbed', 'helm', '--', 'lint', CHART_DIR)).not.toBe(0);
    expect(await cli.run('testbed', 'helm', '--', 'show', 'chart', CHART_DIR)).toBe(0);
  });
});

describe('helm lint', () => {
  it('passes in strict mode with the required value set', async () => {
    const r = await withValuesFile(REQUIRED_VALUES, (file) => helm(['lint', '--strict', CHART_DIR, '-f', file]));
    expect(r.stderr + r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(r.code).toBe(0);
  });

  it('passes for the sharded configuration', async () => {
    const r = await withValuesFile(mergeValues(REQUIRED_VALUES, SHARDED), (file) => helm(['lint', '--strict', CHART_DIR, '-f', file]));
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});

describe('helm template with default values', () => {
  let objects: KubeObject[];
  beforeAll(async () => {
    objects = await renderChart(REQUIRED_VALUES, { namespace: NAMESPACE });
  });

  it('renders the controller, its identity, its RBAC and its Service, all in the release namespace', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    for (const o of objects) expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(NAMESPACE);
  });

  it('runs the controller as a non-root user on a read-only root filesystem with no capabilities', () => {
    const spec = podSpec(objects);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(controller(objects).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('gives the Git cache and /tmp writable emptyDir volumes, and points the cache there', () => {
    const spec = podSpec(objects);
    const c = controller(objects);
    const writable = c.volumeMounts.filter((m) => spec.volumes.find((v) => v.name === m.name)?.emptyDir !== undefined).map((m) => m.mountPath);
    expect(writable.sort()).toEqual(['/tmp', '/var/cache/flotilla']);
    expect(c.env?.find((e) => e.name === 'FLOTILLA_CACHE_DIR')?.value).toBe('/var/cache/flotilla');
  });

  it('sets resources and probes /healthz and /readyz on the metrics port, which the Service exposes', () => {
    const c = controller(objects);
    expect(c.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.resources.limits?.memory).toBeDefined();
    expect(c.ports).toEqual([{ name: 'http-metrics', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http-metrics' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http-metrics' });
    const svc = one(objects, 'Service').spec as { ports: { name: string; port: number; targetPort: string }[] };
    expect(svc.ports).toEqual([{ name: 'http-metrics', port: 8080, targetPort: 'http-metrics', protocol: 'TCP' }]);
  });

  it('passes only flags that `flotilla run` has, and stops the old pod before a new one starts', async () => {
    const c = controller(objects);
    expect(c.args[0]).toBe('run');
    const known = await runFlagNames();
    for (const name of flags(c).keys()) expect(known, `${name} is a flag of flotilla run`).toContain(name);
    expect(flags(c).get('--repo')).toBe(REQUIRED_VALUES.fleet.repository);
    expect(flags(c).get('--branch')).toBe('main');
    expect((one(objects, 'Deployment').spec as { strategy: { type: string } }).strategy.type).toBe('Recreate');
  });

  it('grants Leases and Secrets in the release namespace only, to its own ServiceAccount', () => {
    const role = one(objects, 'Role') as KubeObject & { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
    expect(role.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = one(objects, 'RoleBinding') as KubeObject & { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace: string }[] };
    expect(binding.roleRef).toMatchObject({ kind: 'Role', name: role.metadata.name });
    const sa = one(objects, 'ServiceAccount');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: NAMESPACE }]);
    expect(podSpec(objects).serviceAccountName).toBe(sa.metadata.name);
  });
});

describe('helm template with sharding, leader election and every option on', () => {
  let objects: KubeObject[];
  beforeAll(async () => {
    objects = await renderChart(mergeValues(REQUIRED_VALUES, SHARDED), { namespace: NAMESPACE });
  });

  it('adds the ServiceMonitor and PodDisruptionBudget and still nothing cluster-scoped', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount', 'ServiceMonitor']);
    expect(objects.filter((o) => o.kind.startsWith('Cluster'))).toEqual([]);
    for (const o of objects) expect(o.metadata.namespace).toBe(NAMESPACE);
  });

  it('runs three replicas over three shards with leader election, JSON logs and the metrics address', () => {
    const d = one(objects, 'Deployment').spec as { replicas: number; strategy: { type: string } };
    expect(d.replicas).toBe(3);
    expect(d.strategy.type).toBe('RollingUpdate');
    const f = flags(controller(objects));
    expect(f.get('--shards')).toBe('3');
    expect(f.get('--leader-elect')).toBe(true);
    expect(f.get('--log-format')).toBe('json');
    expect(f.get('--log-level')).toBe('debug');
    expect(f.get('--metrics-addr')).toBe(':9090');
    expect(controller(objects).ports[0]).toMatchObject({ name: 'http-metrics', containerPort: 9090 });
  });

  it('merges several member kubeconfig Secrets through KUBECONFIG, each mounted read-only', () => {
    const c = controller(objects);
    const spec = podSpec(objects);
    expect(flags(c).has('--kubeconfig')).toBe(false);
    const paths = c.env!.find((e) => e.name === 'KUBECONFIG')!.value!.split(':');
    expect(paths).toHaveLength(2);
    SHARDED.members.kubeconfigSecrets.forEach((s, i) => {
      const volume = spec.volumes.find((v) => v.secret?.secretName === s.name)!;
      expect(volume.secret!.items).toEqual([{ key: s.key, path: s.key }]);
      expect((volume.secret as { defaultMode?: number }).defaultMode).toBe(0o440);
      const mount = c.volumeMounts.find((m) => m.name === volume.name)!;
      expect(mount.readOnly).toBe(true);
      expect(paths[i]).toBe(`${mount.mountPath}/${s.key}`);
    });
  });

  it('takes Git credentials from the Secret under the variables the controller reads', () => {
    const fromSecret = controller(objects).env!.filter((e) => e.valueFrom?.secretKeyRef?.name === 'fleet-git');
    expect(fromSecret.map((e) => [e.name, e.valueFrom!.secretKeyRef!.key, e.valueFrom!.secretKeyRef!.optional])).toEqual([
      ['FLOTILLA_GIT_TOKEN', 'token', true],
      ['FLOTILLA_GIT_USERNAME', 'username', true],
      ['FLOTILLA_GIT_PASSWORD', 'password', true],
    ]);
    // What the controller makes of those variables when the Secret holds a token and a user name.
    const saved = { ...process.env };
    try {
      for (const e of fromSecret) process.env[e.name] = `${e.valueFrom!.secretKeyRef!.key}-value`;
      delete process.env.FLOTILLA_GIT_PASSWORD;
      expect(gitAuthFromEnv()).toEqual({ token: 'token-value', username: 'username-value' });
    } finally {
      for (const e of fromSecret) delete process.env[e.name];
      Object.assign(process.env, saved);
    }
  });
});

describe('one member kubeconfig', () => {
  it('is passed as --kubeconfig, pointing at the mounted Secret key', async () => {
    const objects = await renderChart(mergeValues(REQUIRED_VALUES, { members: { kubeconfigSecrets: [{ name: 'members', key: 'kubeconfig' }], clusterContexts: { member1: 'prod-eu' } } }));
    const c = controller(objects);
    const mount = c.volumeMounts.find((m) => m.name.startsWith('kubeconfig'))!;
    expect(flags(c).get('--kubeconfig')).toBe(`${mount.mountPath}/kubeconfig`);
    expect(flags(c).get('--cluster-context')).toBe('member1=prod-eu');
    expect(c.env!.some((e) => e.name === 'KUBECONFIG')).toBe(false);
    const known = await runFlagNames();
    for (const name of flags(c).keys()) expect(known).toContain(name);
  });
});

describe('values the chart refuses', () => {
  it.each([
    ['no fleet repository', {}, /at '\/fleet\/repository': '' does not match pattern/],
    ['a repository that is not an http(s) URL', { fleet: { repository: 'git@example.test:fleet.git' } }, /at '\/fleet\/repository': 'git@example\.test:fleet\.git' does not match pattern/],
    ['a negative replica count', mergeValues(REQUIRED_VALUES, { replicaCount: -1 }), /at '\/replicaCount': minimum: got -1, want 0/],
    ['a replica count that is a string', mergeValues(REQUIRED_VALUES, { replicaCount: 'two' }), /at '\/replicaCount': got string, want integer/],
    ['an unknown log format', mergeValues(REQUIRED_VALUES, { logging: { format: 'yaml' } }), /at '\/logging\/format': value must be one of '', 'json', 'text'/],
    ['a misspelt top-level value', mergeValues(REQUIRED_VALUES, { replicas: 2 }), /additional properties 'replicas' not allowed/],
    ['zero shards', mergeValues(REQUIRED_VALUES, { sharding: { shards: 0 } }), /at '\/sharding\/shards': minimum: got 0, want 1/],
    ['a root user', mergeValues(REQUIRED_VALUES, { podSecurityContext: { runAsNonRoot: false } }), /at '\/podSecurityContext\/runAsNonRoot': value must be true/],
    ['a kubeconfig Secret without a key', mergeValues(REQUIRED_VALUES, { members: { kubeconfigSecrets: [{ name: 'members' }] } }), /at '\/members\/kubeconfigSecrets\/0': missing property 'key'/],
    ['two writers without leader election or sharding', mergeValues(REQUIRED_VALUES, { replicaCount: 2 }), /replicaCount is 2 but neither leaderElection\.enabled nor sharding\.shards/],
    ['more shards than replicas', mergeValues(REQUIRED_VALUES, { replicaCount: 2, sharding: { shards: 3 } }), /sharding\.shards is 3 but replicaCount is 2/],
  ])('%s', async (_name, values, message) => {
    const r = await templateChart(values);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});
