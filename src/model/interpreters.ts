/**
 * Custom resources' interpreter scripts as the fleet holds them (`interpreters/`, `health/`), and the interface the
 * pure stages run them through. The stages never hold a Lua VM themselves: the VM reads the clock for its time
 * limit and the heap size for its memory limit, so the caller builds a `ResourceInterpreter` and passes it in.
 */
import type { KubeObject } from './kube.js';
import type { Problem } from './problem.js';

/** Karmada's operation names, the functions their scripts define and the customization field holding them. */
export const OPERATIONS = {
  Retain: { fn: 'Retain', field: 'retention' },
  InterpretReplica: { fn: 'GetReplicas', field: 'replicaResource' },
  ReviseReplica: { fn: 'ReviseReplica', field: 'replicaRevision' },
  InterpretStatus: { fn: 'ReflectStatus', field: 'statusReflection' },
  AggregateStatus: { fn: 'AggregateStatus', field: 'statusAggregation' },
  InterpretHealth: { fn: 'InterpretHealth', field: 'healthInterpretation' },
  InterpretDependency: { fn: 'GetDependencies', field: 'dependencyInterpretation' },
  InterpretComponent: { fn: 'GetComponents', field: 'componentResource' },
} as const;

export type InterpreterOperation = keyof typeof OPERATIONS;

export interface LuaScriptSource {
  script: string;
  file: string;
  /** File line holding the script's first line. */
  line: number;
  column: number;
}

/** The scripts that apply to one target apiVersion and kind, merged from every customization naming it. */
export interface KindInterpreter {
  target: { apiVersion: string; kind: string };
  /** Per operation, the script of the first customization (by name) that has one, as Karmada merges them. */
  scripts: Partial<Record<InterpreterOperation, LuaScriptSource>>;
  /** Every customization's dependency script: Karmada runs all of them and merges the results. */
  dependencyScripts: LuaScriptSource[];
}

/** `health/<group>/<kind>/health.lua`; `_` in a directory name matches anything, as in Argo CD. */
export interface HealthScript {
  group: string;
  kind: string;
  source: LuaScriptSource;
}

export interface FleetInterpreters {
  /** Keyed by `interpreterKey(apiVersion, kind)`. */
  kinds: Map<string, KindInterpreter>;
  /** Sorted by path. */
  health: HealthScript[];
}

export function emptyInterpreters(): FleetInterpreters {
  return { kinds: new Map(), health: [] };
}

export function interpreterKey(apiVersion: string, kind: string): string {
  return `${apiVersion}\u0000${kind}`;
}

/** Compiles a script and checks it defines `fn` (null: a chunk, as health.lua is). Null when it is fine. */
export type ScriptChecker = (source: LuaScriptSource, fn: string | null) => Problem | null;

/** Karmada's ReplicaRequirements as GetReplicas returns them. */
export interface ReplicaRequirements {
  nodeClaim?: { hardNodeAffinity?: unknown; nodeSelector?: Record<string, string>; tolerations?: unknown[] };
  resourceRequest?: Record<string, string>;
  namespace?: string;
  priorityClassName?: string;
}

/** One component of a multi-component workload, as GetComponents returns it (Karmada's work/v1alpha2 Component). */
export interface Component {
  name: string;
  /** Replicas of this component in one complete set of the workload. */
  replicas: number;
  replicaRequirements?: ReplicaRequirements;
}

export interface DependentObjectReference {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
  labelSelector?: unknown;
}

/** One cluster's entry in AggregateStatus's second argument (Karmada's AggregatedStatusItem). */
export interface AggregatedStatusItem {
  clusterName: string;
  status?: unknown;
  applied?: boolean;
  appliedMessage?: string;
  health?: 'Healthy' | 'Unhealthy' | 'Unknown';
}

/** A script's result, or the Problem (at the script's file and line) that it failed with. */
export type ScriptOutcome<T> = { value: T; error?: undefined } | { value?: undefined; error: Problem };

/**
 * Runs the fleet's scripts. Every method returns undefined when no script covers the object's kind (the built-in
 * behaviour applies), and never throws: a failing script is an `error` outcome.
 */
export interface ResourceInterpreter {
  has(apiVersion: string, kind: string, op: InterpreterOperation): boolean;
  /** A content fingerprint of the script for `op`, for caches ("" when there is none). */
  fingerprint(apiVersion: string, kind: string, op: InterpreterOperation): string;
  getReplicas(obj: KubeObject): ScriptOutcome<{ replica: number; requires: ReplicaRequirements | null }> | undefined;
  reviseReplica(obj: KubeObject, desiredReplica: number): ScriptOutcome<KubeObject> | undefined;
  retain(desired: KubeObject, observed: KubeObject): ScriptOutcome<KubeObject> | undefined;
  reflectStatus(observed: KubeObject): ScriptOutcome<unknown> | undefined;
  aggregateStatus(desired: KubeObject, items: AggregatedStatusItem[]): ScriptOutcome<KubeObject> | undefined;
  interpretHealth(observed: KubeObject): ScriptOutcome<boolean> | undefined;
  getDependencies(obj: KubeObject): ScriptOutcome<DependentObjectReference[]> | undefined;
  /** InterpretComponent: the workload's components, each with its replicas and per-replica requirements. */
  getComponents(obj: KubeObject): ScriptOutcome<Component[]> | undefined;
  /** Argo CD's health.lua for the object's group and kind; status "" means the script returned nothing usable. */
  luaHealth(observed: KubeObject): ScriptOutcome<{ status: string; message: string }> | undefined;
}
