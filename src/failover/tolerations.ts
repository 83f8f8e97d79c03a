/**
 * The NoExecute taints a cluster carries (the tolerations they are checked against are the scheduler's
 * effectiveTolerations, Karmada's webhook defaults included).
 */
import type { ClusterDef, ClusterStatus } from '../model/fleet.js';
import { firstTaintPerKeyAndEffect, type Taint } from '../model/kube.js';

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
