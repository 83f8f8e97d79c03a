/**
 * Deployment, StatefulSet and DaemonSet: Karmada sums the member counters. observedGeneration follows Karmada's
 * current rule (karmada #4867) as far as Flotilla can: the template's generation is reported as observed only when
 * every member's controller has caught up with its own object; otherwise the template's previous value is kept, and
 * with neither the field is left out. Templates read from Git rarely carry a generation, so usually it is absent.
 */
import type { KubeObject } from '../../model/kube.js';
import { int } from '../fields.js';
import type { Aggregator, Reported } from './types.js';

export const DEPLOYMENT_COUNTERS = ['replicas', 'readyReplicas', 'updatedReplicas', 'availableReplicas', 'unavailableReplicas'] as const;
export const STATEFULSET_COUNTERS = ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'] as const;
export const DAEMONSET_COUNTERS = [
  'currentNumberScheduled',
  'desiredNumberScheduled',
  'numberAvailable',
  'numberMisscheduled',
  'numberReady',
  'updatedNumberScheduled',
  'numberUnavailable',
] as const;

function summing(counters: readonly string[]): Aggregator {
  return (template, members) => {
    const out: Record<string, unknown> = {};
    for (const name of counters) out[name] = members.reduce((sum, m) => sum + (int(m.status, name) ?? 0), 0);
    const observed = observedGeneration(template, members);
    if (observed !== undefined) out.observedGeneration = observed;
    return out;
  };
}

export const aggregateDeployment = summing(DEPLOYMENT_COUNTERS);
export const aggregateStatefulSet = summing(STATEFULSET_COUNTERS);
export const aggregateDaemonSet = summing(DAEMONSET_COUNTERS);

function observedGeneration(template: KubeObject, members: readonly Reported[]): number | undefined {
  const generation = int(template, 'metadata.generation');
  if (generation === undefined) return undefined;
  const caughtUp =
    members.length > 0 &&
    members.every((m) => {
      const observed = int(m.status, 'observedGeneration');
      return observed !== undefined && observed >= (int(m.object, 'metadata.generation') ?? 0);
    });
  return caughtUp ? generation : int(template, 'status.observedGeneration');
}
