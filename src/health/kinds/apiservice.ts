/** apiregistration.k8s.io APIService: its Available condition says whether the aggregated API answers. */
import type { KubeObject } from '../../model/kube.js';
import { conditions, findCondition } from '../fields.js';
import { healthy, progressing, type HealthAssessment } from '../types.js';

export function apiServiceHealth(obj: KubeObject): HealthAssessment {
  const available = findCondition(conditions(obj), 'Available');
  if (!available) return progressing('Waiting to be processed');
  const text = `${available.reason ?? ''}: ${available.message ?? ''}`;
  // An unavailable backend is usually a Deployment still starting; gitops-engine keeps it Progressing, not Degraded.
  return available.status === 'True' ? healthy(text) : progressing(text);
}
