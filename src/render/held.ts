/**
 * What a pass must neither change nor prune: the one rule the controller applies and `flotilla plan` predicts.
 * Held everywhere: templates whose desired state is unknown (ambiguous duplicates, an invalid override policy that
 * selects them) and templates whose policy went away but that were placed before (as in Karmada, losing the policy
 * does not delete what it propagated; deleting the template does). Held on one cluster: a failed override there,
 * dispatching suspended there, and a graceful eviction task from there (the old copy keeps running until the task is
 * cleared; dependencies that follow the workload through propagateDeps stay with it).
 */
import type { Fleet } from '../model/fleet.js';
import type { PlacementDecision } from '../model/placement.js';
import { identityKey, type ObjectRef } from '../model/refs.js';
import type { RenderResult } from './types.js';

export interface HeldResources {
  /** Identity keys held on every cluster. */
  everywhere: ReadonlySet<string>;
  /** Templates no policy claims any more that were placed before: their placement record must be kept. */
  orphaned: ObjectRef[];
  /** Identity keys held on `cluster` (everywhere included). */
  on(cluster: string): Set<string>;
}

export function heldResources(fleet: Fleet, decisions: readonly PlacementDecision[], render: Pick<RenderResult, 'held'>): HeldResources {
  const everywhere = new Set(fleet.heldResources.map(identityKey));
  const orphaned: ObjectRef[] = [];
  for (const d of decisions) {
    const key = identityKey(d.resource);
    if (d.reason === 'NoPolicyMatched' && (fleet.placements.get(key)?.clusters.length ?? 0) > 0) {
      everywhere.add(key);
      orphaned.push(d.resource);
    }
  }
  const evicting = evictingByCluster(decisions);
  return {
    everywhere,
    orphaned,
    on(cluster) {
      const held = new Set(everywhere);
      for (const h of render.held) if (h.cluster === cluster) held.add(identityKey(h.ref));
      for (const d of decisions) if (d.suspendedClusters?.includes(cluster)) held.add(identityKey(d.resource));
      for (const key of evicting.get(cluster) ?? []) held.add(key);
      return held;
    },
  };
}

/** Per cluster, the templates with a graceful eviction task from it, and the dependencies those pull along. */
function evictingByCluster(decisions: readonly PlacementDecision[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (cluster: string, key: string): void => {
    const keys = out.get(cluster) ?? new Set<string>();
    keys.add(key);
    out.set(cluster, keys);
  };
  const tasksOf = new Map<string, string[]>();
  for (const d of decisions) {
    const clusters = (d.gracefulEvictionTasks ?? []).map((t) => t.fromCluster);
    if (clusters.length === 0) continue;
    tasksOf.set(identityKey(d.resource), clusters);
    for (const cluster of clusters) add(cluster, identityKey(d.resource));
  }
  if (tasksOf.size === 0) return out;
  for (const d of decisions) {
    for (const workload of d.requiredBy ?? []) for (const cluster of tasksOf.get(identityKey(workload)) ?? []) add(cluster, identityKey(d.resource));
  }
  return out;
}
