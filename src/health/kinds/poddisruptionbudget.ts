/**
 * policy/v1 PodDisruptionBudget, following Argo CD's health script: the DisruptionAllowed condition decides, and
 * InsufficientPods is Healthy because a budget that blocks all evictions is often intended (argo-cd #20171).
 */
import type { KubeObject } from '../../model/kube.js';
import { conditions } from '../fields.js';
import { degraded, healthy, progressing, type HealthAssessment } from '../types.js';

export function podDisruptionBudgetHealth(obj: KubeObject): HealthAssessment {
  let result = progressing('Waiting for status');
  for (const c of conditions(obj)) {
    const reason = c.reason ?? '';
    if (c.status === 'False' && reason !== 'InsufficientPods') return degraded(`PodDisruptionBudget has ${reason}`);
    if (c.status === 'True' || reason === 'InsufficientPods') result = healthy(`PodDisruptionBudget has ${reason}`);
  }
  return result;
}
