/**
 * Cluster credentials: never from the fleet repository. A kubeconfig context named by the Cluster's
 * `flotilla.dev/context` annotation, else the context named like the cluster (docs/fleet-repository.md#clusters).
 */
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterClient } from '../kube/client.js';
import { KubeTransport } from '../kube/transport.js';
import type { ClusterDef } from '../model/fleet.js';

export const CONTEXT_ANNOTATION = 'flotilla.dev/context';

export interface ClusterConnector {
  /** A client for the cluster, or an error message saying why there is none. */
  connect(cluster: ClusterDef): Promise<ClusterClient | string>;
  close(): void;
}

export function kubeconfigConnector(kubeconfigPath: string | undefined, policy: { allowExec?: boolean; allowInsecureTLS?: boolean } = {}): ClusterConnector {
  const kc = new KubeConfig();
  let loadError: string | undefined;
  try {
    if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
    else kc.loadFromDefault();
  } catch (err) {
    loadError = `cannot read kubeconfig ${kubeconfigPath ?? '(default)'}: ${(err as Error).message}`;
  }
  const clients = new Map<string, { key: string; client: ClusterClient }>();
  return {
    async connect(cluster) {
      if (loadError) return loadError;
      if (cluster.spec.secretRef) {
        return `spec.secretRef (${cluster.spec.secretRef.namespace}/${cluster.spec.secretRef.name}) needs a management cluster, which this controller does not use yet; give a kubeconfig context instead`;
      }
      const context = cluster.annotations[CONTEXT_ANNOTATION] ?? cluster.name;
      const existing = clients.get(cluster.name);
      if (existing && existing.key === context) return existing.client;
      if (!kc.getContextObject(context)) return `no kubeconfig context named '${context}' for cluster ${cluster.name}`;
      try {
        const transport = await KubeTransport.fromKubeConfig(kc, context, { ...policy, timeoutMs: 15_000 });
        const client = new ClusterClient(cluster.name, transport);
        existing?.client.close();
        clients.set(cluster.name, { key: context, client });
        return client;
      } catch (err) {
        return (err as Error).message;
      }
    },
    close() {
      for (const { client } of clients.values()) client.close();
      clients.clear();
    },
  };
}
