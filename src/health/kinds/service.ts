/** v1 Service: only a LoadBalancer waits for something (an address from the cloud provider). */
import type { KubeObject } from '../../model/kube.js';
import { list, str } from '../fields.js';
import { healthy, progressing, type HealthAssessment } from '../types.js';

export function serviceHealth(obj: KubeObject): HealthAssessment {
  if (str(obj, 'spec.type') !== 'LoadBalancer') return healthy();
  if (list(obj, 'status.loadBalancer.ingress').length > 0) return healthy();
  return progressing('Waiting for the load balancer to be assigned an address');
}
