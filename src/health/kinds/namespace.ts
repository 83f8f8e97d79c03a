/** v1 Namespace: nothing to wait for, except the end of its own termination. */
import type { KubeObject } from '../../model/kube.js';
import { str } from '../fields.js';
import { healthy, progressing, type HealthAssessment } from '../types.js';

export function namespaceHealth(obj: KubeObject): HealthAssessment {
  if (str(obj, 'status.phase') === 'Terminating') return progressing('Namespace is terminating');
  return healthy();
}
