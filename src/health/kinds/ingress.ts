/** networking.k8s.io/v1 Ingress: as in Argo CD, Progressing until the ingress controller publishes an address. */
import type { KubeObject } from '../../model/kube.js';
import { list } from '../fields.js';
import { healthy, progressing, type HealthAssessment } from '../types.js';

export function ingressHealth(obj: KubeObject): HealthAssessment {
  if (list(obj, 'status.loadBalancer.ingress').length > 0) return healthy();
  return progressing('Waiting for the ingress controller to publish an address');
}
