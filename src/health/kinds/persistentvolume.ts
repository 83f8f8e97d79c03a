/**
 * v1 PersistentVolume. Argo CD has no rule for it; this uses the phases Karmada aggregates on: Failed (reclamation
 * failed) is Degraded, Pending is Progressing, and Available, Bound and Released are steady states.
 */
import type { KubeObject } from '../../model/kube.js';
import { str } from '../fields.js';
import { degraded, healthy, progressing, type HealthAssessment } from '../types.js';

export function persistentVolumeHealth(obj: KubeObject): HealthAssessment {
  const phase = str(obj, 'status.phase');
  if (phase === 'Failed') return degraded(str(obj, 'status.message') ?? 'Volume reclamation failed');
  if (phase === 'Pending') return progressing('Waiting for the volume to become available');
  return healthy();
}
