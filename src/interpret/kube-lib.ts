/**
 * Karmada's `kube` Lua library (`require("kube")`), reimplemented over JSON values with the results of
 * Karmada's Go functions: resourceAdd, accuratePodRequirements, getPodDependencies, getResourceQuantity.
 */
import { repairEmptyTables, type JsonValue } from './convert.js';
import { addQuantity, approximateFloat, formatQuantity, fromUnits, mustParse, ZERO, type FormattedQuantity } from './kube-quantity.js';
import { quantityMilliValue, quantityValue } from '../model/quantity.js';
import type { KubeArg } from './stdlib.js';
import { goNumberString } from './go-format.js';

type Json = Record<string, JsonValue>;

export const KUBE_FUNCTIONS: Record<string, (args: KubeArg[]) => unknown> = {
  resourceAdd,
  accuratePodRequirements,
  getPodDependencies,
  getResourceQuantity,
};

function checkQuantity(arg: KubeArg | undefined, position: number): FormattedQuantity {
  if (arg === undefined || arg.type === 'nil') return ZERO;
  if (arg.type === 'string') return mustParse(arg.value as string);
  throw new Error(`bad argument #${position} to ? (string expected, got ${arg.type})`);
}

export function resourceAdd(args: KubeArg[]): string {
  let sum = ZERO;
  args.forEach((a, i) => (sum = addQuantity(sum, checkQuantity(a, i + 1))));
  return formatQuantity(sum);
}

export function getResourceQuantity(args: KubeArg[]): number {
  if (args.length !== 1) throw new Error('getResourceQuantity only accepts one argument');
  const q = checkQuantity(args[0], 1);
  const n = approximateFloat(q.value);
  if (n < 0) throw new Error(`int approximation unexpectedly returned a negative value: ${formatQuantity(q)},`);
  if (n === Infinity) throw new Error(`int approximation unexpectedly returned an infinite value: ${formatQuantity(q)},`);
  return n;
}

/** The pod template a table decodes to, or an error naming the mismatch (Go's json.Unmarshal into PodTemplateSpec). */
function podTemplate(arg: KubeArg | undefined, fn: string): Json {
  if (arg === undefined || arg.type !== 'table') throw new Error(`bad argument #1 to ${fn} (table expected, got ${arg?.type ?? 'no value'})`);
  const value = repairEmptyTables(arg.value as JsonValue, true, []);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`fail to convert lua value to PodTemplateSpec: json: cannot unmarshal array into Go value of type v1.PodTemplateSpec`);
  const spec = value.spec;
  if (spec !== undefined && (spec === null || typeof spec !== 'object' || Array.isArray(spec))) throw new Error('fail to convert lua value to PodTemplateSpec: json: cannot unmarshal into Go struct field PodTemplateSpec.spec of type v1.PodSpec');
  return value;
}

function obj(v: JsonValue | undefined): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

function list(v: JsonValue | undefined): Json[] {
  return Array.isArray(v) ? v.map(obj) : [];
}

export function accuratePodRequirements(args: KubeArg[]): unknown {
  if (args.length !== 1) throw new Error('getPodRequirements only accepts one argument');
  const spec = obj(podTemplate(args[0], 'accuratePodRequirements').spec);
  const nodeClaim = nodeClaimOf(spec);
  const resourceRequest = podRequests(spec);
  if (nodeClaim === undefined && resourceRequest === undefined) return null;
  const out: Json = {};
  if (nodeClaim !== undefined) out.nodeClaim = nodeClaim;
  if (resourceRequest !== undefined) out.resourceRequest = resourceRequest;
  return out;
}

