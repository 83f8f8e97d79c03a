/**
 * What Flotilla applied to one cluster: the only basis for pruning (Flux's habit: prune is the difference of
 * two inventories, never "whatever carries my label"). Kept in Git at `status/inventory/<cluster>.yaml`,
 * so it survives restarts and is visible in the history.
 */
import type { ObjectRef } from '../model/refs.js';
import { compareRefs, identityKey } from '../model/refs.js';

export { IMPLICIT_SOURCE } from '../model/constants.js';

export interface InventoryEntry {
  ref: ObjectRef;
  /** Content hash of the object as last applied successfully. */
  hash: string;
  /** Template file it came from; IMPLICIT_SOURCE for namespaces Flotilla created on its own. */
  source: string;
  /**
   * Recorded before the first request that could create it (write-ahead), and not yet confirmed applied. Such an
   * object may or may not exist: it is prunable like any other entry, but is never trusted as Flotilla's own
   * when deciding whether an existing object may be overwritten, and is always applied again while desired.
   */
  pending?: boolean;
  /**
   * A graceful eviction completed while the cluster could not be reached: the object is to be deleted as the
   * recorded decision it is (exempt from the prune circuit breaker) once the cluster is back.
   */
  evicted?: boolean;
}

export interface Inventory {
  cluster: string;
  entries: InventoryEntry[];
}

export function inventoryIndex(inv: Inventory | undefined): Map<string, InventoryEntry> {
  return new Map((inv?.entries ?? []).map((e) => [identityKey(e.ref), e]));
}

export function sortedEntries(entries: Iterable<InventoryEntry>): InventoryEntry[] {
  return [...entries].sort((a, b) => compareRefs(a.ref, b.ref));
}
