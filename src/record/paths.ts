import type { ObjectRef } from '../model/refs.js';
import { groupOf } from '../model/refs.js';

/** `status/placements/<namespace or _cluster>/<kind>[.<group>]-<name>.yaml` (docs/fleet-repository.md#placement). */
export function placementPath(ref: ObjectRef): string {
  return `status/placements/${ref.namespace || '_cluster'}/${placementName(ref)}.yaml`;
}

export function placementName(ref: ObjectRef): string {
  const group = groupOf(ref.apiVersion);
  return `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}-${ref.name}`;
}

export function clusterStatusPath(cluster: string): string {
  return `status/clusters/${cluster}.yaml`;
}

export function inventoryPath(cluster: string): string {
  return `status/inventory/${cluster}.yaml`;
}
