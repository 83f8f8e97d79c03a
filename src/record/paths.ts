/**
 * Paths of the status files Flotilla commits (docs/fleet-repository.md#status-files). Every one is built with safeRelativePath, so a
 * cluster, kind or name that would leave its folder throws UnsafePathError instead of naming another file.
 */
import type { ObjectRef } from '../model/refs.js';
import { manifestSegments, objectFileStem } from '../render/rel-path.js';
import { safeRelativePath } from '../util/safe-path.js';

/** `status/placements/<namespace or _cluster>/<kind>[.<group>]-<name>.yaml` (docs/fleet-repository.md#placement). */
export function placementPath(ref: ObjectRef): string {
  return safeRelativePath('status', 'placements', ...manifestSegments(ref));
}

export function placementName(ref: ObjectRef): string {
  return objectFileStem(ref);
}

export function clusterStatusPath(cluster: string): string {
  return safeRelativePath('status', 'clusters', `${cluster}.yaml`);
}

export function rebalancerStatusPath(name: string): string {
  return safeRelativePath('status', 'rebalancers', `${name}.yaml`);
}

export function inventoryPath(cluster: string): string {
  return safeRelativePath('status', 'inventory', `${cluster}.yaml`);
}
