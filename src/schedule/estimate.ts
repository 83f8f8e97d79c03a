/**
 * Karmada's general estimator over `status/clusters/<name>.yaml` resourceSummary: how many more replicas of a
 * template a cluster can take.
 */
import type { ClusterStatus } from '../model/fleet.js';
import { parseQuantity, quantityValue, resourceUnits, subtractQuantity, type Quantity } from '../model/quantity.js';
import type { PodRequests } from './replicas.js';

/** Karmada's int32 ceiling, used for "not estimated" (objects without replicas). */
export const UNLIMITED_REPLICAS = 2147483647;

export interface ClusterCapacity {
  /** allocatable.pods − allocated.pods − allocating.pods, never below 0. */
  allowedPods: number;
  /** Free amount per allocatable resource, in estimator units (cpu in millicores); may be ≤ 0. */
  free: Map<string, number>;
  /** Why the estimate is 0 whatever the request (no status, no resourceSummary), else null. */
  missing: string | null;
  problems: string[];
}

export function clusterCapacity(status: ClusterStatus | undefined): ClusterCapacity {
  if (!status) return { allowedPods: 0, free: new Map(), missing: 'no status file', problems: [] };
  const summary = status.resourceSummary;
  if (!summary) return { allowedPods: 0, free: new Map(), missing: 'no resourceSummary in status', problems: [] };
  const problems: string[] = [];
  const read = (list: Record<string, string> | undefined, section: string, name: string): Quantity | null => {
    const raw = list?.[name];
    if (raw === undefined) return null;
    const q = parseQuantity(raw);
    if (q === null) problems.push(`status.resourceSummary.${section}.${name}: not a valid quantity: ${JSON.stringify(raw)}`);
    // Beyond a double, allocatable minus allocated would be Infinity − Infinity: an estimate of NaN.
    else if (!Number.isFinite(resourceUnits(name, q))) problems.push(`status.resourceSummary.${section}.${name}: too large: ${JSON.stringify(raw)}`);
    else return q;
    return null;
  };
  // Pods are subtracted after rounding each term, like Karmada's getAllowedPodNumber.
  const podValue = (section: 'allocatable' | 'allocated' | 'allocating'): number => {
    const q = read(summary[section], section, 'pods');
    return q === null ? 0 : quantityValue(q);
  };
  const allowedPods = Math.max(0, podValue('allocatable') - podValue('allocated') - podValue('allocating'));
  const free = new Map<string, number>();
  for (const name of Object.keys(summary.allocatable ?? {}).sort()) {
    const allocatable = read(summary.allocatable, 'allocatable', name);
    if (allocatable === null) continue;
    let left = allocatable;
    const allocated = read(summary.allocated, 'allocated', name);
    if (allocated) left = subtractQuantity(left, allocated);
    const allocating = read(summary.allocating, 'allocating', name);
    if (allocating) left = subtractQuantity(left, allocating);
    free.set(name, resourceUnits(name, left));
  }
  return { allowedPods, free, missing: null, problems };
}

export interface ReplicaEstimate {
  replicas: number;
  /** The input that bounded the estimate, for explanations. */
  limitedBy: string;
}

/**
 * Maximum replicas of one pod shape that fit: the free pod count, and for each requested resource
 * floor(free / request). A requested resource the cluster does not report at all fits nothing.
 */
export function estimateAvailableReplicas(capacity: ClusterCapacity, requests: PodRequests): ReplicaEstimate {
  if (capacity.missing !== null) return { replicas: 0, limitedBy: capacity.missing };
  if (capacity.allowedPods <= 0) return { replicas: 0, limitedBy: 'pods' };
  return fitByResources(capacity, requests.amounts, { replicas: capacity.allowedPods, limitedBy: 'pods' });
}

/**
 * Lowers an upper bound to what fits of each requested resource: floor(free / request). A requested resource the
 * cluster does not report, or has used up, fits nothing.
 */
export function fitByResources(capacity: ClusterCapacity, requests: ReadonlyMap<string, number>, bound: ReplicaEstimate): ReplicaEstimate {
  let { replicas, limitedBy } = bound;
  for (const [name, request] of requests) {
    if (request <= 0) continue;
    const free = capacity.free.get(name);
    if (free === undefined) return { replicas: 0, limitedBy: `${name} not reported as allocatable` };
    if (free <= 0) return { replicas: 0, limitedBy: name };
    const fit = Math.floor(free / request);
    if (fit < replicas) {
      replicas = fit;
      limitedBy = name;
    }
  }
  return { replicas, limitedBy };
}
