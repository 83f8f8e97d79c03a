/**
 * The management cluster: where the Leases live. Given by --management-kubeconfig (and --management-context), or
 * the in-cluster service account when running in a pod.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { UsageError } from '../model/errors.js';

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export function managementKubeConfig(path: string | undefined, context: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (path) {
    try {
      kc.loadFromFile(path);
    } catch (err) {
      throw new UsageError(`--management-kubeconfig ${path}: ${(err as Error).message}`);
    }
    if (context) {
      if (!kc.getContextObject(context)) throw new UsageError(`--management-context ${context}: no such context in ${path}`);
      kc.setCurrentContext(context);
    }
    return kc;
  }
  if (context) throw new UsageError('--management-context needs --management-kubeconfig');
  if (!process.env.KUBERNETES_SERVICE_HOST) {
    throw new UsageError('leader election and lease-based sharding need the management cluster: give --management-kubeconfig (in a pod the in-cluster config is used)');
  }
  kc.loadFromCluster();
  return kc;
}

/** The pod's namespace when in a pod (the Leases go there by default). */
export function podNamespace(): string | undefined {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** client-go's habit: the hostname (the pod name) plus a random suffix, so a restarted pod is a new holder. */
export function holderIdentity(): string {
  return `${hostname()}_${randomBytes(4).toString('hex')}`;
}
