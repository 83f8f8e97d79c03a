/**
 * Status files as Flotilla writes them: deterministic YAML, so that an unchanged fleet produces byte-identical
 * files and therefore no commit. Timestamps change only when a condition's status changes.
 */
import { stringify } from 'yaml';
import { parseYamlDocuments } from '../load/parse/yaml-documents.js';
import type { Inventory } from './inventory.js';
import type { ClusterStatus, PlacementClusterStatus, HealthStatus } from '../model/fleet.js';
import type { GracefulEvictionTask } from '../model/eviction.js';
import type { Condition } from '../model/kube.js';
import type { PlacementDecision } from '../model/placement.js';
import { sortKeys } from '../util/canonical.js';
import { clusterStatusPath, inventoryPath, placementName, placementPath, rebalancerStatusPath } from './paths.js';
import type { RebalancerOutcome } from '../schedule/types.js';

const API_VERSION = 'flotilla.dev/v1alpha1';

export function toStatusYaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** How a status document at a path becomes text; a controller passes one that remembers unchanged documents. */
export type StatusYaml = (path: string, doc: unknown) => string;

const plainStatusYaml: StatusYaml = (_path, doc) => toStatusYaml(doc);

/**
 * Carries `lastTransitionTime` over from the previous condition of the same type when its status did not
 * change; only a real transition gets `now`.
 */
export function withTransitionTimes(next: Condition[], previous: Condition[] | undefined, now: string): Condition[] {
  return next.map((c) => {
    const prev = previous?.find((p) => p.type === c.type);
    const lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
    return { type: c.type, status: c.status, reason: c.reason ?? '', message: c.message ?? '', lastTransitionTime };
  });
}

export function clusterStatusFile(cluster: string, status: ClusterStatus): { path: string; content: string } {
  const body: Record<string, unknown> = {};
  if (status.conditions) body.conditions = status.conditions;
  if (status.kubernetesVersion) body.kubernetesVersion = status.kubernetesVersion;
  if (status.nodeSummary) body.nodeSummary = status.nodeSummary;
  if (status.resourceSummary) body.resourceSummary = sortKeys(status.resourceSummary);
  if (status.apiEnablements) body.apiEnablements = status.apiEnablements;
  // Key order fixed here (not by whoever built the taint), so the same taints are always the same bytes.
  if (status.taints && status.taints.length > 0) {
    body.taints = status.taints.map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect, ...(t.timeAdded ? { timeAdded: t.timeAdded } : {}) }));
  }
  return {
    path: clusterStatusPath(cluster),
    content: toStatusYaml({ apiVersion: API_VERSION, kind: 'ClusterStatus', metadata: { name: cluster }, status: body }),
  };
}

export interface PlacementObservation {
  clusters: PlacementClusterStatus[];
  aggregated?: Record<string, unknown> & { health?: HealthStatus };
}

export function placementFile(decision: PlacementDecision, observed: PlacementObservation | undefined, toYaml: StatusYaml = plainStatusYaml): { path: string; content: string } {
  const ref = decision.resource;
  const condition: Record<string, unknown> = {
    type: 'Scheduled',
    status: decision.scheduled ? 'True' : 'False',
    reason: decision.reason,
    message: decision.message,
  };
  const status: Record<string, unknown> = { conditions: [condition] };
  if (decision.observedAffinityName) status.observedAffinityName = decision.observedAffinityName;
  if (decision.appliedPlacement) status.appliedPlacement = decision.appliedPlacement;
  if (decision.rebalancedBy && decision.rebalancedBy.length > 0) status.rebalancedBy = decision.rebalancedBy;
  if (decision.suspendedClusters && decision.suspendedClusters.length > 0) status.suspendedClusters = decision.suspendedClusters;
  if (observed) {
    status.clusters = observed.clusters.map((c) => {
      const out: Record<string, unknown> = { name: c.name, applied: c.applied, health: c.health };
      if (c.message) out.message = c.message;
      if (c.drift) out.drift = true;
      if (c.degradedSince) out.degradedSince = c.degradedSince;
      return out;
    });
    if (observed.aggregated) status.aggregated = sortKeys(observed.aggregated);
  }
  const path = placementPath(ref);
  return {
    path,
    content: toYaml(path, {
      apiVersion: API_VERSION,
      kind: 'Placement',
      metadata: { name: placementName(ref), namespace: ref.namespace || '_cluster' },
      spec: {
        resource: { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name },
        policy: decision.policy,
        clusters: decision.clusters.map((c) => ({ name: c.name, replicas: c.replicas })),
        ...(decision.requiredBy && decision.requiredBy.length > 0 ? { requiredBy: decision.requiredBy } : {}),
        ...(decision.gracefulEvictionTasks && decision.gracefulEvictionTasks.length > 0 ? { gracefulEvictionTasks: decision.gracefulEvictionTasks.map(evictionTaskFields) } : {}),
      },
      status,
    }),
  };
}

