/** apps/v1 StatefulSet (gitops-engine's rules, from kubectl's `rollout status`). */
import type { KubeObject } from '../../model/kube.js';
import { int, obj as objectAt, str } from '../fields.js';
import { healthy, progressing, type HealthAssessment } from '../types.js';

export function statefulSetHealth(obj: KubeObject): HealthAssessment {
  const generation = int(obj, 'metadata.generation') ?? 0;
  const observed = int(obj, 'status.observedGeneration') ?? 0;
  // observedGeneration 0 means the controller has not looked at the object at all yet.
  if (observed === 0 || generation > observed) return progressing('Waiting for statefulset spec update to be observed...');

  const desired = int(obj, 'spec.replicas');
  const ready = int(obj, 'status.readyReplicas') ?? 0;
  if (desired !== undefined && ready < desired) return progressing(`Waiting for ${desired - ready} pods to be ready...`);

  const strategy = str(obj, 'spec.updateStrategy.type');
  const updated = int(obj, 'status.updatedReplicas') ?? 0;
  if (strategy === 'RollingUpdate' && objectAt(obj, 'spec.updateStrategy.rollingUpdate') !== undefined) {
    // Pods below the partition keep the old revision on purpose; only the ones above it must be updated.
    const partition = int(obj, 'spec.updateStrategy.rollingUpdate.partition');
    if (desired !== undefined && partition !== undefined && updated < desired - partition) {
      return progressing(`Waiting for partitioned roll out to finish: ${updated} out of ${desired - partition} new pods have been updated...`);
    }
    return healthy(`partitioned roll out complete: ${updated} new pods have been updated...`);
  }
  // With OnDelete nothing rolls until someone deletes pods, so ready replicas are all that can be asked for.
  if (strategy === 'OnDelete') return healthy(`statefulset has ${ready} ready pods`);

  const updateRevision = str(obj, 'status.updateRevision') ?? '';
  const currentRevision = str(obj, 'status.currentRevision') ?? '';
  if (updateRevision !== currentRevision) {
    return progressing(`waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...`);
  }
  const current = int(obj, 'status.currentReplicas') ?? 0;
  return healthy(`statefulset rolling update complete ${current} pods at revision ${currentRevision}...`);
}

