/**
 * Multi-component workloads (Karmada's "Multiple Pod Templates Scheduling"): a kind whose InterpretComponent
 * script (GetComponents) lists components, such as a job manager and its task managers, is estimated in complete
 * sets: how many times every component, with all its replicas, still fits on a cluster.
 */
import type { ResourceTemplate } from '../model/fleet.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import type { Placement } from '../model/karmada.js';
import type { Problem } from '../model/problem.js';
import { asPlainObject } from '../util/json.js';
import { fitByResources, type ClusterCapacity, type ReplicaEstimate } from './estimate.js';
import { resourceListRequests, type PodRequests } from './replicas.js';

export interface ComponentRequests {
  name: string;
  /** Replicas of the component in one set. */
  replicas: number;
  /** What one replica of the component requests. */
  requests: PodRequests;
}

export interface ComponentSet {
  components: ComponentRequests[];
  /** Stable text key, so set estimates can be shared between templates with the same components. */
  key: string;
}

export interface ScriptedComponents {
  set: ComponentSet;
  /** Invalid replica counts or quantities in the script's result. */
  problems: string[];
  /** Set when the GetComponents script failed: the Problem is at the script. */
  scriptError?: Problem;
}

/**
 * The components of a template from its kind's GetComponents script; undefined when no script covers the kind.
 */
export function scriptedComponents(template: ResourceTemplate, interpreter: ResourceInterpreter | undefined): ScriptedComponents | undefined {
  const outcome = interpreter?.getComponents(template.object);
  if (outcome === undefined) return undefined;
  if (outcome.error) return { set: { components: [], key: '' }, problems: [outcome.error.message], scriptError: outcome.error };
  const problems: string[] = [];
  const components = outcome.value.map((c, i) => {
    const path = `GetComponents components[${i}]`;
    if (!Number.isInteger(c.replicas) || c.replicas < 0) problems.push(`${path}.replicas: expected a non-negative count, got ${c.replicas}`);
    const requests = resourceListRequests(asPlainObject(c.replicaRequirements?.resourceRequest), `${path}.replicaRequirements.resourceRequest`);
    problems.push(...requests.problems);
    return { name: c.name, replicas: Math.max(0, c.replicas), requests };
  });
  const key = components.map((c) => `${c.name}*${c.replicas}[${c.requests.key}]`).join(';');
  return { set: { components, key }, problems };
}

/**
 * Karmada estimates in sets only for a placement that puts the whole workload on exactly one cluster
 * (a `cluster` spread constraint with minGroups 1 and maxGroups 1); any other placement uses GetReplicas.
 */
export function componentSetsApply(placement: Placement): boolean {
  return (placement.spreadConstraints ?? []).some((c) => c.spreadByField === 'cluster' && c.minGroups === 1 && c.maxGroups === 1);
}

/** What one complete set requests in total: every component's replicas × its per-replica request. */
export function perSetRequests(components: readonly ComponentRequests[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const c of components) {
    for (const [name, amount] of c.requests.amounts) total.set(name, (total.get(name) ?? 0) + c.replicas * amount);
  }
  return total;
}

/**
 * Karmada's general estimator for component sets over the cluster's resourceSummary: complete sets bounded by
 * the free pod count (divided by the pods in one set) and, per requested resource, by floor(free / per-set
 * request). A requested resource the cluster lacks or has used up fits no set.
 */
export function estimateComponentSets(capacity: ClusterCapacity, components: readonly ComponentRequests[]): ReplicaEstimate {
  if (capacity.missing !== null) return { replicas: 0, limitedBy: capacity.missing };
  if (capacity.allowedPods <= 0) return { replicas: 0, limitedBy: 'pods' };
  const podsPerSet = components.reduce((sum, c) => sum + c.replicas, 0);
  // A set without pods takes nothing: the free pod count stands, as in Karmada.
  if (podsPerSet <= 0) return { replicas: capacity.allowedPods, limitedBy: 'pods' };
  return fitByResources(capacity, perSetRequests(components), { replicas: Math.floor(capacity.allowedPods / podsPerSet), limitedBy: 'pods' });
}
