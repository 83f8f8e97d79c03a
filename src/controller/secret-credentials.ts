/**
 * Member credentials from the management cluster (Karmada's way): a Cluster's `spec.secretRef` names a Secret
 * there holding `token` and `caBundle` (the endpoint, TLS and proxy settings come from the Cluster spec), or a
 * whole `kubeconfig`. The Secret is read at every connect, so a rotated token is used at the next pass.
 *
 * Credentials never leave this file in a message: every refusal names the Secret and the missing or bad key,
 * never a value, and a parser's error (which may quote the text it choked on) is replaced by our own words.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterClient } from '../kube/client.js';
import type { ClusterApi } from '../kube/cluster-api.js';
import { KubeTransport, type TransportOptions } from '../kube/transport.js';
import type { ClusterDef } from '../model/fleet.js';
import type { ClusterConnector, ConnectorPolicy, ConnectResult } from './clusters.js';

/** A Secret's data, decoded; undefined when there is no such Secret. Throws when the API cannot be asked. */
export interface SecretReader {
  read(namespace: string, name: string): Promise<Record<string, Uint8Array> | undefined>;
}

/** Reads Secrets through a cluster client (the management cluster's). */
export function kubeSecretReader(client: ClusterApi): SecretReader {
  return {
    async read(namespace, name) {
      const secret = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
      if (!secret) return undefined;
      const data = (secret.data ?? {}) as Record<string, string>;
      return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
    },
  };
}

/** How to reach a member with a token: transport options, or a kubeconfig to build them from. */
export type MemberCredentials = { kind: 'token'; options: TransportOptions } | { kind: 'kubeconfig'; config: KubeConfig; context: string } | { kind: 'refused'; reason: string };

const TIMEOUT_MS = 15_000;
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * What the Secret and the Cluster spec say about reaching the member. The endpoint comes from the fleet
 * repository, the token from the operator's Secret: the token is sent only to a server that proves its identity
 * with the Secret's CA (or the system's), over TLS, unless the operator allowed skipping TLS verification.
 */
export function memberCredentials(cluster: ClusterDef, data: Record<string, Uint8Array>, policy: ConnectorPolicy): MemberCredentials {
  const ref = cluster.spec.secretRef!;
  const where = `Secret ${ref.namespace}/${ref.name} (spec.secretRef of cluster ${cluster.name})`;
  const refused = (reason: string): MemberCredentials => ({ kind: 'refused', reason });
  const text = (key: string) => (data[key] ? Buffer.from(data[key]).toString('utf8') : undefined);

  const kubeconfig = text('kubeconfig');
  if (kubeconfig !== undefined) {
    const config = new KubeConfig();
    try {
      config.loadFromString(kubeconfig);
    } catch {
      return refused(`key 'kubeconfig' of ${where} is not a valid kubeconfig`);
    }
    const context = config.getCurrentContext();
    if (!context || !config.getContextObject(context)) return refused(`key 'kubeconfig' of ${where} has no current-context`);
    return { kind: 'kubeconfig', config, context };
  }

  const token = text('token')?.trim();
  if (!token) return refused(`${where} has neither a 'token' nor a 'kubeconfig' key`);
  const endpoint = cluster.spec.apiEndpoint;
  if (!endpoint) return refused(`cluster ${cluster.name} has spec.secretRef with a token but no spec.apiEndpoint to send it to`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return refused(`spec.apiEndpoint of cluster ${cluster.name} is not a URL: ${endpoint}`);
  }
  const insecure = cluster.spec.insecureSkipTLSVerification === true || url.protocol === 'http:';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return refused(`spec.apiEndpoint of cluster ${cluster.name} must be an https URL, got ${url.protocol}`);
  if (insecure && !policy.allowInsecureTLS) {
    return refused(
      `cluster ${cluster.name} would send its token ${url.protocol === 'http:' ? 'over plain http' : 'without verifying the server (spec.insecureSkipTLSVerification)'}; refused unless --insecure-kubeconfig-tls is given`,
    );
  }
  const proxyUrl = cluster.spec.proxyURL;
  if (proxyUrl !== undefined) {
    let proxy: URL;
    try {
      proxy = new URL(proxyUrl);
    } catch {
      return refused(`spec.proxyURL of cluster ${cluster.name} is not a URL`);
    }
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') return refused(`spec.proxyURL of cluster ${cluster.name} must be an http or https URL, got ${proxy.protocol}`);
    if (url.protocol !== 'https:') return refused(`spec.proxyURL of cluster ${cluster.name} needs an https spec.apiEndpoint (the tunnel carries TLS)`);
  }
  const ca = data.caBundle && data.caBundle.length > 0 ? Buffer.from(data.caBundle) : undefined;
  return { kind: 'token', options: { server: endpoint, token, ca, insecureSkipTLSVerify: insecure, timeoutMs: TIMEOUT_MS, ...(proxyUrl ? { proxyUrl } : {}) } };
}

