/**
 * autoscaling HorizontalPodAutoscaler (v1, v2). Follows Argo CD's current rules: every condition is checked for a
 * failure first (argo-cd #26274: a healthy AbleToScale listed before a failing ScalingActive must not win), then
 * AbleToScale=True or ScalingLimited=True is Healthy, else Progressing. autoscaling/v1 carries its conditions as JSON
 * in an annotation the API server adds.
 */
import type { Condition, KubeObject } from '../../model/kube.js';
import { checkedCondition, conditions, HealthInputError } from '../fields.js';
import { degraded, healthy, progressing, type HealthAssessment } from '../types.js';

const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
const WAITING = 'Waiting to Autoscale';

/** Reasons the HPA controller gives when it cannot read the target or its metrics; waiting will not fix them. */
const FAILING: Record<string, (reason: string) => boolean> = {
  AbleToScale: (r) => r === 'FailedGetScale' || r === 'FailedUpdateScale',
  ScalingActive: (r) => /^FailedGet\w*Metric$/.test(r) || r === 'InvalidSelector' || r === 'InvalidMetricSourceType' || r === 'AmbiguousSelector',
};

export function horizontalPodAutoscalerHealth(obj: KubeObject): HealthAssessment {
  const conds = obj.apiVersion === 'autoscaling/v1' ? annotationConditions(obj) : conditions(obj);
  if (conds.length === 0) return progressing(WAITING);
  const failing = conds.find((c) => FAILING[c.type]?.(c.reason ?? '') === true);
  if (failing) return degraded(failing.message ?? failing.reason ?? '');
  const ok = conds.find((c) => (c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True');
  if (ok) return healthy(ok.message ?? '');
  return progressing(WAITING);
}

function annotationConditions(obj: KubeObject): Condition[] {
  const raw = obj.metadata.annotations?.[CONDITIONS_ANNOTATION];
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HealthInputError(`metadata.annotations["${CONDITIONS_ANNOTATION}"]: not valid JSON`);
  }
  if (!Array.isArray(parsed)) throw new HealthInputError(`metadata.annotations["${CONDITIONS_ANNOTATION}"]: expected a list of conditions`);
  return parsed.map((c, i) => checkedCondition(c, `metadata.annotations["${CONDITIONS_ANNOTATION}"][${i}]`));
}
