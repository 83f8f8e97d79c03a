/** v1 PersistentVolumeClaim (gitops-engine's rules). */
import type { KubeObject } from '../../model/kube.js';
import { str } from '../fields.js';
import { degraded, healthy, progressing, unknown, type HealthAssessment } from '../types.js';

export function persistentVolumeClaimHealth(obj: KubeObject): HealthAssessment {
  const phase = str(obj, 'status.phase');
  switch (phase) {
    case 'Bound':
      return healthy();
    case 'Pending':
      return progressing('Waiting for the claim to be bound');
    case 'Lost':
      // The bound volume is gone; the data will not come back by waiting.
      return degraded('The claim lost its volume');
    default:
      return unknown(phase === undefined ? 'No phase reported' : `Unknown phase "${phase}"`);
  }
}
