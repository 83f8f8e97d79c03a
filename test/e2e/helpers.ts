import { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { KubeTransport } from '../../src/kube/transport.js';
import { DiscoveryCache, resourcePath } from '../../src/kube/discovery.js';
import type { KubeObject } from '../../src/model/kube.js';

export function kubeconfigPath(): string {
  return inject('kubeconfig');
}

/** A transport for one member, through client-node's kubeconfig loading (the way the controller connects). */
export async function memberClient(context: string): Promise<{ transport: KubeTransport; discovery: DiscoveryCache }> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath());
  const transport = await KubeTransport.fromKubeConfig(kc, context, { timeoutMs: 10_000 });
  return { transport, discovery: new DiscoveryCache(transport) };
}

/** Server-side apply of a plain JSON object, as a raw request (no typed serializer in between). */
export async function serverSideApply(
  c: { transport: KubeTransport; discovery: DiscoveryCache },
  obj: KubeObject,
  fieldManager = 'flotilla-e2e',
): Promise<KubeObject> {
  const info = await c.discovery.resolve(obj.apiVersion, obj.kind);
  if (!info) throw new Error(`${obj.apiVersion} ${obj.kind} is not served`);
  return c.transport.requestOk<KubeObject>(resourcePath(info, obj.metadata.namespace, obj.metadata.name), {
    method: 'PATCH',
    body: obj,
    contentType: 'application/apply-patch+yaml',
    query: { fieldManager, force: 'true', fieldValidation: 'Strict' },
  });
}

export async function getObject(
  c: { transport: KubeTransport; discovery: DiscoveryCache },
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
  name: string,
): Promise<KubeObject | undefined> {
  const info = await c.discovery.resolve(apiVersion, kind);
  if (!info) return undefined;
  const res = await c.transport.request<KubeObject>(resourcePath(info, namespace, name));
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET ${kind}/${name}: HTTP ${res.status}`);
  return res.body;
}
