/** File names of rendered manifests: the naming of status/placements (docs/fleet-repository.md#placement). */
import { groupOf, type ObjectRef } from '../model/refs.js';

/** `<kind lower-case>[.<group>]-<name>`, the group omitted for the core group. */
export function objectFileStem(ref: ObjectRef): string {
  const group = groupOf(ref.apiVersion);
  return `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}-${ref.name}`;
}

/**
 * `[<namespace or _cluster>, <stem>.yaml]`, unchecked: whoever writes the file joins these segments with
 * util/safe-path.ts, which refuses a kind or name that would leave the output directory.
 */
export function manifestSegments(ref: ObjectRef): [string, string] {
  return [ref.namespace || '_cluster', `${objectFileStem(ref)}.yaml`];
}

export function manifestRelPath(ref: ObjectRef): string {
  return manifestSegments(ref).join('/');
}
