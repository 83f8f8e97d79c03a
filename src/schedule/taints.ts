/** Cluster taints (declared and derived from status) and Kubernetes toleration matching. */
import type { ClusterStatus } from '../model/fleet.js';
import type { Taint, Toleration } from '../model/kube.js';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from '../model/constants.js';

/**
 * Karmada's cluster controller taints a cluster whose Ready condition is False (not-ready) or Unknown
 * (unreachable) with NoSchedule. A cluster without a status file, or without a Ready condition, has neither.
 */
export function systemTaints(status: ClusterStatus | undefined): Taint[] {
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'False') return [{ key: TAINT_NOT_READY, effect: 'NoSchedule' }];
  if (ready?.status === 'Unknown') return [{ key: TAINT_UNREACHABLE, effect: 'NoSchedule' }];
  return [];
}

/** Kubernetes `Toleration.ToleratesTaint`: empty effect matches every effect, empty key with Exists every key. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  const operator = toleration.operator ?? 'Equal';
  if (operator === 'Exists') return true;
  if (operator === 'Equal') return (toleration.value ?? '') === (taint.value ?? '');
  return false;
}

/** The first NoSchedule/NoExecute taint no toleration tolerates; PreferNoSchedule never blocks placement. */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | null {
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerations.some((t) => toleratesTaint(t, taint))) return taint;
  }
  return null;
}

export function formatTaint(taint: Taint): string {
  return taint.value ? `${taint.key}=${taint.value}:${taint.effect}` : `${taint.key}:${taint.effect}`;
}
