/**
 * labelsOverrider / annotationsOverrider (docs/fleet-repository.md#overriders) on the object's own metadata: `add` sets keys
 * (creating the map), `replace` and `remove` skip keys that are not there. Keys are handled as map keys, so `/` and
 * `~` in them need no JSON-pointer escaping.
 */
import type { LabelAnnotationOverrider } from '../model/karmada.js';
import type { KubeObject } from '../model/kube.js';
import { hasOwn } from './json-pointer.js';
import { OverrideFailure } from './override-failure.js';
import { compareStrings } from '../model/refs.js';
import { writableAt, writableMapAt } from './writable.js';
import { isPlainObject } from '../util/json.js';

export type MetadataMap = 'labels' | 'annotations';

/** Changes `obj` in place (pass a copy) and returns it. */
export function labelsAnnotationsOverriderInPlace(
  obj: KubeObject,
  overrider: LabelAnnotationOverrider,
  map: MetadataMap,
  field: string,
): KubeObject {
  const { operator } = overrider;
  if (operator !== 'add' && operator !== 'remove' && operator !== 'replace') {
    throw new OverrideFailure(field, `unsupported operator ${JSON.stringify(operator)} (add, remove or replace)`);
  }
  const entries = Object.entries(overrider.value ?? {}).sort(([a], [b]) => compareStrings(a, b));
  if (entries.length === 0) return obj;
  const meta: unknown = obj.metadata;
  if (!isPlainObject(meta)) throw new OverrideFailure(field, 'metadata is not an object');
  const current = meta[map];
  if (current !== undefined && current !== null && !isPlainObject(current)) {
    throw new OverrideFailure(field, `metadata.${map} is not a map`);
  }
  if (operator !== 'add' && !isPlainObject(current)) return obj;
  const target = operator === 'add' ? writableMapAt(obj, ['metadata', map]) : writableAt(obj, ['metadata', map]);
  if (!isPlainObject(target)) return obj;
  for (const [key, value] of entries) {
    if (key === '__proto__') throw new OverrideFailure(field, `${JSON.stringify(key)} is not a valid key`);
    if (typeof value !== 'string') throw new OverrideFailure(field, `value of ${JSON.stringify(key)} must be a string`);
    const present = hasOwn(target, key);
    if (operator === 'add' || (operator === 'replace' && present)) target[key] = value;
    else if (operator === 'remove' && present) delete target[key];
  }
  return obj;
}
