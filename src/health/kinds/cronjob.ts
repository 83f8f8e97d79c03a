/**
 * batch/v1 CronJob, following Argo CD's built-in health script. The status says nothing about missed schedules,
 * so a CronJob that is not running and whose last run succeeded (or that never ran) is Healthy.
 */
import type { KubeObject } from '../../model/kube.js';
import { bool, compareTimes, get, list, str } from '../fields.js';
import { degraded, healthy, progressing, suspended, type HealthAssessment } from '../types.js';

export function cronJobHealth(obj: KubeObject): HealthAssessment {
  if (bool(obj, 'spec.suspend') === true) return suspended('CronJob is Suspended');
  // No status at all means the controller has not processed the object yet.
  if (get(obj, 'status') === undefined) return progressing('Waiting for CronJob');

  const active = list(obj, 'status.active');
  if (active.length > 0) return progressing(`Waiting for ${active.length} Jobs to complete`);

  const lastSchedule = str(obj, 'status.lastScheduleTime');
  if (lastSchedule === undefined) return healthy();
  const lastSuccess = str(obj, 'status.lastSuccessfulTime');
  if (lastSuccess === undefined || compareTimes(lastSuccess, lastSchedule) < 0) return degraded('CronJob has not completed its last execution successfully');
  return healthy('CronJob has completed its last execution successfully');
}
