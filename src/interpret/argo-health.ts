/**
 * Argo CD's health.lua contract: the script is a chunk that sees the live object as global `obj` (and an empty
 * `actionParams`) and returns a table `{status, message}`. Results map as Argo CD's ExecuteHealthLua maps them.
 * The script runs whatever the object's state: gitops-engine's "Pending deletion" rule for objects being deleted
 * comes before any script there, and does so here in health/assess.ts, so scripts that report their own deletion
 * message (as several of Argo CD's built-in ones do) give the same result as under Argo CD's script tests.
 */
import { LuaRuntime } from './runtime.js';
import type { KubeObject } from './karmada.js';

export const ARGO_HEALTH_STATUSES = ['Unknown', 'Progressing', 'Suspended', 'Healthy', 'Degraded', 'Missing'] as const;
export type ArgoHealthStatus = (typeof ARGO_HEALTH_STATUSES)[number];

/** Argo CD's HealthStatus; `status` is "" when the script returned nothing usable, as in Argo CD. */
export interface ArgoHealth {
  status: ArgoHealthStatus | '';
  message: string;
}

let shared: LuaRuntime | undefined;

export function argoRuntime(): LuaRuntime {
  shared ??= new LuaRuntime({ flavor: 'argo' });
  return shared;
}

/** Health of `obj` by `script`; a failing script is `{Unknown, <error>}`, never an exception. */
export function runHealthScript(script: string, obj: KubeObject, rt = argoRuntime()): ArgoHealth {
  try {
    return healthOrThrow(script, obj, rt);
  } catch (e) {
    return { status: 'Unknown', message: e instanceof Error ? e.message : String(e) };
  }
}

/** As runHealthScript, but a script that fails throws its LuaScriptError (for callers that report it). */
export function healthOrThrow(script: string, obj: KubeObject, rt = argoRuntime()): ArgoHealth {
  return healthFromResult(rt.runChunkWith(script, { obj, actionParams: {} }));
}

function healthFromResult(result: ReturnType<LuaRuntime['runChunkWith']>): ArgoHealth {
  if (result.type === 'nil') return { status: '', message: '' };
  if (result.type !== 'table') return { status: 'Unknown', message: `expect table output from Lua script, not ${result.type === 'boolean' ? 'boolean' : result.type}` };
  if (result.encodeError !== undefined) return { status: 'Unknown', message: result.encodeError };
  const v = result.value;
  // Go decodes the JSON into {status, message} strings: any type mismatch yields an empty status.
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { status: '', message: '' };
  const status = v.status ?? '';
  const message = v.message ?? '';
  if (typeof status !== 'string' || typeof message !== 'string') return { status: '', message: '' };
  if (status !== '' && !(ARGO_HEALTH_STATUSES as readonly string[]).includes(status)) return { status: 'Unknown', message: 'Lua returned an invalid health status' };
  return { status: status as ArgoHealthStatus | '', message };
}
