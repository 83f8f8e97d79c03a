/**
 * The fleet's scripts behind the `ResourceInterpreter` interface the pure stages take. Every call is contained:
 * a script that fails, hangs or runs out of memory becomes an `error` outcome at its file and line.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../model/kube.js';
import {
  emptyInterpreters,
  type Component,
  interpreterKey,
  OPERATIONS,
  type FleetInterpreters,
  type HealthScript,
  type InterpreterOperation,
  type KindInterpreter,
  type LuaScriptSource,
  type ResourceInterpreter,
  type ScriptChecker,
  type ScriptOutcome,
} from '../model/interpreters.js';
import { groupOf } from '../model/refs.js';
import type { Fleet } from '../model/fleet.js';
import { scriptProblem } from './customization.js';
import { argoRuntime, healthOrThrow } from './argo-health.js';
import {
  aggregateStatus,
  getComponents,
  getDependencies,
  getReplicas,
  interpretHealth,
  karmadaRuntime,
  mergeDependencies,
  reflectStatus,
  retain,
  reviseReplica,
  type AggregatedStatusItem,
  type KubeObject as LuaObject,
} from './karmada.js';

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The checker `loadFleet` takes: compiles each script and checks its entry function. */
export function luaScriptChecker(): ScriptChecker {
  return (source, fn) => {
    try {
      if (fn === null) {
        argoRuntime().check(source.script);
        return null;
      }
      return karmadaRuntime().definesFunction(source.script, fn) ? null : scriptProblem(source, `the script does not define function ${fn}`);
    } catch (e) {
      return scriptProblem(source, errorText(e), e);
    }
  };
}

/** `_` in a health/ directory name is Argo CD's wildcard for any run of characters. */
function matchesName(pattern: string, name: string): boolean {
  if (!pattern.includes('_')) return pattern === name;
  const re = new RegExp(`^${pattern.split('_').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

function healthGroup(dir: string): string {
  return dir === 'core' ? '' : dir;
}

/** Exact group and kind first, then wildcard scripts in path order (Argo CD's lookup). */
export function healthScriptFor(scripts: readonly HealthScript[], apiVersion: string, kind: string): HealthScript | undefined {
  const group = groupOf(apiVersion);
  return (
    scripts.find((s) => healthGroup(s.group) === group && s.kind === kind) ??
    scripts.find((s) => (s.group.includes('_') || s.kind.includes('_')) && matchesName(healthGroup(s.group), group) && matchesName(s.kind, kind))
  );
}

class FleetScriptInterpreter implements ResourceInterpreter {
  private readonly fingerprints = new Map<string, string>();
  /** Scheduling and rendering both ask for a template's replicas; templates do not change within a fleet. */
  private readonly replicas = new WeakMap<KubeObject, ReturnType<ResourceInterpreter['getReplicas']>>();

  constructor(private readonly scripts: FleetInterpreters) {}

  has(apiVersion: string, kind: string, op: InterpreterOperation): boolean {
    return this.kind(apiVersion, kind)?.scripts[op] !== undefined;
  }

  fingerprint(apiVersion: string, kind: string, op: InterpreterOperation): string {
    const source = this.kind(apiVersion, kind)?.scripts[op];
    if (!source) return '';
    let fp = this.fingerprints.get(source.script);
    if (fp === undefined) {
      fp = createHash('sha256').update(source.script).digest('hex').slice(0, 16);
      this.fingerprints.set(source.script, fp);
    }
    return fp;
  }

  getReplicas(obj: KubeObject) {
    if (this.replicas.has(obj)) return this.replicas.get(obj);
    const outcome = this.run(obj, 'InterpretReplica', (s) => getReplicas(s, obj as LuaObject));
    this.replicas.set(obj, outcome);
    return outcome;
  }

  reviseReplica(obj: KubeObject, desiredReplica: number) {
    return this.run(obj, 'ReviseReplica', (s) => reviseReplica(s, obj as LuaObject, desiredReplica) as unknown as KubeObject);
  }

  retain(desired: KubeObject, observed: KubeObject) {
    return this.run(desired, 'Retain', (s) => retain(s, desired as LuaObject, observed as LuaObject) as unknown as KubeObject);
  }

  reflectStatus(observed: KubeObject) {
    return this.run(observed, 'InterpretStatus', (s) => reflectStatus(s, observed as LuaObject) as unknown);
  }

  aggregateStatus(desired: KubeObject, items: Parameters<ResourceInterpreter['aggregateStatus']>[1]) {
    // Karmada's binding drops an empty aggregatedStatus (omitempty), so with no member items the script gets nil.
    const luaItems = items.length > 0 ? (items as AggregatedStatusItem[]) : null;
    return this.run(desired, 'AggregateStatus', (s) => aggregateStatus(s, desired as LuaObject, luaItems) as unknown as KubeObject);
  }

  interpretHealth(observed: KubeObject) {
    return this.run(observed, 'InterpretHealth', (s) => interpretHealth(s, observed as LuaObject));
  }

  getDependencies(obj: KubeObject): ReturnType<ResourceInterpreter['getDependencies']> {
    const entry = this.kind(obj.apiVersion, obj.kind);
    if (!entry || entry.dependencyScripts.length === 0) return undefined;
    const lists = [];
    for (const source of entry.dependencyScripts) {
      const outcome = contained(source, 'InterpretDependency', () => getDependencies(source.script, obj as LuaObject));
      if (outcome.error) return outcome;
      lists.push(outcome.value);
    }
    return { value: mergeDependencies(lists) };
  }

  getComponents(obj: KubeObject): ReturnType<ResourceInterpreter['getComponents']> {
    return this.run(obj, 'InterpretComponent', (s) => getComponents(s, obj as LuaObject) as Component[]);
  }

  luaHealth(observed: KubeObject): ReturnType<ResourceInterpreter['luaHealth']> {
    const script = healthScriptFor(this.scripts.health, observed.apiVersion, observed.kind);
    if (!script) return undefined;
    try {
      return { value: healthOrThrow(script.source.script, observed as LuaObject) };
    } catch (e) {
      return { error: scriptProblem(script.source, errorText(e), e) };
    }
  }

  private kind(apiVersion: string, kind: string): KindInterpreter | undefined {
    return this.scripts.kinds.get(interpreterKey(apiVersion, kind));
  }

  private run<T>(obj: KubeObject, op: InterpreterOperation, call: (script: string) => T): ScriptOutcome<T> | undefined {
    const source = this.kind(obj.apiVersion, obj.kind)?.scripts[op];
    if (!source) return undefined;
    return contained(source, op, () => call(source.script));
  }
}

function contained<T>(source: LuaScriptSource, op: InterpreterOperation, call: () => T): ScriptOutcome<T> {
  try {
    return { value: call() };
  } catch (e) {
    return { error: scriptProblem(source, `${OPERATIONS[op].fn}: ${errorText(e)}`, e) };
  }
}

const byFleet = new WeakMap<FleetInterpreters, ResourceInterpreter>();
const NO_SCRIPTS = emptyInterpreters();

/** The interpreter for a fleet's scripts (one per loaded fleet). */
export function fleetInterpreter(fleet: Pick<Fleet, 'interpreters'>): ResourceInterpreter {
  const scripts = fleet.interpreters ?? NO_SCRIPTS;
  let interpreter = byFleet.get(scripts);
  if (!interpreter) {
    interpreter = new FleetScriptInterpreter(scripts);
    byFleet.set(scripts, interpreter);
  }
  return interpreter;
}
