/** apps/v1 Deployment, with gitops-engine's rules (themselves kubectl's `rollout status`). */
import type { KubeObject } from '../../model/kube.js';
import { bool, conditions, findCondition, int } from '../fields.js';
import { degraded, healthy, progressing, suspended, type HealthAssessment } from '../types.js';

export function deploymentHealth(obj: KubeObject): HealthAssessment {
  // A paused rollout will not progress until someone resumes it, so "Progressing" would never resolve.
  if (bool(obj, 'spec.paused') === true) return suspended('Deployment is paused');

  const generation = int(obj, 'metadata.generation') ?? 0;
  const observed = int(obj, 'status.observedGeneration') ?? 0;
  // Until the controller has seen the latest spec, every counter below describes the previous one.
  if (generation > observed) return progressing('Waiting for rollout to finish: observed deployment generation less than desired generation');

  // The controller itself decides the deadline from spec.progressDeadlineSeconds, so no clock is needed here.
  const progress = findCondition(conditions(obj), 'Progressing');
  if (progress?.reason === 'ProgressDeadlineExceeded') return degraded(`Deployment "${obj.metadata.name}" exceeded its progress deadline`);

  const desired = int(obj, 'spec.replicas');
  const replicas = int(obj, 'status.replicas') ?? 0;
  const updated = int(obj, 'status.updatedReplicas') ?? 0;
  const available = int(obj, 'status.availableReplicas') ?? 0;
  if (desired !== undefined && updated < desired) {
    return progressing(`Waiting for rollout to finish: ${updated} out of ${desired} new replicas have been updated...`);
  }
  if (replicas > updated) return progressing(`Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination...`);
  if (available < updated) return progressing(`Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`);
  return healthy();
}
