/** apps/v1 DaemonSet (gitops-engine's rules, from kubectl's `rollout status`). */
import type { KubeObject } from '../../model/kube.js';
import { int, str } from '../fields.js';
import { healthy, progressing, type HealthAssessment } from '../types.js';

export function daemonSetHealth(obj: KubeObject): HealthAssessment {
  const generation = int(obj, 'metadata.generation') ?? 0;
  const observed = int(obj, 'status.observedGeneration') ?? 0;
  if (generation > observed) return progressing('Waiting for rollout to finish: observed daemon set generation less than desired generation');

  const desired = int(obj, 'status.desiredNumberScheduled') ?? 0;
  const updated = int(obj, 'status.updatedNumberScheduled') ?? 0;
  // With OnDelete, old pods stay until someone deletes them; that is the chosen steady state, not a stuck rollout.
  if (str(obj, 'spec.updateStrategy.type') === 'OnDelete') return healthy(`daemon set ${updated} out of ${desired} new pods have been updated`);

  const name = obj.metadata.name;
  if (updated < desired) return progressing(`Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`);
  const available = int(obj, 'status.numberAvailable') ?? 0;
  if (available < desired) return progressing(`Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`);
  return healthy();
}
