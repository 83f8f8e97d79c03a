import type { KubeObject } from '../model/kube.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import type { HealthStatus } from '../model/fleet.js';
import { formatProblem } from '../model/problem.js';
import { HealthInputError } from './fields.js';
import { healthCheckFor } from './registry.js';
import { progressing, unknown, type HealthAssessment } from './types.js';
import { isPlainObject } from '../util/json.js';

/**
 * The health of one live object. `null`/`undefined` stands for an object that should exist but does not: Missing.
 * Never throws: an object whose fields cannot be read is `Unknown`, with the reason as the message.
 */
export function assessHealth(live: KubeObject | null | undefined, interpreter?: ResourceInterpreter): HealthAssessment {
  if (live === null || live === undefined) return { health: 'Missing', message: 'Resource does not exist' };
  let obj: KubeObject = live;
  if (!isPlainObject(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || (obj.metadata !== undefined && !isPlainObject(obj.metadata))) {
    return unknown('Not a Kubernetes object: apiVersion and kind are required, and metadata must be a mapping');
  }
  // A live object always has metadata; a hand-written one (a script's test input) may not, and scripts still run.
  if (obj.metadata === undefined) obj = { ...obj, metadata: {} as KubeObject['metadata'] };
  try {
    // A health.lua decides first, even for an object being deleted: scripts word their own deletion messages
    // (Argo CD's script tests expect them), where Argo CD's controller would say "Pending deletion" first.
    const lua = interpreter ? luaScriptHealth(obj, interpreter) : undefined;
    if (lua) return lua;
    // Otherwise an object being deleted is on its way out, whatever the kind; its other fields no longer mean much.
    if (obj.metadata.deletionTimestamp) return progressing('Pending deletion');
    const karmada = interpreter ? karmadaScriptHealth(obj, interpreter) : undefined;
    if (karmada) return karmada;
    return healthCheckFor(obj.apiVersion, obj.kind)(obj);
  } catch (err) {
    if (err instanceof HealthInputError) return unknown(`${obj.kind} ${String(obj.metadata.name ?? '')}: ${err.message}`);
    throw err;
  }
}

const ARGO_STATUSES: ReadonlySet<string> = new Set<HealthStatus>(['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown']);

/**
 * The fleet's scripts decide before the built-in rules: the kind's health.lua first, then its InterpretHealth
 * (true → Healthy, false → Degraded). A health.lua that returns no status leaves the decision to the next rule; a
 * script that fails makes the object Unknown, with the script's file and line in the message.
 */
function luaScriptHealth(obj: KubeObject, interpreter: ResourceInterpreter): HealthAssessment | undefined {
  const lua = interpreter.luaHealth(obj);
  if (lua?.error) return unknown(formatProblem(lua.error));
  if (lua?.value && ARGO_STATUSES.has(lua.value.status)) return { health: lua.value.status as HealthStatus, message: lua.value.message };
  return undefined;
}

function karmadaScriptHealth(obj: KubeObject, interpreter: ResourceInterpreter): HealthAssessment | undefined {
  const karmada = interpreter.interpretHealth(obj);
  if (karmada?.error) return unknown(formatProblem(karmada.error));
  if (karmada) return karmada.value ? { health: 'Healthy', message: '' } : { health: 'Degraded', message: 'InterpretHealth returned false' };
  return undefined;
}
