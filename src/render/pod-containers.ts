/**
 * Where the containers of a workload live, for the image, command and args overriders. Karmada looks at the kind
 * only (not the group) and knows exactly these kinds; a CronJob's containers are not touched by those overriders.
 */
import type { KubeObject } from '../model/kube.js';
import { OverrideFailure } from './override-failure.js';
import { isPlainObject } from '../util/json.js';

const POD_TEMPLATE_KINDS = new Set(['ReplicaSet', 'Deployment', 'DaemonSet', 'StatefulSet', 'Job']);

/** Path of the pod spec, or null when the kind has none the overriders know. */
export function podSpecPath(kind: string): readonly string[] | null {
  if (kind === 'Pod') return ['spec'];
  if (POD_TEMPLATE_KINDS.has(kind)) return ['spec', 'template', 'spec'];
  return null;
}

export interface ContainerSlot {
  /** JSON-pointer tokens of the container object. */
  path: string[];
  container: Record<string, unknown>;
}

/** The `containers` (never `initContainers`) of the object's pod spec; [] when there are none. */
export function podContainers(obj: KubeObject, field: string): ContainerSlot[] {
  const specPath = podSpecPath(obj.kind);
  if (!specPath) return [];
  let node: unknown = obj;
  for (const key of specPath) {
    if (!isPlainObject(node)) return [];
    node = node[key];
  }
  if (!isPlainObject(node) || node.containers === undefined || node.containers === null) return [];
  const containers = node.containers;
  if (!Array.isArray(containers)) throw new OverrideFailure(field, `${specPath.join('.')}.containers is not a list`);
  return containers.map((container, index) => {
    if (!isPlainObject(container)) {
      throw new OverrideFailure(field, `${specPath.join('.')}.containers[${index}] is not an object`);
    }
    return { path: [...specPath, 'containers', String(index)], container };
  });
}
