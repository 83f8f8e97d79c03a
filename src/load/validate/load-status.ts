/**
 * status/: what Flotilla wrote on earlier passes. Read leniently, but a hand-edited file that does not hold
 * what the scheduler needs is reported and ignored (as if it were not there), never a crash.
 */
import type { ClusterStatus, PlacementRecord } from '../../model/fleet.js';
import { normalizePurgeMode, type GracefulEvictionTask } from '../../model/eviction.js';
import type { PolicyRef } from '../../model/refs.js';
import type { DocContext } from './doc-context.js';
import type { DocHeader } from './object-header.js';
import { clusterStatusBody, gracefulEvictionTask, placementSpec, placementStatus } from './status-schema.js';
import { readValue } from './schema.js';
import { isPlainObject } from '../../util/json.js';
import { describeValue } from './problems.js';

export const FLOTILLA_API_VERSION = 'flotilla.dev/v1alpha1';

function expectKind(ctx: DocContext, header: DocHeader, kind: string): boolean {
  if (header.apiVersion !== FLOTILLA_API_VERSION || header.kind !== kind) {
    ctx.error(['kind'], `expected ${FLOTILLA_API_VERSION} ${kind} here, got ${header.apiVersion} ${header.kind}`);
    return false;
  }
  return true;
}

/** `status/clusters/<name>.yaml`; `fileCluster` is the <name> the path says. */
export function loadClusterStatus(ctx: DocContext, header: DocHeader, fileCluster: string): ClusterStatus | null {
  if (!expectKind(ctx, header, 'ClusterStatus')) return null;
  if (header.name !== fileCluster) {
    ctx.error(['metadata', 'name'], `must be the cluster the file is named after (${JSON.stringify(fileCluster)}), got ${JSON.stringify(header.name)}`);
    return null;
  }
  const raw = header.object['status'];
  const status = raw == null ? {} : (readValue(clusterStatusBody(), raw, ['status'], ctx) as ClusterStatus | undefined);
  return ctx.errorCount > 0 || !status ? null : status;
}

interface RawPlacementSpec {
  resource: { apiVersion: string; kind: string; namespace?: string; name: string };
  policy?: { kind: PolicyRef['kind']; namespace?: string; name: string };
  clusters: { name: string; replicas: number }[];
}

interface RawPlacementStatus {
  conditions?: PlacementRecord['conditions'];
  observedAffinityName?: string;
  appliedPlacement?: string;
  rebalancedBy?: string[];
  clusters?: PlacementRecord['clusterStatuses'];
  aggregated?: PlacementRecord['aggregated'];
}

export function loadPlacement(ctx: DocContext, header: DocHeader): PlacementRecord | null {
  if (!expectKind(ctx, header, 'Placement')) return null;
  const rawSpec = header.object['spec'];
  if (rawSpec == null) {
    ctx.error(['spec'], 'is required');
    return null;
  }
  const spec = readValue(placementSpec(), rawSpec, ['spec'], ctx) as RawPlacementSpec | undefined;
  const rawStatus = header.object['status'];
  const status = rawStatus == null ? {} : (readValue(placementStatus(), rawStatus, ['status'], ctx) as RawPlacementStatus | undefined);
  if (ctx.errorCount > 0 || !spec || !status) return null;
  const r = spec.resource;
  const record: PlacementRecord = {
    resource: { apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace ?? '', name: r.name },
    policy: spec.policy ? { kind: spec.policy.kind, namespace: spec.policy.namespace ?? '', name: spec.policy.name } : null,
    clusters: spec.clusters.map((c) => ({ name: c.name, replicas: c.replicas })),
  };
  if (status.conditions) record.conditions = status.conditions;
  if (status.observedAffinityName) record.observedAffinityName = status.observedAffinityName;
  if (status.clusters) record.clusterStatuses = status.clusters;
  if (status.aggregated) record.aggregated = status.aggregated;
  if (status.appliedPlacement) record.appliedPlacement = status.appliedPlacement;
  if (status.rebalancedBy && status.rebalancedBy.length > 0) record.rebalancedBy = status.rebalancedBy;
  const tasks = isPlainObject(rawSpec) ? readEvictionTasks(ctx, rawSpec['gracefulEvictionTasks']) : [];
  if (tasks.length > 0) record.gracefulEvictionTasks = tasks;
  return record;
}

type RawTask = Omit<GracefulEvictionTask, 'purgeMode'> & { purgeMode?: string };

/**
 * Read after the rest of the record is known to be good, one task at a time: a broken task is reported and
 * dropped, but the placement it belongs to stays (losing it would forget where the template runs).
 */
function readEvictionTasks(ctx: DocContext, raw: unknown): GracefulEvictionTask[] {
  if (raw == null) return [];
  const path = ['spec', 'gracefulEvictionTasks'];
  if (!Array.isArray(raw)) {
    ctx.error(path, `expected a list, got ${describeValue(raw)}`);
    return [];
  }
  const seen = new Set<string>();
  const tasks: GracefulEvictionTask[] = [];
  raw.forEach((item, i) => {
    const before = ctx.errorCount;
    const task = readValue(gracefulEvictionTask(), item, [...path, i], ctx) as RawTask | undefined;
    if (!task || ctx.errorCount > before) return;
    // Karmada keeps one task per cluster; a second would be cleared at another time and hold the copy twice.
    if (seen.has(task.fromCluster)) {
      ctx.error([...path, i, 'fromCluster'], `only one task per cluster; ${JSON.stringify(task.fromCluster)} already has one`);
      return;
    }
    seen.add(task.fromCluster);
    tasks.push(inFieldOrder(task));
  });
  return tasks;
}

/** One key order whatever the file's, so a task read back and written again is the same bytes. */
function inFieldOrder(t: RawTask): GracefulEvictionTask {
  return {
    fromCluster: t.fromCluster,
    ...(t.replicas !== undefined ? { replicas: t.replicas } : {}),
    reason: t.reason,
    ...(t.message !== undefined ? { message: t.message } : {}),
    producer: t.producer,
    purgeMode: normalizePurgeMode(t.purgeMode),
    ...(t.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: t.gracePeriodSeconds } : {}),
    ...(t.suppressDeletion !== undefined ? { suppressDeletion: t.suppressDeletion } : {}),
    ...(t.creationTimestamp !== undefined ? { creationTimestamp: t.creationTimestamp } : {}),
    ...(t.clustersBeforeFailover !== undefined ? { clustersBeforeFailover: t.clustersBeforeFailover } : {}),
  };
}
