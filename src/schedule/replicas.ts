/**
 * What Karmada's replica interpreter reads from a template: how many replicas it has and what one replica
 * (one pod) requests. Everything else counts as an object without replicas (0), copied whole to each cluster.
 */
import type { ResourceTemplate } from '../model/fleet.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import type { Problem } from '../model/problem.js';
import { groupOf } from '../model/refs.js';
import { parseQuantity, resourceUnits } from '../model/quantity.js';
import { asPlainObject, type JsonObject } from '../util/json.js';

export interface TemplateReplicas {
  count: number;
  /** Where the count came from, for explanations. */
  source: string;
  /** Set when the field holds something other than a non-negative integer. */
  error?: string;
  /** Set when the kind's GetReplicas script failed: the Problem is at the script. */
  scriptError?: Problem;
}

type Json = JsonObject;

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Counts are int32 in the Kubernetes API; a larger one would never be accepted by a member cluster. */
const MAX_COUNT = 2147483647;

/** Reads an optional count field; the API server's default applies when it is absent. */
function readCount(spec: Json | undefined, field: string, fallback: number): { value: number; error?: string } {
  const raw = spec?.[field];
  if (raw === undefined || raw === null) return { value: fallback };
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_COUNT) return { value: raw };
  return { value: fallback, error: `spec.${field}: expected a non-negative integer up to ${MAX_COUNT}, got ${JSON.stringify(raw) ?? String(raw)}` };
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'ReplicaSet' | 'Job' | 'Pod';

/** The kinds whose replicas Flotilla divides (Karmada's built-in replica interpreter plus ReplicaSet). */
export function workloadKind(template: ResourceTemplate): WorkloadKind | null {
  const group = groupOf(template.ref.apiVersion);
  const kind = template.ref.kind;
  if (group === 'apps' && (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet')) return kind;
  if (group === 'batch' && kind === 'Job') return kind;
  if (group === '' && kind === 'Pod') return kind;
  return null;
}

export function templateReplicas(template: ResourceTemplate): TemplateReplicas {
  const spec = asPlainObject(template.object['spec']);
  switch (workloadKind(template)) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet': {
      const r = readCount(spec, 'replicas', 1);
      return withError({ count: r.value, source: spec?.['replicas'] === undefined ? 'spec.replicas (default 1)' : 'spec.replicas' }, r.error);
    }
    case 'Job': {
      // Karmada divides a Job by parallelism; a Job never runs more pods at once than it has completions.
      const p = readCount(spec, 'parallelism', 1);
      const c = spec?.['completions'] === undefined || spec?.['completions'] === null ? undefined : readCount(spec, 'completions', 1);
      const error = p.error ?? c?.error;
      if (c !== undefined && c.value < p.value) return withError({ count: c.value, source: 'spec.completions (less than spec.parallelism)' }, error);
      return withError({ count: p.value, source: spec?.['parallelism'] === undefined ? 'spec.parallelism (default 1)' : 'spec.parallelism' }, error);
    }
    case 'Pod':
      return { count: 1, source: 'a Pod is one replica' };
    default:
      return { count: 0, source: `${template.ref.kind} has no replicas` };
  }
}

function withError(r: TemplateReplicas, error: string | undefined): TemplateReplicas {
  return error === undefined ? r : { ...r, error };
}

/** The pod spec whose requests make up one replica (and its field path), or undefined for objects without replicas. */
export function replicaPodSpec(template: ResourceTemplate): { spec: Json; path: string } | undefined {
  const spec = asPlainObject(template.object['spec']);
  const kind = workloadKind(template);
  if (kind === null || spec === undefined) return undefined;
  if (kind === 'Pod') return { spec, path: 'spec' };
  const podSpec = asPlainObject(asPlainObject(spec['template'])?.['spec']);
  return podSpec === undefined ? undefined : { spec: podSpec, path: 'spec.template.spec' };
}

/** Per-pod requests of a template (empty for objects without replicas). */
export function templateRequests(template: ResourceTemplate): PodRequests {
  const pod = replicaPodSpec(template);
  return podRequests(pod?.spec, pod?.path);
}

/**
 * Replicas and per-replica requests from the kind's InterpretReplica script (GetReplicas), which replaces the
 * built-in reading for its kind; undefined when no script covers the kind.
 */
