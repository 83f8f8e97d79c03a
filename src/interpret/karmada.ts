/**
 * Karmada's interpreter operations over a Lua script, with Karmada's function names, arguments, result checks
 * and result shapes (`luavm.VM`): each returns the result or throws a LuaScriptError.
 */
import { repairEmptyTables, type JsonValue, type LuaResult } from './convert.js';
import { LuaRuntime, LuaScriptError } from './runtime.js';

export type KubeObject = Record<string, unknown>;

export interface ReplicaRequirements {
  nodeClaim?: { hardNodeAffinity?: JsonValue; nodeSelector?: Record<string, string>; tolerations?: JsonValue[] };
  resourceRequest?: Record<string, string>;
  namespace?: string;
  priorityClassName?: string;
}

export interface Component {
  name: string;
  replicas: number;
  replicaRequirements?: ReplicaRequirements;
}

export interface DependentObjectReference {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
  labelSelector?: JsonValue;
}

/** One cluster's entry in AggregateStatus's second argument (Karmada's AggregatedStatusItem). */
export interface AggregatedStatusItem {
  clusterName: string;
  status?: JsonValue;
  applied?: boolean;
  appliedMessage?: string;
  health?: 'Healthy' | 'Unhealthy' | 'Unknown';
}

let shared: LuaRuntime | undefined;

/** The process-wide runtime with Karmada's environment. */
export function karmadaRuntime(): LuaRuntime {
  shared ??= new LuaRuntime({ flavor: 'karmada' });
  return shared;
}

function resultError(message: string): LuaScriptError {
  return new LuaScriptError(message, 'runtime', undefined);
}

function tableValue(r: LuaResult | undefined, what: string): JsonValue {
  if (r === undefined || r.type !== 'table') throw resultError(`expect the returned ${what} type is table but got ${r?.type ?? 'nil'}`);
  if (r.encodeError !== undefined) throw resultError(`encode lua result to json failed: ${r.encodeError}`);
  return r.value;
}

/** A table result decoded into a Kubernetes object, as apimachinery's Unstructured requires (kind set). */
function unstructured(value: JsonValue): KubeObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw resultError('json unmarshal obj failed: expected an object');
  if (typeof value.kind !== 'string' || value.kind === '') throw resultError("json unmarshal obj failed: Object 'Kind' is missing in the result");
  return value;
}

export function retain(script: string, desired: KubeObject, observed: KubeObject, rt = karmadaRuntime()): KubeObject {
  const [r] = rt.callFunction(script, 'Retain', [desired, observed], 1);
  return unstructured(repairEmptyTables(tableValue(r, 'requires'), true, [desired as JsonValue, observed as JsonValue]));
}

export function getReplicas(script: string, obj: KubeObject, rt = karmadaRuntime()): { replica: number; requires: ReplicaRequirements | null } {
  const [count, requires] = rt.callFunction(script, 'GetReplicas', [obj], 2);
  if (count?.type !== 'number') throw resultError(`result type ${count?.type ?? 'nil'} is not number`);
  const replica = toInt32(count.value);
  if (requires === undefined || requires.type === 'nil') return { replica, requires: null };
  return { replica, requires: replicaRequirements(tableValue(requires, 'requires')) };
}

function replicaRequirements(value: JsonValue): ReplicaRequirements {
  const v = repairEmptyTables(value, true, []);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw resultError('json unmarshal obj failed: expected an object for ReplicaRequirements');
  return v as ReplicaRequirements;
}

/** Go's int32(float64) for the values scripts return: truncation toward zero, wrapping like the conversion. */
function toInt32(n: number): number {
  if (!Number.isFinite(n)) return -2147483648;
  return Math.trunc(n) | 0;
}

export function getComponents(script: string, obj: KubeObject, rt = karmadaRuntime()): Component[] {
  const [r] = rt.callFunction(script, 'GetComponents', [obj], 1);
  if (r === undefined || r.type === 'nil') return [];
  if (r.type !== 'table') throw resultError(`expected result type 'table' or 'nil' from GetComponents, but got '${r.type}'`);
  if (r.encodeError !== undefined) throw resultError(`failed to convert lua table for components: ${r.encodeError}`);
  const v = repairEmptyTables(r.value, false, []);
  if (!Array.isArray(v)) throw resultError('failed to convert lua table for components: expected a list');
  return v.map((c) => {
    const item = c as Record<string, JsonValue>;
    return { ...(item as object), name: String(item.name ?? ''), replicas: typeof item.replicas === 'number' ? toInt32(item.replicas) : 0 } as Component;
  });
}

