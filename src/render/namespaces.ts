/**
 * Every namespace an object uses on a cluster must exist there (docs/fleet-repository.md#rendered-objects): the Namespace
 * template from the fleet if there is one, otherwise an implicit `v1 Namespace` carrying only Flotilla's metadata.
 */
import type { KubeObject } from '../model/kube.js';
import type { ObjectRef } from '../model/refs.js';
import { deepFreeze } from './clone.js';
import { stampInPlace } from './metadata.js';
import { manifestRelPath } from './rel-path.js';
import type { RenderedObject } from './types.js';

/** Namespaces every cluster has; Flotilla never creates them. */
const BUILT_IN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

export function needsNamespaceObject(namespace: string): boolean {
  return namespace !== '' && !BUILT_IN_NAMESPACES.has(namespace);
}

export function namespaceRef(name: string): ObjectRef {
  return { apiVersion: 'v1', kind: 'Namespace', namespace: '', name };
}

export function implicitNamespace(name: string): RenderedObject {
  const object: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
  const hash = stampInPlace(object, { source: '', policy: '', applied: [] });
  const ref = namespaceRef(name);
  return deepFreeze({ ref, object, hash, sourceFile: '', relPath: manifestRelPath(ref) });
}