export function scriptedReplicas(template: ResourceTemplate, interpreter: ResourceInterpreter | undefined): { replicas: TemplateReplicas; requests: PodRequests } | undefined {
  const outcome = interpreter?.getReplicas(template.object);
  if (outcome === undefined) return undefined;
  if (outcome.error) return { replicas: { count: 0, source: 'GetReplicas', error: outcome.error.message, scriptError: outcome.error }, requests: podRequests(undefined) };
  const { replica, requires } = outcome.value;
  const source = 'GetReplicas (interpreters/)';
  const requests = resourceListRequests(asPlainObject(requires?.resourceRequest), 'GetReplicas requires.resourceRequest');
  if (replica < 0) return { replicas: { count: 0, source, error: `GetReplicas returned ${replica} replicas; expected a non-negative count` }, requests };
  return { replicas: { count: replica, source }, requests };
}

/** Per-replica requests given as a resource list (a script's `resourceRequest`), tracked resources only. */
export function resourceListRequests(list: Json | undefined, path: string): PodRequests {
  const problems: string[] = [];
  const amounts = new Map([...readResourceList(list, path, problems)].filter(([, v]) => v > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { amounts, key: [...amounts].map(([k, v]) => `${k}=${v}`).join(','), problems };
}

/**
 * Karmada only tracks these resources in a pod's requirement; names like "storage" are dropped.
 * Scalar resources are extended (domain-qualified) names, hugepages and attachable volumes.
 */
function isTrackedResource(name: string): boolean {
  if (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name === 'pods') return true;
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  return name.includes('/') && !name.startsWith('requests.');
}

export interface PodRequests {
  /** Integer amounts per resource (cpu in millicores), only positive ones, keys sorted. */
  amounts: Map<string, number>;
  /** Stable text key, so estimates can be shared between templates that request the same. */
  key: string;
  problems: string[];
}

/**
 * Effective requests of one pod as Kubernetes computes them: containers' requests summed (limits stand in for
 * missing requests), then raised to the largest init container's request, plus the pod overhead. Each
 * container's amount is rounded up on its own before summing, as Karmada's resource arithmetic does.
 */
export function podRequests(podSpec: Json | undefined, path = 'spec'): PodRequests {
  const totals = new Map<string, number>();
  const problems: string[] = [];
  if (podSpec) {
    for (const [i, c] of asArray(podSpec['containers']).entries()) {
      for (const [name, units] of containerRequests(asPlainObject(c), `${path}.containers[${i}]`, problems)) {
        totals.set(name, (totals.get(name) ?? 0) + units);
      }
    }
    for (const [i, c] of asArray(podSpec['initContainers']).entries()) {
      for (const [name, units] of containerRequests(asPlainObject(c), `${path}.initContainers[${i}]`, problems)) {
        if (units > (totals.get(name) ?? 0)) totals.set(name, units);
      }
    }
    for (const [name, units] of readResourceList(asPlainObject(podSpec['overhead']), `${path}.overhead`, problems)) {
      totals.set(name, (totals.get(name) ?? 0) + units);
    }
  }
  const amounts = new Map([...totals].filter(([, v]) => v > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const key = [...amounts].map(([k, v]) => `${k}=${v}`).join(',');
  return { amounts, key, problems };
}

function containerRequests(container: Json | undefined, path: string, problems: string[]): Map<string, number> {
  const resources = asPlainObject(container?.['resources']);
  const requests = readResourceList(asPlainObject(resources?.['requests']), `${path}.resources.requests`, problems);
  for (const [name, units] of readResourceList(asPlainObject(resources?.['limits']), `${path}.resources.limits`, problems)) {
    if (!requests.has(name)) requests.set(name, units);
  }
  return requests;
}

function readResourceList(list: Json | undefined, path: string, problems: string[]): Map<string, number> {
  const out = new Map<string, number>();
  if (!list) return out;
  for (const [name, raw] of Object.entries(list)) {
    if (!isTrackedResource(name)) continue;
    const q = parseQuantity(raw);
    if (q === null) {
      problems.push(`${path}.${name}: not a valid quantity: ${JSON.stringify(raw)}`);
      continue;
    }
    out.set(name, resourceUnits(name, q));
  }
  return out;
}
