/**
 * Argo CD's health.lua contract: the script is a chunk that sees the live object as global `obj` (and an empty
 * `actionParams`) and returns a table `{status, message}`. Results map as Argo CD's ExecuteHealthLua maps them.
 * The script runs whatever the object's state, as under Argo CD's script tests: several of Argo CD's own scripts
 * word a message for objects being deleted. (health/assess.ts applies the "Pending deletion" rule after them.)
 */
import { LuaRuntime } from './runtime.js';
import type { KubeObject } from './karmada.js';
import type { JsonValue } from './convert.js';

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

const NO_HEALTH: ArgoHealth = { status: '', message: '' };

function healthFromResult(result: ReturnType<LuaRuntime['runChunkWith']>): ArgoHealth {
  if (result.type === 'nil') return { ...NO_HEALTH };
  if (result.type !== 'table') return { status: 'Unknown', message: `expect table output from Lua script, not ${result.type === 'boolean' ? 'boolean' : result.type}` };
  if (result.encodeError !== undefined) return { status: 'Unknown', message: result.encodeError };
  const v = result.value;
  // An empty table encodes as [], which Go cannot decode into the struct: Argo CD then returns an empty health.
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ...NO_HEALTH };
  const fields = decodeHealthFields(v);
  if (fields === undefined) return { ...NO_HEALTH };
  // Argo CD validates after decoding, so a table without a status (e.g. only a message) is an invalid status too.
  if (!(ARGO_HEALTH_STATUSES as readonly string[]).includes(fields.status)) return { status: 'Unknown', message: 'Lua returned an invalid health status' };
  return { status: fields.status as ArgoHealthStatus, message: fields.message };
}

const HEALTH_FIELDS = ['status', 'message'] as const;

/**
 * encoding/json's decoding of the encoded table into {status, message}: keys match the field names
 * case-insensitively (Unicode simple folding: 'ſ' is an 's'), the object's keys arrive sorted so the greatest
 * spelling is decoded last and wins, and a value that is not a string is a type error, which Argo CD turns into
 * an empty health.
 */
function decodeHealthFields(v: Record<string, JsonValue>): { status: string; message: string } | undefined {
  const decoded = { status: '', message: '' };
  const decodedFrom: { status?: string; message?: string } = {};
  for (const [key, value] of Object.entries(v)) {
    const folded = key.toLowerCase().replaceAll('ſ', 's');
    const field = HEALTH_FIELDS.find((f) => f === folded);
    if (field === undefined) continue;
    if (typeof value !== 'string') return undefined;
    const previous = decodedFrom[field];
    if (previous === undefined || key > previous) {
      decodedFrom[field] = key;
      decoded[field] = value;
    }
  }
  return decoded;
}
