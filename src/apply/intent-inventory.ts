import { identityKey, type ObjectRef } from '../model/refs.js';
import { inventoryIndex, sortedEntries, type Inventory } from '../record/index.js';

/**
 * The inventory to record before acting: the previous one plus every object this pass is about to create, marked
 * pending. Undefined when the pass creates nothing new, so no extra commit is needed. A controller killed after
 * this is recorded leaks nothing: whatever it managed to create is known, and pruned once no longer desired.
 */
export function intentInventory(previous: Inventory | undefined, toApply: Iterable<{ ref: ObjectRef; hash: string; source: string }>, cluster: string): Inventory | undefined {
  const index = inventoryIndex(previous);
  let added = false;
  for (const d of toApply) {
    const key = identityKey(d.ref);
    if (index.has(key)) continue;
    index.set(key, { ref: d.ref, hash: d.hash, source: d.source, pending: true });
    added = true;
  }
  return added ? { cluster, entries: sortedEntries(index.values()) } : undefined;
}
