/**
 * Replica revision before overrides (docs/fleet-repository.md#replica-division). A Deployment, StatefulSet or ReplicaSet
 * gets the cluster's share in `spec.replicas` when it differs from the template's count (absent means 1, as the API
 * server defaults it), which covers Divided placements and leaves Duplicated ones untouched. A Job divided over
 * clusters gets its share in `spec.parallelism` and `spec.completions` split over the clusters in proportion to
 * their parallelism (Webster); a Job on every cluster with its own count (Duplicated) is left as written.
 */
import { LABEL_RETAIN_REPLICAS } from '../model/constants.js';
import type { KubeObject } from '../model/kube.js';
import type { PlacementDecision } from '../model/placement.js';
import { groupOf } from '../model/refs.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import { allocateWebsterSeats } from '../util/webster.js';
import { writableAt, writableMapAt } from './writable.js';
import { isPlainObject } from '../util/json.js';

export interface ReplicaRevision {
  replicas?: number;
  parallelism?: number;
  completions?: number;
  /** The share the kind's ReviseReplica script writes, and that script's fingerprint (for cache keys). */
  scripted?: { replicas: number; script: string };
}

const REPLICA_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

function hasReplicaField(obj: KubeObject): boolean {
  const group = groupOf(obj.apiVersion);
  return REPLICA_KINDS.has(obj.kind) && (group === 'apps' || group === 'extensions');
}

function isJob(obj: KubeObject): boolean {
  return obj.kind === 'Job' && groupOf(obj.apiVersion) === 'batch';
}

/** Counts are int32 in the Kubernetes API; a larger one is malformed. */
const MAX_COUNT = 2147483647;

function count(value: unknown, absent: number | undefined): number | undefined | null {
  if (value === undefined || value === null) return absent;
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_COUNT ? (value as number) : null;
}

/** Per cluster of the decision, what to change; an empty map when nothing changes anywhere. */
export function planReplicaRevisions(template: KubeObject, decision: PlacementDecision): Map<string, ReplicaRevision> {
  const out = new Map<string, ReplicaRevision>();
  const spec = isPlainObject(template.spec) ? template.spec : {};
  if (hasReplicaField(template)) {
    const written = count(spec.replicas, 1);
    // A malformed count is left for the API server to reject.
    if (written === null || written === undefined) return out;
    for (const c of decision.clusters) if (c.replicas !== written) out.set(c.name, { replicas: c.replicas });
    return out;
  }
  if (isJob(template)) {
    const parallelism = count(spec.parallelism, 1);
    const completions = count(spec.completions, undefined);
    if (parallelism === null || parallelism === undefined || completions === null) return out;
    const jobReplicas = completions === undefined ? parallelism : Math.min(parallelism, completions);
    if (decision.clusters.every((c) => c.replicas === jobReplicas)) return out;
    // A work-queue Job leaves completions unset; then only parallelism is divided (as Karmada does).
    const shares =
      completions === undefined
        ? undefined
        : allocateWebsterSeats(decision.clusters.map((c) => ({ name: c.name, weight: c.replicas })), completions);
    for (const c of decision.clusters) {
      out.set(c.name, shares ? { parallelism: c.replicas, completions: shares.get(c.name) ?? 0 } : { parallelism: c.replicas });
    }
  }
  return out;
}

/**
 * For a kind with a ReviseReplica script (Karmada's replicaRevision): the clusters whose share differs from the
 * count GetReplicas reads from the template get the script's revision. Undefined when no script covers the kind;
 * a kind without a GetReplicas script, or a template with no replicas, is not revised (as in Karmada).
 */
export function planScriptedRevisions(template: KubeObject, decision: PlacementDecision, interpreter: ResourceInterpreter | undefined): Map<string, ReplicaRevision> | undefined {
  if (!interpreter?.has(template.apiVersion, template.kind, 'ReviseReplica')) return undefined;
  const out = new Map<string, ReplicaRevision>();
  const count = interpreter.getReplicas(template);
  // A failing GetReplicas already kept the previous placement and was reported by the scheduler.
  if (!count?.value || count.value.replica <= 0) return out;
  const script = interpreter.fingerprint(template.apiVersion, template.kind, 'ReviseReplica');
  for (const c of decision.clusters) if (c.replicas !== count.value.replica) out.set(c.name, { scripted: { replicas: c.replicas, script } });
  return out;
}

/** A short, stable description of a revision for cache keys; "" for none. */
export function revisionKey(rev: ReplicaRevision | undefined): string {
  if (!rev) return '';
  if (rev.scripted) return `s${rev.scripted.replicas}@${rev.scripted.script}`;
  return `r${rev.replicas ?? ''}p${rev.parallelism ?? ''}c${rev.completions ?? ''}`;
}

export function reviseReplicasInPlace(obj: KubeObject, rev: ReplicaRevision | undefined): void {
  if (!rev) return;
  if (!isPlainObject(obj.spec)) obj.spec = {};
  const spec = writableMapAt(obj, ['spec'])!;
  if (rev.replicas !== undefined) spec.replicas = rev.replicas;
  if (rev.parallelism !== undefined) spec.parallelism = rev.parallelism;
  if (rev.completions !== undefined) spec.completions = rev.completions;
}

/**
 * With `resourcetemplate.karmada.io/retain-replicas: "true"` the member cluster owns `spec.replicas` (an HPA there):
 * the rendered object leaves the field out, so server-side apply leaves it to its current owner. Checked after
 * overrides, so an override may add the label for some clusters only.
 */
export function dropRetainedReplicasInPlace(obj: KubeObject): void {
  if (obj.metadata.labels?.[LABEL_RETAIN_REPLICAS] !== 'true') return;
  if (isPlainObject(obj.spec) && 'replicas' in obj.spec) delete (writableAt(obj, ['spec']) as Record<string, unknown>).replicas;
}
