/**
 * When a template is scheduled again, Karmada's way: a Divided placement stays exactly where it is until
 * something asks for a new decision — its policy or placement changed, its replica count no longer matches
 * (which is how an eviction asks), a cluster it uses left the fleet, its last attempt failed, or a
 * WorkloadRebalancer names it. So a recovered cluster gets nothing back on its own (no failback surprise),
 * and a rebalancer is the one deliberate way to restore a split. Duplicated placements and templates without
 * replicas are always scheduled again, as in Karmada, so new clusters are picked up.
 */
import type { Fleet, PlacementRecord, WorkloadRebalancerDoc } from '../model/fleet.js';
import type { Placement } from '../model/karmada.js';
import type { PolicyRef } from '../model/refs.js';
import { identityKey } from '../model/refs.js';
import { canonicalJson, sha256Hex } from '../util/canonical.js';

/**
 * What a placement was decided from, as recorded in `status.appliedPlacement`. With ordered clusterAffinities
 * only the term in use counts: editing another term does not move a placement (Karmada's rule).
 */
export function placementFingerprint(placement: Placement, observedAffinityName: string | undefined): string {
  const { clusterAffinities, ...rest } = placement;
  const term = clusterAffinities?.find((t) => t.affinityName === observedAffinityName) ?? clusterAffinities?.[0];
  return `sha256:${sha256Hex(canonicalJson({ ...rest, ...(term ? { term } : {}) })).slice(0, 16)}`;
}

/** A rebalancer's identity in `status.rebalancedBy`: editing its spec makes it act again. */
export function rebalancerKey(doc: WorkloadRebalancerDoc): string {
  return `${doc.name}@${sha256Hex(canonicalJson(doc.spec)).slice(0, 8)}`;
}

/** Per template (identityKey): the rebalancers naming it, by key. */
export function rebalancersByTemplate(fleet: Pick<Fleet, 'workloadRebalancers'>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const doc of fleet.workloadRebalancers) {
    const key = rebalancerKey(doc);
    for (const w of doc.spec.workloads) {
      const id = identityKey({ apiVersion: w.apiVersion, kind: w.kind, namespace: w.namespace ?? '', name: w.name });
      const list = out.get(id) ?? [];
      if (!list.includes(key)) list.push(key);
      out.set(id, list);
    }
  }
  for (const list of out.values()) list.sort();
  return out;
}

export interface SteadyRequest {
  previous: PlacementRecord | undefined;
  policy: PolicyRef;
  placement: Placement;
  replicas: number;
  clusterNames: ReadonlySet<string>;
}

const samePolicy = (a: PolicyRef | null | undefined, b: PolicyRef) => !!a && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;

/** Why the previous placement stands as it is, or null when the template must be scheduled. */
export function steadyPlacement(req: SteadyRequest): string | null {
  const { previous, placement } = req;
  if (!previous || previous.clusters.length === 0 || previous.appliedPlacement === undefined) return null;
  if (placement.replicaScheduling?.replicaSchedulingType !== 'Divided' || req.replicas === 0) return null;
  if (previous.conditions?.find((c) => c.type === 'Scheduled')?.status !== 'True') return null;
  if (!samePolicy(previous.policy, req.policy)) return null;
  if (previous.appliedPlacement !== placementFingerprint(placement, previous.observedAffinityName)) return null;
  if (previous.clusters.reduce((sum, c) => sum + c.replicas, 0) !== req.replicas) return null;
  if (previous.clusters.some((c) => !req.clusterNames.has(c.name))) return null;
  return 'kept as placed: policy, placement and replica count are unchanged (a WorkloadRebalancer naming it schedules it afresh)';
}
