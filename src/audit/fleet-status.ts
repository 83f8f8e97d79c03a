/**
 * The fleet at a glance (docs/cli.md#flotilla-status): clusters and placements as the status files record them,
 * with each cluster's taints from its Cluster spec. Pure: a Fleet loaded from clusters/ and status/ in, rows out.
 */
import { HEALTH_ORDER } from '../health/index.js';
import type { ClusterStatus, Fleet, HealthStatus, PlacementRecord } from '../model/fleet.js';
import type { Taint } from '../model/kube.js';
import type { ObjectRef, PolicyRef } from '../model/refs.js';
import { compareRefs, compareStrings } from '../model/refs.js';

export interface ClusterRow {
  name: string;
  ready: { status: 'True' | 'False' | 'Unknown'; reason: string; message: string; since: string | null } | null;
  kubernetesVersion: string | null;
  nodes: { ready: number; total: number } | null;
  taints: { key: string; value: string; effect: string; source: 'spec' | 'status' }[];
  capacity: { allocatable: Record<string, string>; allocated: Record<string, string> } | null;
  /** Objects in the cluster's inventory, and how many of them are recorded but not yet applied. */
  inventory: { objects: number; pending: number } | null;
}

export interface PlacementClusterRow {
  name: string;
  /** null: the cluster has a status entry but is no longer in the decision (being removed). */
  replicas: number | null;
  applied: boolean | null;
  health: HealthStatus | null;
  drift: boolean;
  message: string;
}

export interface PlacementRow {
  resource: ObjectRef;
  policy: PolicyRef | null;
  scheduled: { status: string; reason: string; message: string } | null;
  health: HealthStatus | null;
  clusters: PlacementClusterRow[];
}

export interface StatusExtras {
  /** `status.taints` per cluster, when recorded. */
  statusTaints: ReadonlyMap<string, readonly Taint[]>;
  inventories: ReadonlyMap<string, { objects: number; pending: number }>;
}

/** Every cluster with a definition or a status file, sorted by name; placements sorted by resource. */
export function fleetStatus(fleet: Fleet, extras: StatusExtras): { clusters: ClusterRow[]; placements: PlacementRow[] } {
  const defs = new Map(fleet.clusters.map((c) => [c.name, c]));
  const names = [...new Set([...defs.keys(), ...fleet.clusterStatuses.keys()])].sort(compareStrings);
  const clusters = names.map((name) =>
    clusterRow(name, fleet.clusterStatuses.get(name), defs.get(name)?.spec.taints ?? [], extras.statusTaints.get(name) ?? [], extras.inventories.get(name)),
  );
  const placements = [...fleet.placements.values()].map(placementRow).sort((a, b) => compareRefs(a.resource, b.resource));
  return { clusters, placements };
}

function clusterRow(name: string, status: ClusterStatus | undefined, specTaints: readonly Taint[], statusTaints: readonly Taint[], inventory: ClusterRow['inventory'] | undefined): ClusterRow {
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  const summary = status?.resourceSummary;
  const taint = (source: 'spec' | 'status') => (t: Taint) => ({ key: t.key, value: t.value ?? '', effect: t.effect, source });
  return {
    name,
    ready: ready ? { status: ready.status, reason: ready.reason ?? '', message: ready.message ?? '', since: ready.lastTransitionTime ?? null } : null,
    kubernetesVersion: status?.kubernetesVersion ?? null,
    nodes: status?.nodeSummary ? { ready: status.nodeSummary.readyNum, total: status.nodeSummary.totalNum } : null,
    taints: [...specTaints.map(taint('spec')), ...statusTaints.map(taint('status'))],
    capacity: summary ? { allocatable: summary.allocatable ?? {}, allocated: summary.allocated ?? {} } : null,
    inventory: inventory ?? null,
  };
}

function placementRow(p: PlacementRecord): PlacementRow {
  const scheduled = p.conditions?.find((c) => c.type === 'Scheduled');
  const statuses = new Map((p.clusterStatuses ?? []).map((c) => [c.name, c]));
  const replicas = new Map(p.clusters.map((c) => [c.name, c.replicas]));
  const names = [...new Set([...replicas.keys(), ...statuses.keys()])].sort(compareStrings);
  return {
    resource: p.resource,
    policy: p.policy,
    scheduled: scheduled ? { status: scheduled.status, reason: scheduled.reason ?? '', message: scheduled.message ?? '' } : null,
    health: p.aggregated?.health ?? null,
    clusters: names.map((name) => {
      const s = statuses.get(name);
      return { name, replicas: replicas.get(name) ?? null, applied: s?.applied ?? null, health: s?.health ?? null, drift: s?.drift === true, message: s?.message ?? '' };
    }),
  };
}

/** Worst first: not Ready (or never observed) before Ready, then by name. */
export function clustersByUrgency(rows: readonly ClusterRow[]): ClusterRow[] {
  const rank = (r: ClusterRow) => (r.ready?.status === 'False' ? 0 : r.ready?.status !== 'True' ? 1 : r.taints.length > 0 ? 2 : 3);
  return [...rows].sort((a, b) => rank(a) - rank(b) || compareStrings(a.name, b.name));
}

/** Worst first: unschedulable, then by aggregated health worst to best (none recorded counts as Unknown). */
export function placementsByUrgency(rows: readonly PlacementRow[]): PlacementRow[] {
  const rank = (r: PlacementRow) => (r.scheduled?.status === 'False' ? -1 : -HEALTH_ORDER.indexOf(r.health ?? 'Unknown'));
  return [...rows].sort((a, b) => rank(a) - rank(b) || compareRefs(a.resource, b.resource));
}
