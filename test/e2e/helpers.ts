import { inject } from 'vitest';
import type { ClusterClient } from '../../src/kube/client.js';
import { KubeApiError } from '../../src/model/errors.js';
import type { KubeObject } from '../../src/model/kube.js';
import { kubeconfigClient } from '../support/failover-fleet.js';

/**
 * A client for one member, connected the way the controller connects (client-node reads the kubeconfig,
 * requests are raw JSON), so the tests exercise the production path.
 */
export function memberClient(context: string): Promise<ClusterClient> {
  return kubeconfigClient(inject('kubeconfig'), context);
}

/** Server-side apply as someone other than Flotilla (by default a test's own field manager). */
export function serverSideApply(c: ClusterClient, obj: KubeObject, fieldManager = 'flotilla-e2e'): Promise<KubeObject> {
  return c.apply(obj, { fieldManager });
}

/** The object, or undefined when it (or its kind) does not exist on the cluster. */
export async function getObject(c: ClusterClient, apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
  try {
    return await c.get({ apiVersion, kind, namespace: namespace ?? '', name });
  } catch (err) {
    if (err instanceof KubeApiError && err.code === 'E_NO_KIND') return undefined;
    throw err;
  }
}