/** `status/rebalancers/<name>.yaml`: what a WorkloadRebalancer did (Karmada's `status.observedWorkloads`). */
export function rebalancerStatusFile(outcome: RebalancerOutcome): { path: string; content: string } {
  return {
    path: rebalancerStatusPath(outcome.name),
    content: toStatusYaml({
      apiVersion: API_VERSION,
      kind: 'WorkloadRebalancerStatus',
      metadata: { name: outcome.name },
      status: { observedGeneration: outcome.key, observedWorkloads: outcome.workloads },
    }),
  };
}

/** Karmada's field order (GracefulEvictionTask in work/v1alpha2), whatever order the task was built in. */
function evictionTaskFields(t: GracefulEvictionTask): Record<string, unknown> {
  return {
    fromCluster: t.fromCluster,
    purgeMode: t.purgeMode,
    ...(t.replicas !== undefined ? { replicas: t.replicas } : {}),
    reason: t.reason,
    ...(t.message ? { message: t.message } : {}),
    producer: t.producer,
    ...(t.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: t.gracePeriodSeconds } : {}),
    ...(t.suppressDeletion !== undefined ? { suppressDeletion: t.suppressDeletion } : {}),
    ...(t.clustersBeforeFailover ? { clustersBeforeFailover: t.clustersBeforeFailover } : {}),
    ...(t.creationTimestamp ? { creationTimestamp: t.creationTimestamp } : {}),
  };
}

export function inventoryFile(inv: Inventory, toYaml: StatusYaml = plainStatusYaml): { path: string; content: string } {
  const path = inventoryPath(inv.cluster);
  return {
    path,
    content: toYaml(path, {
      apiVersion: API_VERSION,
      kind: 'Inventory',
      metadata: { name: inv.cluster },
      entries: inv.entries.map((e) => ({ ...e.ref, hash: e.hash, source: e.source, ...(e.pending ? { pending: true } : {}), ...(e.evicted ? { evicted: true } : {}) })),
    }),
  };
}

/** Reads `status/inventory/<cluster>.yaml`; a damaged file yields undefined (nothing is then pruned from it). */
export function parseInventory(cluster: string, content: Uint8Array | undefined): Inventory | undefined {
  if (!content) return undefined;
  try {
    const js = readStatusDocument(inventoryPath(cluster), content) as { kind?: string; entries?: Record<string, unknown>[] } | undefined;
    if (js?.kind !== 'Inventory' || !Array.isArray(js.entries)) return undefined;
    return {
      cluster,
      entries: js.entries.map((e) => ({
        ref: { apiVersion: String(e.apiVersion), kind: String(e.kind), namespace: String(e.namespace ?? ''), name: String(e.name) },
        hash: String(e.hash ?? ''),
        source: String(e.source ?? ''),
        ...(e.pending === true ? { pending: true } : {}),
        ...(e.evicted === true ? { evicted: true } : {}),
      })),
    };
  } catch {
    return undefined;
  }
}

/**
 * A status file Flotilla wrote, as plain data; undefined when it cannot be read as one YAML document. Read with
 * the loader's reader, whose fast path covers everything toStatusYaml writes (yaml's own parser costs several
 * times more, and a large fleet has thousands of these files).
 */
export function readStatusDocument(path: string, content: Uint8Array | string): unknown {
  // No size limit: the controller wrote it, and an inventory of a large cluster may pass the fleet files' limit.
  const parsed = parseYamlDocuments(path, content, { yaml11Warnings: false, maxFileBytes: Number.MAX_SAFE_INTEGER });
  return parsed.complete && parsed.documents.length === 1 ? parsed.documents[0]!.value : undefined;
}

/** The writes that turn the current status/ files into the wanted ones (null deletes a stale file). */
export function statusWrites(current: Map<string, Uint8Array>, wanted: Map<string, string>, managedPrefixes: string[]): { path: string; content: Uint8Array | null }[] {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const writes: { path: string; content: Uint8Array | null }[] = [];
  for (const [path, text] of [...wanted].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const have = current.get(path);
    if (have === undefined || dec.decode(have) !== text) writes.push({ path, content: enc.encode(text) });
  }
  for (const path of [...current.keys()].sort()) {
    if (!wanted.has(path) && managedPrefixes.some((p) => path.startsWith(p))) writes.push({ path, content: null });
  }
  return writes;
}
