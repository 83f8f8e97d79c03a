/**
 * Observed state of one member cluster, in Karmada's Cluster status shape: readiness from `/readyz`
 * (falling back to `/healthz` when the server has no readyz), version, node and resource summaries,
 * and the APIs it serves. A cluster that cannot be reached is reported, never thrown.
 */
import type { ClusterApi } from '../kube/cluster-api.js';
import type { ResourceInfo } from '../kube/discovery.js';
import type { ClusterStatus } from '../model/fleet.js';
import type { Condition, KubeObject } from '../model/kube.js';
import { podRequests } from '../schedule/index.js';
import { parseQuantity, resourceUnits } from '../model/quantity.js';

export interface ClusterProbe {
  ready: boolean;
  reason: 'ClusterReady' | 'ClusterNotReady' | 'ClusterNotReachable';
  message: string;
  status: ClusterStatus;
}

const SUMMARY_RESOURCES = ['cpu', 'memory', 'pods', 'ephemeral-storage'];

export async function probeCluster(client: ClusterApi): Promise<ClusterProbe> {
  let health;
  try {
    health = await client.readiness();
  } catch (err) {
    return { ready: false, reason: 'ClusterNotReachable', message: (err as Error).message, status: {} };
  }
  if (health.status !== 200) {
    const body = health.body.trim().split('\n').slice(-3).join('; ');
    return { ready: false, reason: 'ClusterNotReady', message: `readyz returned HTTP ${health.status}${body ? `: ${body}` : ''}`, status: {} };
  }
  const status: ClusterStatus = {};
  try {
    status.kubernetesVersion = await client.version();
    const nodes = await client.list('v1', 'Node');
    status.nodeSummary = {
      totalNum: nodes.length,
      readyNum: nodes.filter((n) => conditionsOf(n).some((c) => c.type === 'Ready' && c.status === 'True')).length,
    };
    const pods = await client.list('v1', 'Pod', { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' });
    status.resourceSummary = summarizeResources(nodes, pods);
    status.apiEnablements = apiEnablements(await client.discover());
  } catch (err) {
    return { ready: false, reason: 'ClusterNotReady', message: `readyz ok but status collection failed: ${(err as Error).message}`, status };
  }
  return { ready: true, reason: 'ClusterReady', message: 'cluster is healthy and ready to accept workloads', status };
}

function conditionsOf(obj: KubeObject): Condition[] {
  return ((obj.status as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
}

/** Allocatable of Ready nodes; allocated = requests of pods bound to a node; allocating = pods not yet bound. */
export function summarizeResources(nodes: KubeObject[], pods: KubeObject[]): NonNullable<ClusterStatus['resourceSummary']> {
  const allocatable = new Map<string, number>();
  for (const n of nodes) {
    if (!conditionsOf(n).some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    const alloc = ((n.status as { allocatable?: Record<string, string> } | undefined)?.allocatable ?? {}) as Record<string, string>;
    for (const name of SUMMARY_RESOURCES) {
      const q = parseQuantity(alloc[name]);
      if (q) allocatable.set(name, (allocatable.get(name) ?? 0) + resourceUnits(name, q));
    }
  }
  const allocated = new Map<string, number>();
  const allocating = new Map<string, number>();
  for (const p of pods) {
    const bound = Boolean((p.spec as { nodeName?: string } | undefined)?.nodeName);
    const into = bound ? allocated : allocating;
    const req = podRequests(p.spec as Record<string, unknown> | undefined).amounts;
    for (const [name, units] of req) if (SUMMARY_RESOURCES.includes(name)) into.set(name, (into.get(name) ?? 0) + units);
    into.set('pods', (into.get('pods') ?? 0) + 1);
  }
  return { allocatable: formatAll(allocatable), allocated: formatAll(allocated), allocating: formatAll(allocating) };
}

function formatAll(m: Map<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...m.keys()].sort()) out[name] = formatQuantity(name, m.get(name)!);
  return out;
}

/** Compact, exact quantity strings: cpu in cores or millicores, byte amounts in the largest binary unit that divides them. */
export function formatQuantity(resource: string, units: number): string {
  if (resource === 'cpu') return units % 1000 === 0 ? String(units / 1000) : `${units}m`;
  if (resource === 'pods') return String(units);
  const suffixes: [string, number][] = [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
  for (const [s, f] of suffixes) if (units !== 0 && units % f === 0) return `${units / f}${s}`;
  return String(units);
}

function apiEnablements(served: ResourceInfo[]): NonNullable<ClusterStatus['apiEnablements']> {
  const byGv = new Map<string, { name: string; kind: string }[]>();
  for (const r of served) {
    const gv = r.group ? `${r.group}/${r.version}` : r.version;
    const list = byGv.get(gv) ?? [];
    list.push({ name: r.resource, kind: r.kind });
    byGv.set(gv, list);
  }
  return [...byGv.keys()].sort().map((gv) => ({
    groupVersion: gv,
    resources: byGv.get(gv)!.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  }));
}
