/** commandOverrider / argsOverrider (docs/fleet-repository.md#overriders): edit a named container's command or args list. */
import type { CommandArgsOverrider } from '../model/karmada.js';
import type { KubeObject } from '../model/kube.js';
import { OverrideFailure } from './override-failure.js';
import { podContainers } from './pod-containers.js';
import { writableAt } from './writable.js';

export type ContainerList = 'command' | 'args';

/**
 * `add` appends (creating the list), `remove` drops every element equal to one of the values; any other operator
 * changes nothing, as in Karmada. Unlike Karmada, removing from a container without the list leaves it absent
 * instead of writing an empty list. Changes `obj` in place (pass a copy) and returns it.
 */
export function commandArgsOverriderInPlace(
  obj: KubeObject,
  overrider: CommandArgsOverrider,
  list: ContainerList,
  field: string,
): KubeObject {
  const values = overrider.value ?? [];
  for (const { path, container } of podContainers(obj, field)) {
    if (container.name !== overrider.containerName) continue;
    const current = container[list];
    if (current !== undefined && current !== null && !Array.isArray(current)) {
      throw new OverrideFailure(field, `${path.join('.')}.${list} is not a list`);
    }
    if (overrider.operator === 'add') {
      (writableAt(obj, path) as Record<string, unknown>)[list] = [...(current ?? []), ...values];
    } else if (overrider.operator === 'remove' && Array.isArray(current)) {
      const drop = new Set(values);
      (writableAt(obj, path) as Record<string, unknown>)[list] = current.filter((item) => !drop.has(String(item)));
    }
  }
  return obj;
}
