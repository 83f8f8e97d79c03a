/**
 * Karmada `Cluster` spec (cluster.karmada.io/v1alpha1) as Flotilla reads it, and the credential check: the
 * fleet repository must never hold a cluster's secrets (docs/fleet-repository.md#clusters).
 */
import type { FieldPath } from '../parse/field-path.js';
import { labelValueProblem, qualifiedNameProblem } from './k8s-syntax.js';
import { nonEmpty } from './selector-schemas.js';
import { bool, dropped, enumOf, listOf, objectOf, required, str, type Schema } from './schema.js';
import { isPlainObject } from '../../util/json.js';

/** A Kubernetes taint's own fields (Kubernetes validation: qualified-name key, label-value value). */
export const TAINT_FIELDS = {
  key: required(str(qualifiedNameProblem)),
  value: str(labelValueProblem),
  effect: required(enumOf('NoSchedule', 'PreferNoSchedule', 'NoExecute')),
};

const taint = objectOf({ ...TAINT_FIELDS, timeAdded: str() });

export const clusterSpec = (): Schema =>
  objectOf(
    {
      id: str(),
      syncMode: enumOf('Push', 'Pull'),
      apiEndpoint: str(),
      secretRef: objectOf({ namespace: required(str(nonEmpty)), name: required(str(nonEmpty)) }),
      impersonatorSecretRef: dropped(),
      insecureSkipTLSVerification: bool(),
      proxyURL: str(),
      proxyHeader: dropped('proxyHeader is not supported by Flotilla; ignored (and never put credentials in the fleet repository)'),
      provider: str(),
      region: str(),
      zone: str(),
      zones: listOf(str()),
      taints: listOf(taint),
      resourceModels: dropped(),
    },
    'warning',
  );

/** Field names that carry cluster credentials in Karmada Secrets, kubeconfigs and Argo CD cluster secrets. */
const CREDENTIAL_FIELDS = new Set(
  [
    'token',
    'bearerToken',
    'caBundle',
    'caData',
    'kubeconfig',
    'kubeConfig',
    'password',
    'clientKey',
    'keyData',
    'client-key-data',
    'client-certificate-data',
    'certificate-authority-data',
    'authorization',
    'proxy-authorization',
  ].map((s) => s.toLowerCase()),
);

/** Paths of fields that look like credentials, anywhere in the object. */
export function credentialFields(value: unknown, path: (string | number)[] = []): FieldPath[] {
  const out: FieldPath[] = [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...credentialFields(v, [...path, i])));
  else if (isPlainObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (CREDENTIAL_FIELDS.has(key.toLowerCase())) out.push([...path, key]);
      else out.push(...credentialFields(v, [...path, key]));
    }
  }
  return out;
}