function nodeClaimOf(spec: Json): Json | undefined {
  const claim: Json = {};
  const hard = obj(obj(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution;
  if (hard !== undefined && hard !== null) claim.hardNodeAffinity = hard;
  if (spec.nodeSelector !== undefined && spec.nodeSelector !== null) claim.nodeSelector = spec.nodeSelector;
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  if (tolerations.length > 0) claim.tolerations = tolerations;
  return claim.nodeSelector === undefined && claim.hardNodeAffinity === undefined && tolerations.length === 0 ? undefined : claim;
}

const NATIVE = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods']);

/** Karmada's lifted IsScalarResourceName: extended, hugepages, prefixed native and attachable-volume resources. */
function isScalarResource(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-') || name.includes('kubernetes.io/')) return true;
  return name.includes('/') && !name.startsWith('requests.');
}

/** Effective requests of one container: limits fill in missing requests. */
function containerRequests(c: Json): Json {
  const resources = obj(c.resources);
  const requests = { ...obj(resources.requests) };
  for (const [k, v] of Object.entries(obj(resources.limits))) if (!(k in requests)) requests[k] = v;
  return requests;
}

/** Parsed quantities by text: the same few ("100m", "1Gi") recur in every pod template. */
const unitCache = new Map<string, bigint>();

function units(name: string, q: string): bigint {
  const key = name === 'cpu' ? `m${q}` : `u${q}`;
  let n = unitCache.get(key);
  if (n === undefined) {
    const value = mustParse(q).value;
    n = BigInt(name === 'cpu' ? quantityMilliValue(value) : quantityValue(value));
    if (unitCache.size >= 10_000) unitCache.clear();
    unitCache.set(key, n);
  }
  return n;
}

/**
 * The text Go's Quantity.UnmarshalJSON parses: a string's content, or a number as JSON prints it (a script's
 * `cpu = 1` is one CPU); anything else fails the conversion to PodTemplateSpec, as in Go.
 */
function quantityText(name: string, v: JsonValue | undefined): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumberString(v);
  throw new Error(`fail to convert lua value to PodTemplateSpec: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (resource ${name})`);
}

function podRequests(spec: Json): Json | undefined {
  const total = new Map<string, bigint>();
  const add = (rl: Json): void => {
    for (const [k, v] of Object.entries(rl)) if (NATIVE.has(k) || isScalarResource(k)) total.set(k, (total.get(k) ?? 0n) + units(k, quantityText(k, v)));
  };
  for (const c of list(spec.containers)) add(containerRequests(c));
  for (const c of list(spec.initContainers)) {
    for (const [k, v] of Object.entries(containerRequests(c))) {
      if (!(NATIVE.has(k) || isScalarResource(k))) continue;
      const u = units(k, quantityText(k, v));
      if (u > (total.get(k) ?? 0n)) total.set(k, u);
    }
  }
  add(obj(spec.overhead));
  const out: Json = {};
  for (const [k, v] of [...total.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (v <= 0n) continue;
    const format = k === 'memory' || k === 'ephemeral-storage' || k.startsWith('hugepages-') ? 'BinarySI' : 'DecimalSI';
    out[k] = fromUnits(v, k === 'cpu', format);
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

export function getPodDependencies(args: KubeArg[]): unknown {
  if (args.length !== 2) throw new Error('getPodDependencies only accepts two argument');
  const spec = obj(podTemplate(args[0], 'getPodDependencies').spec);
  const nsArg = args[1]!;
  if (nsArg.type !== 'nil' && nsArg.type !== 'string' && nsArg.type !== 'number') throw new Error(`bad argument #2 to getPodDependencies (string expected, got ${nsArg.type})`);
  const namespace = nsArg.type === 'nil' ? 'default' : String(nsArg.value);
  const groups: [string, Set<string>][] = [
    ['ConfigMap', configMapNames(spec)],
    ['Secret', secretNames(spec)],
    ['ServiceAccount', new Set(typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== 'default' ? [spec.serviceAccountName] : [])],
    ['PersistentVolumeClaim', new Set(list(spec.volumes).map((v) => obj(v.persistentVolumeClaim).claimName).filter((n): n is string => typeof n === 'string'))],
  ];
  const refs = groups.flatMap(([kind, names]) =>
    [...names]
      .filter((n) => n !== '')
      .sort()
      .map((name) => ({ apiVersion: 'v1', kind, namespace, name })),
  );
  // Karmada returns a nil slice when there is nothing: Lua sees nil.
  return refs.length === 0 ? null : refs;
}

function allContainers(spec: Json): Json[] {
  return [...list(spec.initContainers), ...list(spec.containers), ...list(spec.ephemeralContainers)];
}

function names(values: (JsonValue | undefined)[]): Set<string> {
  return new Set(values.filter((n): n is string => typeof n === 'string' && n !== ''));
}

function configMapNames(spec: Json): Set<string> {
  const found: (JsonValue | undefined)[] = [];
  for (const c of allContainers(spec)) {
    for (const e of list(c.envFrom)) found.push(obj(e.configMapRef).name);
    for (const e of list(c.env)) found.push(obj(obj(e.valueFrom).configMapKeyRef).name);
  }
  for (const v of list(spec.volumes)) {
    found.push(obj(v.configMap).name);
    for (const s of list(obj(v.projected).sources)) found.push(obj(s.configMap).name);
  }
  return names(found);
}

const SECRET_REF_VOLUMES = ['azureFile', 'cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos'];

function secretNames(spec: Json): Set<string> {
  const found: (JsonValue | undefined)[] = list(spec.imagePullSecrets).map((s) => s.name);
  for (const c of allContainers(spec)) {
    for (const e of list(c.envFrom)) found.push(obj(e.secretRef).name);
    for (const e of list(c.env)) found.push(obj(obj(e.valueFrom).secretKeyRef).name);
  }
  for (const v of list(spec.volumes)) {
    found.push(obj(v.secret).secretName);
    for (const s of list(obj(v.projected).sources)) found.push(obj(s.secret).name);
    found.push(obj(v.azureFile).secretName);
    for (const kind of SECRET_REF_VOLUMES.slice(1)) found.push(obj(obj(v[kind]).secretRef).name);
    found.push(obj(obj(v.csi).nodePublishSecretRef).name);
  }
  return names(found);
}
