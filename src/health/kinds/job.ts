/**
 * batch/v1 Job. Argo CD's rules, with two deliberate differences: only conditions whose status is True count (a
 * `Suspended=False` condition, left behind when a Job is resumed, means it is running again, where Argo CD would call
 * it Healthy), and `spec.suspend` is honoured before the controller has written its Suspended condition.
 */
import type { KubeObject } from '../../model/kube.js';
import { bool, conditionText, conditions, findCondition, int, isTrue } from '../fields.js';
import { degraded, healthy, progressing, suspended, type HealthAssessment } from '../types.js';

export function jobHealth(obj: KubeObject): HealthAssessment {
  const conds = conditions(obj);
  // FailureTarget (Kubernetes ≥ 1.31) is set once the failure is decided, while pods are still being terminated.
  const failed = [findCondition(conds, 'Failed'), findCondition(conds, 'FailureTarget')].find(isTrue);
  if (failed) return degraded(conditionText(failed) || 'Job failed');

  const complete = findCondition(conds, 'Complete');
  if (isTrue(complete)) return healthy(complete?.message ?? '');

  const suspendedCond = findCondition(conds, 'Suspended');
  if (isTrue(suspendedCond)) return suspended(suspendedCond?.message || 'Job is suspended');
  if (bool(obj, 'spec.suspend') === true) return suspended('Job is suspended');

  const active = int(obj, 'status.active') ?? 0;
  const succeeded = int(obj, 'status.succeeded') ?? 0;
  const failedPods = int(obj, 'status.failed') ?? 0;
  return progressing(`Job is running: ${active} active, ${succeeded} succeeded, ${failedPods} failed`);
}
