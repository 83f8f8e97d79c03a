/**
 * Custom resources and every kind without its own rule, kstatus-style. Controllers that follow the Kubernetes API
 * conventions say what they are doing through `status.observedGeneration` and a few well-known conditions; a kind
 * with none of them (ConfigMap, Secret, RBAC, a CRD without status) is Healthy once it exists.
 *
 * Order: stale observation, Stalled=True (Degraded), Reconciling=True, then Ready, then Available. kstatus itself
 * ignores Ready; Flux, Crossplane, cert-manager and most operators report through it, so it is honoured here, with
 * Ready=False as Progressing (kstatus reserves failure for Stalled).
 */
import type { Condition, KubeObject } from '../../model/kube.js';
import { conditionText, conditions, findCondition, int, isTrue } from '../fields.js';
import { degraded, healthy, progressing, type HealthAssessment } from '../types.js';

export function genericHealth(obj: KubeObject): HealthAssessment {
  const generation = int(obj, 'metadata.generation');
  const observed = int(obj, 'status.observedGeneration');
  if (generation !== undefined && observed !== undefined && observed < generation) {
    return progressing(`${obj.kind} generation is ${generation}, but latest observed generation is ${observed}`);
  }

  const conds = conditions(obj);
  const stalled = findCondition(conds, 'Stalled');
  if (isTrue(stalled)) return degraded(conditionText(stalled!));
  const reconciling = findCondition(conds, 'Reconciling');
  if (isTrue(reconciling)) return progressing(conditionText(reconciling!) || 'Reconciling');

  for (const type of ['Ready', 'Available']) {
    const c = findCondition(conds, type);
    if (c) return fromReadiness(c, type, generation);
  }
  return healthy();
}

function fromReadiness(c: Condition, type: string, generation: number | undefined): HealthAssessment {
  // A condition written for an older spec says nothing about the current one.
  if (generation !== undefined && typeof c.observedGeneration === 'number' && c.observedGeneration < generation) {
    return progressing(`${type} condition describes generation ${c.observedGeneration}, waiting for generation ${generation}`);
  }
  if (c.status === 'True') return healthy(conditionText(c));
  return progressing(conditionText(c) || `Waiting for ${type}`);
}
