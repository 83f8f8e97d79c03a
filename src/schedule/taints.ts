/** Cluster taints (declared and derived from status) and Kubernetes toleration matching. */
import type { ClusterStatus } from '../model/fleet.js';
import type { Taint, Toleration } from '../model/kube.js';
import type { Placement } from '../model/karmada.js';
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

export interface EffectiveTolerations {
  /** The policy's own tolerations, then the defaulted ones: the order Karmada's webhook leaves them in. */
  all: Toleration[];
  /** The tolerations added because the policy does not list them itself. */
  defaulted: Toleration[];
}

/**
 * Kubernetes `Toleration.MatchToleration`: two tolerations are the same entry when key, operator, value and effect
 * are equal (tolerationSeconds aside). So a not-ready toleration for NoSchedule, or one with operator Equal, or an
 * empty-key Exists toleration does not stop the default from being added.
 */
function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

/**
 * The tolerations scheduling and eviction use: Karmada's propagation policy webhook appends
 * `{key: not-ready|unreachable, operator: Exists, effect: NoExecute, tolerationSeconds}` to every policy that does
 * not already list that exact toleration (helper.AddTolerations). `tolerationSeconds` is fleet.yaml's
 * `spec.failover.defaultTolerationSeconds`.
 */
export function effectiveTolerations(placement: Placement, defaultSeconds: number): EffectiveTolerations {
  const own = placement.clusterTolerations ?? [];
  const defaulted = [TAINT_NOT_READY, TAINT_UNREACHABLE]
    .map((key): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultSeconds }))
    .filter((d) => !own.some((t) => sameToleration(t, d)));
  return { all: [...own, ...defaulted], defaulted };
}

/** The first NoExecute taint no toleration tolerates: the cluster must be left at once (Karmada's taint manager). */
export function findUntoleratedNoExecuteTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | null {
  return findUntoleratedTaint(
    taints.filter((t) => t.effect === 'NoExecute'),
    tolerations,
  );
}

export function formatToleration(t: Toleration): string {
  const operator = t.operator ?? 'Equal';
  const what = operator === 'Exists' ? `${t.key || '*'} Exists` : `${t.key ?? ''}=${t.value ?? ''}`;
  const seconds = t.tolerationSeconds !== undefined ? ` for ${t.tolerationSeconds}s` : '';
  return `${what}:${t.effect || '*'}${seconds}`;
}
