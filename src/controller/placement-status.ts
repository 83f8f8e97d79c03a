/**
 * Step 4 of a pass: what each placement looks like on its clusters, from what the cluster steps read. Pure: the
 * cluster steps did all the I/O, so this is plain data in and out.
 */
import { degradedSinceFor } from '../failover/index.js';
import { aggregateStatus, assessHealth } from '../health/index.js';
import type { HealthStatus, PlacementClusterStatus, PlacementRecord } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import type { PlacementDecision } from '../model/placement.js';
import { identityKey } from '../model/refs.js';
import type { PlacementObservation } from '../record/index.js';
import type { ClusterOutcome } from './cluster-pass.js';

/** Per cluster name: its outcome this pass, or undefined when it could not be worked on. */
export type ClusterOutcomes = ReadonlyMap<string, ClusterOutcome | undefined>;

/**
 * Clusters failing for less than the failure threshold are still recorded Ready: what was applied there is still
 * applied, so their placements keep the last observed values rather than turning Unknown for a blip (which would
 * rewrite every placement file twice).
 */
export interface Blips {
  clusters: ReadonlySet<string>;
  previous: ReadonlyMap<string, PlacementRecord>;
}

export function observePlacements(
  decisions: PlacementDecision[],
  outcomes: ClusterOutcomes,
  templates: ReadonlyMap<string, { object: KubeObject }>,
  blips: Blips = { clusters: new Set(), previous: new Map() },
  /** The pass's clock (RFC 3339); when given, each cluster's `degradedSince` is carried on or stamped. */
  now?: string,
  /** Runs the fleet's health, status reflection and status aggregation scripts. */
  interpreter?: ResourceInterpreter,
): Map<string, PlacementObservation> {
  const out = new Map<string, PlacementObservation>();
  for (const d of decisions) {
    if (d.clusters.length === 0) continue;
    const key = identityKey(d.resource);
    const previous = blips.previous.get(key);
    const kept = (cluster: string) => (blips.clusters.has(cluster) ? previous?.clusterStatuses?.find((c) => c.name === cluster) : undefined);
    const members = d.clusters.map((pc) => {
      const last = kept(pc.name);
      if (last && !outcomes.get(pc.name)) return { status: last, kept: true };
      const seen = observeOne(key, pc.name, outcomes.get(pc.name), interpreter);
      return { ...seen, status: now === undefined ? seen.status : withDegradedSince(seen.status, previous?.clusterStatuses?.find((c) => c.name === pc.name), now), kept: false };
    });
    if (members.some((m) => m.kept) && previous?.aggregated) {
      out.set(key, { clusters: members.map((m) => m.status), aggregated: previous.aggregated as PlacementObservation['aggregated'] });
      continue;
    }
    const template = templates.get(key)?.object;
    const aggregated = template
      ? (aggregateStatus(
          template,
          members.map((m) => {
            const live = 'live' in m ? m.live : undefined;
            return { cluster: m.status.name, applied: m.status.applied, health: m.status.health, object: live ?? null, status: (live?.status as Record<string, unknown> | undefined) ?? null };
          }),
          interpreter,
        ) as PlacementObservation['aggregated'])
      : undefined;
    out.set(key, { clusters: members.map((m) => m.status), aggregated });
  }
  return out;
}

/** Application failover's clock lives in the record: carried over while Degraded lasts, dropped otherwise. */
function withDegradedSince(status: PlacementClusterStatus, previous: PlacementClusterStatus | undefined, now: string): PlacementClusterStatus {
  const degradedSince = degradedSinceFor(previous, status.health, now);
  return degradedSince === undefined ? status : { ...status, degradedSince };
}

function observeOne(key: string, cluster: string, outcome: ClusterOutcome | undefined, interpreter: ResourceInterpreter | undefined): { status: PlacementClusterStatus; live?: KubeObject } {
  if (!outcome) return { status: { name: cluster, applied: false, health: 'Unknown', message: `cluster ${cluster} is not reachable` } };
  const applied = outcome.applied.has(key);
  const change = outcome.changes.get(key);
  const status = (health: HealthStatus, message?: string, drift?: boolean): PlacementClusterStatus => ({
    name: cluster,
    applied,
    health,
    ...(message ? { message } : {}),
    ...(drift ? { drift: true } : {}),
  });
  if (change?.action === 'conflict') return { status: status('Missing', change.message) };
  if (change?.action === 'failed' || change?.action === 'skipped') return { status: status('Unknown', change.message) };
  const note = outcome.notes.get(key);
  if (!outcome.live.has(key)) return { status: status('Unknown', note?.message) };
  const live = outcome.live.get(key);
  const health = assessHealth(live ?? null, interpreter);
  // A write with a reason (re-applied after a deletion, drift corrected) says so; otherwise the health speaks.
  const message = change?.message ? `${change.message}${health.message ? `: ${health.message}` : ''}` : (note?.message ?? (health.message || undefined));
  return { status: status(health.health, message, note?.drift), live };
}
