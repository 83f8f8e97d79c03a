/**
 * propagateDeps (docs/fleet-repository.md#dependencies): the ConfigMaps, Secrets, ServiceAccounts and PersistentVolumeClaims
 * a workload's pod template references, in the workload's namespace. Mirrors Kubernetes' VisitPodSecretNames /
 * VisitPodConfigmapNames as Karmada's dependency interpreter uses them.
 */
import type { ResourceTemplate } from '../model/fleet.js';
import type { ObjectRef } from '../model/refs.js';
import { compareRefs, groupOf } from '../model/refs.js';

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function list(v: unknown): Json[] {
  return Array.isArray(v) ? v.map(obj).filter((x): x is Json => x !== undefined) : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The pod spec of the kinds Karmada interprets dependencies for, or undefined. */
export function dependencyPodSpec(template: ResourceTemplate): Json | undefined {
  const group = groupOf(template.ref.apiVersion);
  const kind = template.ref.kind;
  const spec = obj(template.object['spec']);
  if (group === '' && kind === 'Pod') return spec;
  if (group === 'apps' && (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet' || kind === 'ReplicaSet')) {
    return obj(obj(spec?.['template'])?.['spec']);
  }
  if (group === 'batch' && kind === 'Job') return obj(obj(spec?.['template'])?.['spec']);
  if (group === 'batch' && kind === 'CronJob') return obj(obj(obj(obj(spec?.['jobTemplate'])?.['spec'])?.['template'])?.['spec']);
  return undefined;
}

/** Volume sources that name a Secret through `secretRef.name`. */
const SECRET_REF_VOLUMES = ['cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos'];

function podReferences(pod: Json): { configMaps: Set<string>; secrets: Set<string>; serviceAccounts: Set<string>; claims: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const serviceAccounts = new Set<string>();
  const claims = new Set<string>();
  const add = (set: Set<string>, name: unknown): void => {
    const s = str(name);
    if (s !== undefined) set.add(s);
  };
  for (const ref of list(pod['imagePullSecrets'])) add(secrets, ref['name']);
  for (const c of [...list(pod['initContainers']), ...list(pod['containers']), ...list(pod['ephemeralContainers'])]) {
    for (const from of list(c['envFrom'])) {
      add(configMaps, obj(from['configMapRef'])?.['name']);
      add(secrets, obj(from['secretRef'])?.['name']);
    }
    for (const env of list(c['env'])) {
      const valueFrom = obj(env['valueFrom']);
      add(configMaps, obj(valueFrom?.['configMapKeyRef'])?.['name']);
      add(secrets, obj(valueFrom?.['secretKeyRef'])?.['name']);
    }
  }
  for (const v of list(pod['volumes'])) {
    add(configMaps, obj(v['configMap'])?.['name']);
    add(secrets, obj(v['secret'])?.['secretName']);
    add(secrets, obj(v['azureFile'])?.['secretName']);
    add(secrets, obj(obj(v['csi'])?.['nodePublishSecretRef'])?.['name']);
    for (const field of SECRET_REF_VOLUMES) add(secrets, obj(obj(v[field])?.['secretRef'])?.['name']);
    for (const source of list(obj(v['projected'])?.['sources'])) {
      add(configMaps, obj(source['configMap'])?.['name']);
      add(secrets, obj(source['secret'])?.['name']);
    }
    add(claims, obj(v['persistentVolumeClaim'])?.['claimName']);
  }
  // The API server copies the deprecated serviceAccount field into serviceAccountName; "default" always exists.
  const sa = str(pod['serviceAccountName']) ?? str(pod['serviceAccount']);
  if (sa !== undefined && sa !== 'default') serviceAccounts.add(sa);
  return { configMaps, secrets, serviceAccounts, claims };
}

/** References to the workload's dependencies, sorted; they may or may not exist in the fleet. */
export function dependencyRefs(template: ResourceTemplate): ObjectRef[] {
  const pod = dependencyPodSpec(template);
  if (!pod) return [];
  const namespace = template.ref.namespace;
  const refs = podReferences(pod);
  const out: ObjectRef[] = [];
  const push = (kind: string, names: Set<string>): void => {
    for (const name of names) out.push({ apiVersion: 'v1', kind, namespace, name });
  };
  push('ConfigMap', refs.configMaps);
  push('Secret', refs.secrets);
  push('ServiceAccount', refs.serviceAccounts);
  push('PersistentVolumeClaim', refs.claims);
  return out.sort(compareRefs);
}
