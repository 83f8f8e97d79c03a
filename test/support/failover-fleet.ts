/**
 * A running fleet for failover tests and the failover benchmark: a fleet repository with the template's clusters,
 * fleet.yaml and ClusterTaintPolicy (so the template's presets are what is exercised), the files of one scenario,
 * and the controller loop running in-process with short thresholds. The status it commits is read back from the
 * bare repository, at the tip or through its history.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { PassReport, ReconcilerOptions } from '../../src/controller/reconcile.js';
import { runController } from '../../src/controller/run.js';
import { TEMPLATE_DIR } from '../../src/cli/init.js';
import type { ClusterApi } from '../../src/kube/cluster-api.js';
import { ClusterClient } from '../../src/kube/client.js';
import { KubeTransport } from '../../src/kube/transport.js';
import type { ObjectRef } from '../../src/model/refs.js';
import { placementPath } from '../../src/record/index.js';
import { FAULT_LABEL } from '../../src/testbed/index.js';
import { pollUntil } from '../../src/util/poll.js';
import { controllerFor, startFleetRemote, type FleetRemote } from './fleet-remote.js';
import { gitCmd } from './git.js';

export interface EvictionTaskDoc {
  fromCluster: string;
  purgeMode: string;
  replicas?: number;
  reason: string;
  message?: string;
  producer: string;
  creationTimestamp?: string;
}

export interface PlacementDoc {
  spec: { clusters: { name: string; replicas: number }[]; gracefulEvictionTasks?: EvictionTaskDoc[] };
  status: {
    conditions: { type: string; status: string; reason: string; message: string }[];
    observedAffinityName?: string;
    rebalancedBy?: string[];
    clusters?: { name: string; applied: boolean; health: string; degradedSince?: string }[];
  };
}

export interface ClusterStatusDoc {
  status: {
    conditions?: { type: string; status: string; reason: string }[];
    taints?: { key: string; value?: string; effect: string; timeAdded?: string }[];
  };
}

export interface FailoverFleetOptions {
  /** Names the temporary directories. */
  prefix: string;
  kubeconfig: string;
  /** The scenario's files (workloads/, policies/), added to the template's clusters, fleet.yaml and taints. */
  files: Record<string, string>;
  /** Passed to the Reconciler (thresholds). */
  reconciler?: Partial<ReconcilerOptions>;
  /** `flotilla run --cluster-probe-interval`. */
  probeIntervalMs: number;
  /**
   * Commit the scenario's files only once the controller has recorded these members Ready. A member restarted by
   * an earlier scenario can answer the test before the new controller's first probe finds it Ready, and a Divided
   * placement made around it would never move back by itself.
   */
  readyFirst?: { members: readonly string[]; timeoutMs: number };
  /** `flotilla run --interval`: also how soon a pushed commit is noticed. */
  intervalMs?: number;
}

export interface FailoverFleet {
  remote: FleetRemote;
  /** Every pass the loop has finished, in order. */
  passes: PassReport[];
  /** Stops the loop after its current pass (the reconciler and what it remembers stay). */
  pause(): Promise<void>;
  resume(): void;
  /** A human commit, pushed while the loop is paused so it never races a status push. */
  commit(message: string, change: Record<string, string | null> | (() => void)): Promise<string>;
  /** A status (or any) file at the tip of main, parsed; undefined when absent. */
  file<T>(path: string): T | undefined;
  /** Every version of a file on main, oldest first (versions where it was deleted are skipped). */
  history<T>(path: string): T[];
  /** The full messages of main's commits, newest first. */
  messages(): string[];
  close(): Promise<void>;
}

