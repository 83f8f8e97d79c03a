/**
 * The layout of `status/` (docs/fleet-repository.md#status-files): where each status file lives, what an
 * inventory is, and how the files are written and read back. Other folders import from here.
 */
export { inventoryPath, placementPath } from './paths.js';
export { IMPLICIT_SOURCE, inventoryIndex, sortedEntries, type Inventory, type InventoryEntry } from './inventory.js';
export {
  clusterStatusFile,
  inventoryFile,
  parseInventory,
  placementFile,
  readStatusDocument,
  rebalancerStatusFile,
  statusWrites,
  withTransitionTimes,
  type PlacementObservation,
  type StatusYaml,
} from './status-files.js';
export { OBSERVED_TRAILER, observedTrailer } from '../model/trailers.js';
