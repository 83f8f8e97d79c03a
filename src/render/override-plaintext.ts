/** plaintext overrider (docs/fleet-repository.md#overriders): one rule's plaintext list is one strict RFC 6902 patch. */
import type { PlaintextOverrider } from '../model/karmada.js';
import type { KubeObject } from '../model/kube.js';
import { applyStrictPatch } from './json-patch.js';

/** Changes `obj` in place (pass a copy) and returns the result (a new object if the root was replaced). */
export function plaintextOverridersInPlace(obj: KubeObject, overriders: readonly PlaintextOverrider[], field: string): KubeObject {
  const ops = overriders.map((p) => ({ op: p.operator, path: p.path, value: p.value }));
  return applyStrictPatch(obj, ops, (i) => `${field}[${i}]`) as KubeObject;
}