export async function startFailoverFleet(opts: FailoverFleetOptions): Promise<FailoverFleet> {
  const remote = await startFleetRemote(opts.prefix);
  remote.commit('failover fleet', () => {
    cpSync(join(TEMPLATE_DIR, 'clusters'), join(remote.work, 'clusters'), { recursive: true });
    cpSync(join(TEMPLATE_DIR, 'fleet.yaml'), join(remote.work, 'fleet.yaml'));
    cpSync(join(TEMPLATE_DIR, 'policies', 'taints.yaml'), join(remote.work, 'policies', 'taints.yaml'));
  });
  if (!opts.readyFirst) remote.commit('scenario', opts.files);
  const { reconciler, repo, connector } = await controllerFor(remote, opts.kubeconfig, opts.reconciler ?? {});
  const passes: PassReport[] = [];
  let abort: AbortController | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const resume = () => {
    if (abort) return;
    const signal = (abort = new AbortController()).signal;
    running = runController({ reconciler, repo, intervalMs: opts.intervalMs ?? 1000, probeIntervalMs: opts.probeIntervalMs, log: () => {}, signal, onPass: (r) => passes.push(r) });
  };
  const pause = async () => {
    abort?.abort();
    abort = undefined;
    await running;
  };
  const show = (rev: string, path: string): string | undefined => {
    try {
      return gitCmd(remote.bare, 'show', `${rev}:${path}`);
    } catch {
      return undefined;
    }
  };
  resume();
  const fleet: FailoverFleet = {
    remote,
    passes,
    pause,
    resume,
    async commit(message, change) {
      await pause();
      try {
        return remote.commit(message, change);
      } finally {
        resume();
      }
    },
    file<T>(path: string) {
      const text = show('main', path);
      return text === undefined ? undefined : (parse(text) as T);
    },
    history<T>(path: string) {
      const commits = gitCmd(remote.bare, 'log', '--reverse', '--format=%H', 'main', '--', path).split('\n').filter(Boolean);
      return commits.flatMap((c) => {
        const text = show(c, path);
        return text === undefined ? [] : [parse(text) as T];
      });
    },
    messages() {
      return gitCmd(remote.bare, 'log', '--format=%B%x00', 'main').split('\0').map((m) => m.trim()).filter(Boolean);
    },
    async close() {
      await pause();
      connector.close();
      await remote.close();
    },
  };
  if (opts.readyFirst) {
    try {
      for (const m of opts.readyFirst.members) await recordedReady(fleet, m, opts.readyFirst.timeoutMs);
      await fleet.commit('scenario', opts.files);
    } catch (err) {
      await fleet.close();
      throw err;
    }
  }
  return fleet;
}

export const deploymentPlacementPath = (namespace: string, name: string): string => placementPath({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name } satisfies ObjectRef);
export const clusterStatusFilePath = (cluster: string): string => `status/clusters/${cluster}.yaml`;

/** The namespace, on every cluster, tolerating every NoExecute taint as the template's does (never evicted). */
export function namespaceFiles(namespace: string): Record<string, string> {
  return {
    [`workloads/${namespace}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${namespace}}\n`,
    [`policies/${namespace}-namespace.yaml`]: `apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: {name: ${namespace}-namespace}
spec:
  resourceSelectors: [{apiVersion: v1, kind: Namespace, name: ${namespace}}]
  placement:
    clusterTolerations: [{operator: Exists, effect: NoExecute}]
`,
  };
}

/**
 * A PropagationPolicy dividing the Deployment `name` over the clusters of `weights` by those static weights.
 * `affinity` replaces the default cluster affinity (the clusters named); `spec` adds lines under spec.
 */
export function weightedPolicy(namespace: string, name: string, weights: Record<string, number>, opts: { affinity?: string; spec?: string } = {}): string {
  const clusters = Object.keys(weights);
  const affinity = opts.affinity ?? `clusterAffinity: {clusterNames: [${clusters.join(', ')}]}`;
  const weightList = clusters.map((c) => `          - {targetCluster: {clusterNames: [${c}]}, weight: ${weights[c]}}\n`).join('');
  return `apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: ${name}}]
${opts.spec ?? ''}  placement:
    ${affinity}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Weighted
      weightPreference:
        staticWeightList:
${weightList}`;
}

/** An OverridePolicy labelling the Deployment's pods on one cluster so the testbed crash-loops them there only. */
export function crashLoopOn(cluster: string, namespace: string, deployment: string): string {
  return `apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: crash-${cluster}, namespace: ${namespace}}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: ${deployment}}]
  overrideRules:
    - targetCluster: {clusterNames: [${cluster}]}
      overriders:
        plaintext:
          - {path: "/spec/template/metadata/labels/${FAULT_LABEL.replace('/', '~1')}", operator: add, value: crashloop}
`;
}

/** A Deployment whose pods the testbed makes Ready at once (no resource requests: capacity is never the issue). */
export function deploymentYaml(namespace: string, name: string, replicas: number, extra: { progressDeadlineSeconds?: number; configMap?: string } = {}): string {
  const deadline = extra.progressDeadlineSeconds !== undefined ? `  progressDeadlineSeconds: ${extra.progressDeadlineSeconds}\n` : '';
  const env = extra.configMap ? `\n          envFrom: [{configMapRef: {name: ${extra.configMap}}}]` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}, labels: {app: ${name}}}
