/**
 * What changed between two versions of a status file (docs/cli.md#flotilla-history): placement clusters and
 * replicas, per-cluster and aggregated health, the Scheduled condition, a cluster's Ready condition and taints.
 * `undefined` on a side means the file (or the record in it) was absent or unreadable there.
 */
import type { ClusterStatus, HealthStatus, PlacementCluster, PlacementRecord } from '../model/fleet.js';
import type { Condition, Taint } from '../model/kube.js';
import type { ObjectRef } from '../model/refs.js';
import { compareStrings } from '../model/refs.js';
import { formatTaint } from './documents.js';

export interface ConditionState {
  status: Condition['status'];
  reason: string;
  message: string;
}

export interface HealthTransition {
  cluster: string;
  before: HealthStatus | null;
  after: HealthStatus | null;
  /** The cluster's message after the change, when there is one (why it is not healthy). */
  message: string;
}

export interface PlacementChange {
  resource: ObjectRef;
  /** `null`: no placement file on that side. */
  before: PlacementCluster[] | null;
  after: PlacementCluster[] | null;
  health: HealthTransition[];
  aggregated: { before: HealthStatus | null; after: HealthStatus | null } | null;
  scheduled: { before: ConditionState | null; after: ConditionState | null } | null;
}

/** The change between two placements of one resource, or null when nothing this report shows changed. */
export function diffPlacement(before: PlacementRecord | undefined, after: PlacementRecord | undefined): PlacementChange | null {
  const resource = (after ?? before)?.resource;
  if (!resource) return null;
  const clustersBefore = before ? sortedClusters(before.clusters) : null;
  const clustersAfter = after ? sortedClusters(after.clusters) : null;
  const health = healthTransitions(before, after);
  const aggBefore = before?.aggregated?.health ?? null;
  const aggAfter = after?.aggregated?.health ?? null;
  const aggregated = aggBefore === aggAfter ? null : { before: aggBefore, after: aggAfter };
  const schedBefore = scheduledState(before);
  const schedAfter = scheduledState(after);
  const scheduled = sameCondition(schedBefore, schedAfter) ? null : { before: schedBefore, after: schedAfter };
  const clustersChanged = JSON.stringify(clustersBefore) !== JSON.stringify(clustersAfter);
  if (!clustersChanged && health.length === 0 && !aggregated && !scheduled) return null;
  return { resource, before: clustersBefore, after: clustersAfter, health, aggregated, scheduled };
}

function sortedClusters(clusters: readonly PlacementCluster[]): PlacementCluster[] {
  return clusters.map((c) => ({ name: c.name, replicas: c.replicas })).sort((a, b) => compareStrings(a.name, b.name));
}

function healthTransitions(before: PlacementRecord | undefined, after: PlacementRecord | undefined): HealthTransition[] {
  const was = new Map((before?.clusterStatuses ?? []).map((c) => [c.name, c]));
  const now = new Map((after?.clusterStatuses ?? []).map((c) => [c.name, c]));
  const names = [...new Set([...was.keys(), ...now.keys()])].sort(compareStrings);
  const out: HealthTransition[] = [];
  for (const name of names) {
    const b = was.get(name)?.health ?? null;
    const a = now.get(name)?.health ?? null;
    if (a !== b) out.push({ cluster: name, before: b, after: a, message: now.get(name)?.message ?? '' });
  }
  return out;
}

function conditionState(conditions: readonly Condition[] | undefined, type: string): ConditionState | null {
  const c = conditions?.find((x) => x.type === type);
  return c ? { status: c.status, reason: c.reason ?? '', message: c.message ?? '' } : null;
}

function scheduledState(p: PlacementRecord | undefined): ConditionState | null {
  return conditionState(p?.conditions, 'Scheduled');
}

/** Status and reason decide; a reworded message alone is not a transition. */
function sameCondition(a: ConditionState | null, b: ConditionState | null): boolean {
  return a?.status === b?.status && a?.reason === b?.reason;
}

/** Replicas a placement gives `cluster`, or null when it is not among its clusters (or there is no placement). */
export function replicasOn(p: PlacementRecord | undefined, cluster: string): number | null {
  return p?.clusters.find((c) => c.name === cluster)?.replicas ?? null;
}

export interface ReadyTransition {
  before: ConditionState | null;
  after: ConditionState | null;
}

/** The Ready condition's transition between two versions of a ClusterStatus, or null when it kept status and reason. */
export function diffReady(before: ClusterStatus | undefined, after: ClusterStatus | undefined): ReadyTransition | null {
  const b = conditionState(before?.conditions, 'Ready');
  const a = conditionState(after?.conditions, 'Ready');
  return sameCondition(b, a) ? null : { before: b, after: a };
}

export interface TaintChange {
  /** `spec`: `spec.taints` of the Cluster in clusters/; `status`: `status.taints` of its ClusterStatus. */
  source: 'spec' | 'status';
  added: string[];
  removed: string[];
}

/** Taints as `key[=value]:effect`, compared as sets (order and timeAdded do not matter). */
export function diffTaints(source: TaintChange['source'], before: readonly Taint[], after: readonly Taint[]): TaintChange | null {
  const b = new Set(before.map(formatTaint));
  const a = new Set(after.map(formatTaint));
  const added = [...a].filter((t) => !b.has(t)).sort(compareStrings);
  const removed = [...b].filter((t) => !a.has(t)).sort(compareStrings);
  return added.length === 0 && removed.length === 0 ? null : { source, added, removed };
}