export function reviseReplica(script: string, obj: KubeObject, desiredReplica: number, rt = karmadaRuntime()): KubeObject {
  const [r] = rt.callFunction(script, 'ReviseReplica', [obj, desiredReplica], 1);
  return unstructured(repairEmptyTables(tableValue(r, 'requires'), true, [obj as JsonValue]));
}

export function reflectStatus(script: string, observed: KubeObject, rt = karmadaRuntime()): JsonValue {
  const [r] = rt.callFunction(script, 'ReflectStatus', [observed], 1);
  return repairEmptyTables(tableValue(r, 'replica'), true, []);
}

/** `items` null is Go's nil slice (what a binding without aggregated status holds): the script gets nil, not `{}`. */
export function aggregateStatus(script: string, desired: KubeObject, items: AggregatedStatusItem[] | null, rt = karmadaRuntime()): KubeObject {
  // applied/appliedMessage/health are omitempty in Karmada's JSON: false and "" arrive as nil.
  const luaItems = items?.map((i) => ({ ...i, applied: i.applied === true ? true : undefined, appliedMessage: i.appliedMessage || undefined, health: i.health || undefined }));
  const [r] = rt.callFunction(script, 'AggregateStatus', [desired, luaItems], 1);
  return unstructured(repairEmptyTables(tableValue(r, 'requires'), true, []));
}

export function interpretHealth(script: string, observed: KubeObject, rt = karmadaRuntime()): boolean {
  const [r] = rt.callFunction(script, 'InterpretHealth', [observed], 1);
  if (r?.type !== 'boolean') throw resultError(`result type ${r?.type ?? 'nil'} is not bool`);
  return r.value;
}

export function getDependencies(script: string, obj: KubeObject, rt = karmadaRuntime()): DependentObjectReference[] {
  const [r] = rt.callFunction(script, 'GetDependencies', [obj], 1);
  const v = repairEmptyTables(tableValue(r, 'requires'), false, []);
  if (!Array.isArray(v)) throw resultError('json unmarshal obj failed: expected a list of dependencies');
  return v.map((d, i) => validDependency(d, i));
}

/** Karmada's ValidateDependencies: apiVersion, kind and a name or a label selector. */
function validDependency(d: JsonValue, index: number): DependentObjectReference {
  const dep = (d ?? {}) as Record<string, JsonValue>;
  const problems: string[] = [];
  if (typeof dep.apiVersion !== 'string' || dep.apiVersion === '') problems.push('missing required apiVersion');
  if (typeof dep.kind !== 'string' || dep.kind === '') problems.push('missing required kind');
  if ((typeof dep.name !== 'string' || dep.name === '') && (dep.labelSelector === undefined || dep.labelSelector === null)) problems.push('missing required name or labelSelector');
  if (problems.length > 0) throw resultError(`dependency ${index}: ${problems.join(', ')}`);
  return dep as unknown as DependentObjectReference;
}

/**
 * Several scripts' dependencies as Karmada returns them: a set of references (a reference with a label selector
 * holds it by pointer in Go, so it never equals another and is always kept), sorted by apiVersion, kind,
 * namespace and name.
 */
export function mergeDependencies(lists: DependentObjectReference[][]): DependentObjectReference[] {
  const named = new Set<string>();
  const kept: DependentObjectReference[] = [];
  for (const d of lists.flat()) {
    if (d.labelSelector === undefined || d.labelSelector === null) {
      const key = JSON.stringify([d.apiVersion, d.kind, d.namespace ?? '', d.name ?? '']);
      if (named.has(key)) continue;
      named.add(key);
    }
    kept.push(d);
  }
  const byField = (a: string | undefined, b: string | undefined) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
  return kept.sort((a, b) => byField(a.apiVersion, b.apiVersion) || byField(a.kind, b.kind) || byField(a.namespace, b.namespace) || byField(a.name, b.name));
}

export { OPERATIONS, type InterpreterOperation } from '../model/interpreters.js';
