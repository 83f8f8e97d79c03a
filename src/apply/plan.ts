/**
 * What one pass should do on one cluster, decided from plain data: the desired objects, the previous
 * inventory, and what must be held this pass. Pure, so the circuit breaker can be tested exhaustively.
 */
import type { KubeObject } from '../model/kube.js';
import type { ObjectRef } from '../model/refs.js';
import { identityKey } from '../model/refs.js';
import { IMPLICIT_SOURCE, inventoryIndex, type Inventory, type InventoryEntry } from '../record/index.js';
import { isProtectedFromPrune } from './order.js';

export interface DesiredObject {
  ref: ObjectRef;
  object: KubeObject;
  hash: string;
  source: string;
  /** Why an object whose hash is unchanged is applied anyway (deleted by hand, drift): shown in the change set. */
  reason?: string;
}

export interface PlanInput {
  cluster: string;
  desired: DesiredObject[];
  previous: Inventory | undefined;
  /** Objects whose desired state is unknown this pass (render failures, duplicate templates, suspended dispatch). */
  held: Set<string>;
  /** Template files that could not be read: their objects are neither changed nor pruned. */
  brokenFiles: Set<string>;
  /** Objects to re-apply even if their hash is unchanged (observed missing, drift correction, periodic resync). */
  forceApply: Set<string>;
  maxPruneFraction: number;
  /** The explicit override of the mass-deletion guard. */
  allowMassPrune: boolean;
  /** Delete nothing this pass (e.g. the fleet's own settings could not be read). */
  pruneSuspended?: boolean;
  /**
   * Objects whose removal from this cluster is a recorded decision (a completed graceful eviction): the circuit
   * breaker guards against accidents, not decisions, so they are neither counted nor refused by it.
   */
  decidedPrunes?: ReadonlySet<string>;
}

export interface ClusterPlan {
  cluster: string;
  apply: DesiredObject[];
  unchanged: DesiredObject[];
  prune: InventoryEntry[];
  /** Confirmed entries of the previous inventory by identityKey (pending ones excluded): these objects are known to be Flotilla's. */
  previouslyApplied: Map<string, InventoryEntry>;
  /** Entries kept as they are: held, from broken files, implicit namespaces, or blocked prunes. */
  keep: InventoryEntry[];
  pruneBlocked?: string;
}

export function planClusterApply(input: PlanInput): ClusterPlan {
  const previous = inventoryIndex(input.previous);
  const desiredKeys = new Set<string>();
  const apply: DesiredObject[] = [];
  const unchanged: DesiredObject[] = [];
  const keep: InventoryEntry[] = [];
  for (const d of input.desired) {
    const key = identityKey(d.ref);
    desiredKeys.add(key);
    if (input.held.has(key)) {
      const prev = previous.get(key);
      if (prev) keep.push(prev);
      continue;
    }
    const prev = previous.get(key);
    if (prev && !prev.pending && prev.hash === d.hash && !input.forceApply.has(key)) unchanged.push(d);
    else apply.push(d);
  }
  const candidates: InventoryEntry[] = [];
  for (const [key, entry] of previous) {
    if (desiredKeys.has(key)) continue;
    // Deleting a namespace deletes everything in it, including what others put there: Flotilla never prunes
    // the namespaces it created implicitly, nor the system ones.
    if (input.held.has(key) || input.brokenFiles.has(entry.source) || entry.source === IMPLICIT_SOURCE || isProtectedFromPrune(entry.ref)) {
      if (entry.source !== IMPLICIT_SOURCE && !isProtectedFromPrune(entry.ref)) keep.push(entry);
      continue;
    }
    candidates.push(entry);
  }
  const total = previous.size;
  const base = { cluster: input.cluster, apply, unchanged, previouslyApplied: new Map([...previous].filter(([, e]) => !e.pending)) };
  // A refused prune keeps every candidate in the inventory, so nothing is forgotten and a later pass can act.
  const refuse = (reason: string): ClusterPlan => ({ ...base, prune: [], keep: [...keep, ...candidates], pruneBlocked: reason });
  if (input.pruneSuspended && candidates.length > 0) {
    return refuse(`pruning is suspended on ${input.cluster}: ${candidates.length} object(s) would be deleted`);
  }
  // Deleting one object is never a mass deletion; beyond that, at most the configured share per pass.
  const budget = Math.max(1, Math.floor(input.maxPruneFraction * total));
  const accidental = candidates.filter((e) => !e.evicted && !input.decidedPrunes?.has(identityKey(e.ref))).length;
  if (accidental > budget && !input.allowMassPrune) {
    return refuse(
      `refusing to delete ${accidental} of ${total} objects on ${input.cluster} in one pass ` +
        `(limit ${Math.round(input.maxPruneFraction * 100)}% = ${budget}); if this is intended, run with --allow-mass-prune ` +
        'or raise spec.maxPruneFraction in fleet.yaml',
    );
  }
  return { ...base, prune: candidates, keep };
}
