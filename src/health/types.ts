import type { HealthStatus } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';

export type { HealthStatus };

export interface HealthAssessment {
  health: HealthStatus;
  /** Why; "" when there is nothing to add (a healthy Deployment, a ConfigMap). */
  message: string;
}

/** One kind's rules: a pure function of the live object. */
export type HealthCheck = (obj: KubeObject) => HealthAssessment;

export function healthy(message = ''): HealthAssessment {
  return { health: 'Healthy', message };
}
export function progressing(message = ''): HealthAssessment {
  return { health: 'Progressing', message };
}
export function degraded(message = ''): HealthAssessment {
  return { health: 'Degraded', message };
}
export function suspended(message = ''): HealthAssessment {
  return { health: 'Suspended', message };
}
export function unknown(message = ''): HealthAssessment {
  return { health: 'Unknown', message };
}
