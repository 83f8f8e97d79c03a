/**
 * propagateDeps (docs/fleet-repository.md#dependencies): the ConfigMaps, Secrets, ServiceAccounts and PersistentVolumeClaims
 * a workload's pod template references, in the workload's namespace. Mirrors Kubernetes' VisitPodSecretNames /
 * VisitPodConfigmapNames as Karmada's dependency interpreter uses them.
 */
import type { ResourceTemplate } from '../model/fleet.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import type { LabelSelector } from '../model/kube.js';
import type { Problem } from '../model/problem.js';
import { matchLabelSelector } from '../match/selectors.js';
import type { ObjectRef } from '../model/refs.js';
import { compareRefs, groupOf } from '../model/refs.js';
import { asPlainObject, type JsonObject } from '../util/json.js';

type Json = JsonObject;

function list(v: unknown): Json[] {
  return Array.isArray(v) ? v.map(asPlainObject).filter((x): x is Json => x !== undefined) : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The pod spec of the kinds Karmada interprets dependencies for, or undefined. */
export function dependencyPodSpec(template: ResourceTemplate): Json | undefined {
  const group = groupOf(template.ref.apiVersion);
  const kind = template.ref.kind;
  const spec = asPlainObject(template.object['spec']);
  if (group === '' && kind === 'Pod') return spec;
  if (group === 'apps' && (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet' || kind === 'ReplicaSet')) {
    return asPlainObject(asPlainObject(spec?.['template'])?.['spec']);
  }
  if (group === 'batch' && kind === 'Job') return asPlainObject(asPlainObject(spec?.['template'])?.['spec']);
  if (group === 'batch' && kind === 'CronJob') return asPlainObject(asPlainObject(asPlainObject(asPlainObject(spec?.['jobTemplate'])?.['spec'])?.['template'])?.['spec']);
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
      add(configMaps, asPlainObject(from['configMapRef'])?.['name']);
      add(secrets, asPlainObject(from['secretRef'])?.['name']);
    }
    for (const env of list(c['env'])) {
      const valueFrom = asPlainObject(env['valueFrom']);
      add(configMaps, asPlainObject(valueFrom?.['configMapKeyRef'])?.['name']);
      add(secrets, asPlainObject(valueFrom?.['secretKeyRef'])?.['name']);
    }
  }
  for (const v of list(pod['volumes'])) {
    add(configMaps, asPlainObject(v['configMap'])?.['name']);
    add(secrets, asPlainObject(v['secret'])?.['secretName']);
    add(secrets, asPlainObject(v['azureFile'])?.['secretName']);
    add(secrets, asPlainObject(asPlainObject(v['csi'])?.['nodePublishSecretRef'])?.['name']);
    for (const field of SECRET_REF_VOLUMES) add(secrets, asPlainObject(asPlainObject(v[field])?.['secretRef'])?.['name']);
    for (const source of list(asPlainObject(v['projected'])?.['sources'])) {
      add(configMaps, asPlainObject(source['configMap'])?.['name']);
      add(secrets, asPlainObject(source['secret'])?.['name']);
    }
    add(claims, asPlainObject(v['persistentVolumeClaim'])?.['claimName']);
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

/**
 * The dependencies the kind's InterpretDependency scripts name (they replace the built-in reading): references by
 * name, and by label selector matched against the fleet's templates of that kind and namespace. Undefined when no
 * script covers the kind.
 */
export function scriptedDependencyRefs(
  template: ResourceTemplate,
  interpreter: ResourceInterpreter | undefined,
  templates: readonly ResourceTemplate[],
): { refs: ObjectRef[]; error?: Problem } | undefined {
  const outcome = interpreter?.getDependencies(template.object);
  if (outcome === undefined) return undefined;
  if (outcome.error) return { refs: [], error: outcome.error };
  const out: ObjectRef[] = [];
  for (const dep of outcome.value) {
    const namespace = dep.namespace ?? template.ref.namespace;
    if (dep.name !== undefined && dep.name !== '') {
      out.push({ apiVersion: dep.apiVersion, kind: dep.kind, namespace, name: dep.name });
      continue;
    }
    const selector = dep.labelSelector as LabelSelector;
    for (const t of templates) {
      if (t.ref.apiVersion === dep.apiVersion && t.ref.kind === dep.kind && t.ref.namespace === namespace && matchLabelSelector(selector, t.object.metadata.labels)) out.push({ ...t.ref });
    }
  }
  return { refs: out.sort(compareRefs) };
}