spec:
  replicas: ${replicas}
${deadline}  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: ${name}
          image: registry.example.com/${name}:1.0${env}
`;
}

export interface DeploymentState {
  uid: string;
  replicas: number;
  ready: number;
  updated: number;
}

/** The Deployment's replica counts on one cluster, or undefined when it is not there. */
export async function deploymentState(client: ClusterApi, namespace: string, name: string): Promise<DeploymentState | undefined> {
  const d = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name });
  if (!d) return undefined;
  const spec = d.spec as { replicas?: number };
  const status = (d.status ?? {}) as { readyReplicas?: number; updatedReplicas?: number };
  return { uid: String(d.metadata.uid), replicas: spec.replicas ?? 1, ready: status.readyReplicas ?? 0, updated: status.updatedReplicas ?? 0 };
}

/** All `replicas` replicas are Ready on the new template (a finished rollout). */
export const fullyReady = (s: DeploymentState | undefined, replicas: number): boolean => s !== undefined && s.replicas === replicas && s.ready === replicas && s.updated === replicas;

export const placedClusters = (p: PlacementDoc | undefined): string => (p?.spec.clusters ?? []).map((c) => `${c.name}:${c.replicas}`).join(',');
export const tasksOf = (p: PlacementDoc | undefined): EvictionTaskDoc[] => p?.spec.gracefulEvictionTasks ?? [];
export const scheduledCondition = (p: PlacementDoc | undefined) => p?.status.conditions.find((c) => c.type === 'Scheduled');
export const readyCondition = (c: ClusterStatusDoc | undefined) => c?.status.conditions?.find((x) => x.type === 'Ready');

export const NOT_READY_TAINT = 'cluster.karmada.io/not-ready';
export const notReadyTaint = (c: ClusterStatusDoc | undefined) => c?.status.taints?.find((t) => t.key === NOT_READY_TAINT && t.effect === 'NoExecute');

/**
 * A client for one member, connected the way the controller connects (client-node reads the kubeconfig,
 * requests are raw JSON), so the tests exercise the production path.
 */
export async function kubeconfigClient(kubeconfig: string, context: string): Promise<ClusterClient> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return new ClusterClient(context, await KubeTransport.fromKubeConfig(kc, context, { timeoutMs: 10_000 }));
}

/** Until the placement is `expected` (as `name:replicas,…`) and each of its clusters runs that many Ready replicas. */
export async function placedAndReady(f: FailoverFleet, clientOf: (member: string) => ClusterApi, ref: { namespace: string; name: string }, expected: string, timeoutMs: number, intervalMs = 500): Promise<PlacementDoc> {
  let seen = 'nothing recorded';
  return pollUntil(
    `${ref.namespace}/${ref.name} placed ${expected} and Ready there`,
    async () => {
      const p = f.file<PlacementDoc>(deploymentPlacementPath(ref.namespace, ref.name));
      // With what the placement file says about its clusters and tasks, so a timeout shows why it is elsewhere.
      seen = `placed ${placedClusters(p) ?? 'nowhere'}; tasks ${JSON.stringify(tasksOf(p))}; status ${JSON.stringify(p?.status ?? {}).slice(0, 2000)}`;
      if (placedClusters(p) !== expected) return undefined;
      for (const c of p!.spec.clusters) {
        const state = await deploymentState(clientOf(c.name), ref.namespace, ref.name);
        seen = `placed as expected; on ${c.name}: ${JSON.stringify(state)}`;
        if (!fullyReady(state, c.replicas)) return undefined;
      }
      return p;
    },
    timeoutMs,
    intervalMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last seen: ${seen})`);
  });
}

/** Until the member is recorded Ready again, without the not-ready taint. */
export async function recordedReady(f: FailoverFleet, member: string, timeoutMs: number): Promise<void> {
  await pollUntil(
    `${member} recorded Ready`,
    async () => {
      const c = f.file<ClusterStatusDoc>(clusterStatusFilePath(member));
      return readyCondition(c)?.status === 'True' && !notReadyTaint(c) ? true : undefined;
    },
    timeoutMs,
    500,
  );
}
