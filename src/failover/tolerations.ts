/**
 * The tolerations a policy is evicted by, and the NoExecute taints a cluster carries.
 */
import type { ClusterDef, ClusterStatus, FleetSettings } from '../model/fleet.js';
import type { Placement } from '../model/karmada.js';
import { firstTaintPerKeyAndEffect, type Taint, type Toleration } from '../model/kube.js';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from '../model/constants.js';

/**
 * The policy's `clusterTolerations` plus what Karmada's webhook adds (like Kubernetes' DefaultTolerationSeconds
 * admission plugin): a not-ready and an unreachable NoExecute toleration with the fleet's default seconds, each only
 * when no listed toleration already covers that key with effect NoExecute (an empty key or effect covers it too).
 */
export function effectiveTolerations(policy: { placement: Pick<Placement, 'clusterTolerations'> }, settings: Pick<FleetSettings, 'defaultTolerationSeconds'>): Toleration[] {
  const listed = policy.placement.clusterTolerations ?? [];
  const covers = (key: string) => listed.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
  const defaults = [TAINT_NOT_READY, TAINT_UNREACHABLE]
    .filter((key) => !covers(key))
    .map((key): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: settings.defaultTolerationSeconds }));
  return [...listed, ...defaults];
}

/** The NoExecute taints on a cluster: declared ones (clusters/) first, then those recorded in its status file. */
export function noExecuteTaints(def: ClusterDef, status: ClusterStatus | undefined): Taint[] {
  return firstTaintPerKeyAndEffect([...(def.spec.taints ?? []), ...(status?.taints ?? [])]).filter((t) => t.effect === 'NoExecute');
}

/**
 * Key of the `firstSeenMs` map `timedEvictions` takes: a taint is one per cluster, key and effect (its value does
 * not make it another taint).
 */
export function taintSeenKey(cluster: string, taint: Pick<Taint, 'key' | 'effect'>): string {
  return `${cluster}/${taint.key}:${taint.effect}`;
}
