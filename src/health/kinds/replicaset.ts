/** apps/v1 ReplicaSet (gitops-engine's rules). */
import type { KubeObject } from '../../model/kube.js';
import { conditions, findCondition, int, isTrue } from '../fields.js';
import { degraded, healthy, progressing, type HealthAssessment } from '../types.js';

export function replicaSetHealth(obj: KubeObject): HealthAssessment {
  const generation = int(obj, 'metadata.generation') ?? 0;
  const observed = int(obj, 'status.observedGeneration') ?? 0;
  if (generation > observed) return progressing('Waiting for rollout to finish: observed replica set generation less than desired generation');

  // ReplicaFailure means pods cannot even be created (quota, admission): waiting will not fix it.
  const failure = findCondition(conditions(obj), 'ReplicaFailure');
  if (isTrue(failure)) return degraded(failure?.message ?? failure?.reason ?? 'ReplicaFailure');

  const desired = int(obj, 'spec.replicas');
  const available = int(obj, 'status.availableReplicas') ?? 0;
  if (desired !== undefined && available < desired) {
    return progressing(`Waiting for rollout to finish: ${available} out of ${desired} new replicas are available...`);
  }
  return healthy();
}
