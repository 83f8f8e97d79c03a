/**
 * What a pass must neither change nor prune: the one rule the controller applies and `flotilla plan` predicts.
 * Held everywhere: templates whose desired state is unknown (ambiguous duplicates, an invalid override policy that
 * selects them) and templates whose policy went away but that were placed before (as in Karmada, losing the policy
 * does not delete what it propagated; deleting the template does). Held on one cluster: a failed override there,
 * and dispatching suspended there.
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
  return {
    everywhere,
    orphaned,
    on(cluster) {
      const held = new Set(everywhere);
      for (const h of render.held) if (h.cluster === cluster) held.add(identityKey(h.ref));
      for (const d of decisions) if (d.suspendedClusters?.includes(cluster)) held.add(identityKey(d.resource));
      return held;
    },
  };
}
