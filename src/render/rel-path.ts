/** File names of rendered manifests: the naming of status/placements (docs/fleet-repository.md#placement). */
import { groupOf, type ObjectRef } from '../model/refs.js';

/** `<namespace or _cluster>/<kind lower-case>[.<group>]-<name>.yaml`, the group omitted for the core group. */
export function manifestRelPath(ref: ObjectRef): string {
  const group = groupOf(ref.apiVersion);
  const kind = ref.kind.toLowerCase() + (group ? `.${group}` : '');
  return `${ref.namespace || '_cluster'}/${kind}-${ref.name}.yaml`;
}