export interface SecretConnectorOptions {
  /** The management cluster's Secrets; undefined when the controller has no management cluster. */
  secrets: SecretReader | undefined;
  /** For clusters without spec.secretRef: the kubeconfig connector. */
  fallback: ClusterConnector;
  policy?: ConnectorPolicy;
  /** Makes the member client (tests put an in-memory cluster here). */
  client?: (cluster: ClusterDef, transport: KubeTransport) => ClusterApi;
}

/** Clusters with spec.secretRef get their credentials from the management cluster; the others from the fallback. */
export function secretRefConnector(opts: SecretConnectorOptions): ClusterConnector {
  const policy = opts.policy ?? {};
  const makeClient = opts.client ?? ((cluster, transport) => new ClusterClient(cluster.name, transport));
  const clients = new Map<string, { fingerprint: string; client: ClusterApi }>();
  const refuse = (reason: string): ConnectResult => ({ ok: false, reason });
  return {
    async connect(cluster) {
      const ref = cluster.spec.secretRef;
      if (!ref) return opts.fallback.connect(cluster);
      if (!opts.secrets) {
        return refuse(`cluster ${cluster.name} has spec.secretRef (${ref.namespace}/${ref.name}), which needs a management cluster: give --management-kubeconfig, or run the controller in a pod`);
      }
      let data: Record<string, Uint8Array> | undefined;
      try {
        data = await opts.secrets.read(ref.namespace, ref.name);
      } catch (err) {
        return refuse(`cannot read Secret ${ref.namespace}/${ref.name} (spec.secretRef of cluster ${cluster.name}) from the management cluster: ${(err as Error).message}`);
      }
      if (!data) return refuse(`Secret ${ref.namespace}/${ref.name} (spec.secretRef of cluster ${cluster.name}) does not exist in the management cluster`);
      const fingerprint = fingerprintOf(cluster, data);
      const existing = clients.get(cluster.name);
      if (existing?.fingerprint === fingerprint) return { ok: true, client: existing.client };
      const credentials = memberCredentials(cluster, data, policy);
      if (credentials.kind === 'refused') return refuse(credentials.reason);
      try {
        const transport =
          credentials.kind === 'token'
            ? new KubeTransport(credentials.options)
            : await KubeTransport.fromKubeConfig(credentials.config, credentials.context, { allowExec: policy.allowExec, allowInsecureTLS: policy.allowInsecureTLS, timeoutMs: TIMEOUT_MS });
        const client = makeClient(cluster, transport);
        existing?.client.close();
        clients.set(cluster.name, { fingerprint, client });
        return { ok: true, client };
      } catch (err) {
        return refuse(`cluster ${cluster.name} (${ref.namespace}/${ref.name}): ${(err as Error).message}`);
      }
    },
    close() {
      for (const { client } of clients.values()) client.close();
      clients.clear();
      opts.fallback.close();
    },
  };
}

/** A rotated Secret or a changed endpoint makes a new client; the digest keeps the old values out of memory maps. */
function fingerprintOf(cluster: ClusterDef, data: Record<string, Uint8Array>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([cluster.spec.apiEndpoint, cluster.spec.insecureSkipTLSVerification, cluster.spec.proxyURL]));
  for (const key of Object.keys(data).sort()) h.update(key).update('\0').update(data[key]!).update('\0');
  return h.digest('hex');
}

/**
 * The management cluster's Secrets: from `kubeconfigPath` (its `context`, or the current one), else from the
 * pod's service account when running in Kubernetes, else none.
 */
export async function managementSecretReader(kubeconfigPath: string | undefined, context: string | undefined, policy: ConnectorPolicy, env = process.env): Promise<{ reader: SecretReader; close(): void } | undefined> {
  const kc = new KubeConfig();
  let inCluster = false;
  if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
  else if (env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
    inCluster = true;
    // A pod without a mounted service account token has no management cluster to ask (not an error to stop on).
    if (!existsSync(SERVICE_ACCOUNT_TOKEN)) return undefined;
  } else return undefined;
  const chosen = context ?? kc.getCurrentContext();
  // In a pod, client-node reads the service account token through its own 'tokenFile' provider: no command runs.
  const transport = await KubeTransport.fromKubeConfig(kc, chosen, { allowExec: inCluster || policy.allowExec, allowInsecureTLS: policy.allowInsecureTLS, timeoutMs: TIMEOUT_MS });
  const client = new ClusterClient('management', transport);
  return { reader: kubeSecretReader(client), close: () => client.close() };
}
