/**
 * Cluster credentials: never from the fleet repository. The controller's operator decides which kubeconfig
 * context serves which cluster; people who can only commit to the fleet cannot re-point a cluster at another
 * context (see docs/architecture.md, "Trust model").
 *
 * Resolution, first match wins:
 * 1. an explicit binding given to the controller (`--cluster-context member1=prod-eu`);
 * 2. the Cluster's `flotilla.dev/context` annotation, only when the operator trusts it
 *    (`--trust-context-annotation`), or when it names the context that step 3 would pick anyway;
 * 3. the context named like the cluster.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterClient } from '../kube/client.js';
import { KubeTransport } from '../kube/transport.js';
import type { ClusterApi } from '../kube/cluster-api.js';
import type { ClusterDef } from '../model/fleet.js';

export const CONTEXT_ANNOTATION = 'flotilla.dev/context';

export type ConnectResult = { ok: true; client: ClusterApi } | { ok: false; reason: string };

export interface ClusterConnector {
  /** A client for the cluster, or why there is none (never throws). */
  connect(cluster: ClusterDef): Promise<ConnectResult>;
  close(): void;
}

export interface ConnectorPolicy {
  allowExec?: boolean;
  allowInsecureTLS?: boolean;
  /** Cluster name → kubeconfig context, set by the operator. */
  contextBindings?: ReadonlyMap<string, string>;
  /** Honour any `flotilla.dev/context` annotation committed to the fleet repository. */
  trustContextAnnotation?: boolean;
}

/** Which context serves `cluster`, or why the request is refused. */
export function contextFor(cluster: ClusterDef, policy: ConnectorPolicy): { context: string } | { refused: string } {
  const bound = policy.contextBindings?.get(cluster.name);
  if (bound) return { context: bound };
  const asked = cluster.annotations[CONTEXT_ANNOTATION];
  if (asked === undefined || asked === cluster.name) return { context: cluster.name };
  if (policy.trustContextAnnotation) return { context: asked };
  return {
    refused:
      `cluster ${cluster.name} asks for kubeconfig context '${asked}' (annotation ${CONTEXT_ANNOTATION}), which this controller does not trust: ` +
      `bind it with --cluster-context ${cluster.name}=${asked}, or start the controller with --trust-context-annotation`,
  };
}

export function kubeconfigConnector(kubeconfigPath: string | undefined, policy: ConnectorPolicy = {}): ClusterConnector {
  const kc = new KubeConfig();
  let loadError: string | undefined;
  try {
    if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
    else kc.loadFromDefault();
  } catch (err) {
    loadError = `cannot read kubeconfig ${kubeconfigPath ?? '(default)'}: ${(err as Error).message}`;
  }
  const clients = new Map<string, { key: string; client: ClusterClient }>();
  const refuse = (reason: string): ConnectResult => ({ ok: false, reason });
  return {
    async connect(cluster) {
      if (loadError) return refuse(loadError);
      if (cluster.spec.secretRef) {
        return refuse(
          `spec.secretRef (${cluster.spec.secretRef.namespace}/${cluster.spec.secretRef.name}) needs a management cluster, which this controller does not use yet; give a kubeconfig context instead`,
        );
      }
      const chosen = contextFor(cluster, policy);
      if ('refused' in chosen) return refuse(chosen.refused);
      const { context } = chosen;
      const existing = clients.get(cluster.name);
      if (existing && existing.key === context) return { ok: true, client: existing.client };
      if (!kc.getContextObject(context)) return refuse(`no kubeconfig context named '${context}' for cluster ${cluster.name}`);
      try {
        const transport = await KubeTransport.fromKubeConfig(kc, context, { allowExec: policy.allowExec, allowInsecureTLS: policy.allowInsecureTLS, timeoutMs: 15_000 });
        const client = new ClusterClient(cluster.name, transport);
        existing?.client.close();
        clients.set(cluster.name, { key: context, client });
        return { ok: true, client };
      } catch (err) {
        return refuse((err as Error).message);
      }
    },
    close() {
      for (const { client } of clients.values()) client.close();
      clients.clear();
    },
  };
}
