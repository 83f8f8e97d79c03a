/**
 * ClusterTaintPolicy (Karmada v1.14+): which taints each cluster carries, from its conditions. Pure: the caller
 * passes the clock's reading. The result is what `status/clusters/<name>.yaml` records as `status.taints`.
 *
 * Karmada's rules, kept exactly:
 * - a policy applies to a cluster its `targetClusters` matches (absent: every cluster);
 * - its taints are added when every `addOnConditions` entry matches, then removed when every
 *   `removeOnConditions` entry matches, so remove wins when both do; an empty list never matches;
 * - a taint is identified by key and effect; one already present is left as it is (value and `timeAdded`);
 * - a taint is never removed because its policy was deleted or no longer targets the cluster.
 */
import type { ClusterDef, ClusterStatus, ClusterTaintPolicyDoc } from '../model/fleet.js';
import type { MatchCondition, PolicyTaint } from '../model/karmada.js';
import type { Condition, Taint } from '../model/kube.js';
import { compareStrings } from '../model/refs.js';
import { clusterMatchesAffinity } from './selectors.js';

/**
 * One condition entry: the cluster's condition of that type has a status in (In) or not in (NotIn) the values.
 * A cluster without a condition of that type matches neither operator (Karmada's reading).
 */
function conditionMatches(conditions: readonly Condition[], match: MatchCondition): boolean {
  const condition = conditions.find((c) => c.type === match.conditionType);
  if (!condition) return false;
  const listed = match.statusValues.includes(condition.status);
  return match.operator === 'In' ? listed : !listed;
}

/** Every entry matches; an empty (or absent) list never does, so a policy without it never acts that way. */
export function allConditionsMatch(conditions: readonly Condition[], matches: readonly MatchCondition[] | undefined): boolean {
  return (matches ?? []).length > 0 && matches!.every((m) => conditionMatches(conditions, m));
}

const sameTaint = (a: Pick<Taint, 'key' | 'effect'>, b: Pick<Taint, 'key' | 'effect'>): boolean => a.key === b.key && a.effect === b.effect;

function addTaints(current: Taint[], taints: readonly PolicyTaint[], now: string): Taint[] {
  const added = taints.filter((t) => !current.some((c) => sameTaint(c, t)));
  return [...current, ...added.map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect, timeAdded: now }))];
}

function removeTaints(current: Taint[], taints: readonly PolicyTaint[]): Taint[] {
  return current.filter((c) => !taints.some((t) => sameTaint(c, t)));
}

export function compareTaints(a: Taint, b: Taint): number {
  return compareStrings(a.key, b.key) || compareStrings(a.effect, b.effect) || compareStrings(a.value ?? '', b.value ?? '');
}

/** Only the fields a recorded taint has, so that a hand-edited extra field does not survive (or cause a commit). */
function recorded(t: Taint): Taint {
  return { key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect, ...(t.timeAdded ? { timeAdded: t.timeAdded } : {}) };
}

/**
 * The taints one cluster carries after applying the policies (in name order) to its conditions, sorted by key
 * and effect. `current` is what was recorded before; `now` stamps the taints added this time.
 */
export function nextClusterTaints(
  cluster: ClusterDef,
  conditions: readonly Condition[],
  current: readonly Taint[],
  policies: readonly ClusterTaintPolicyDoc[],
  now: string,
): Taint[] {
  let taints = current.map(recorded);
  const ordered = [...policies].sort((a, b) => compareStrings(a.name, b.name));
  for (const policy of ordered) {
    if (policy.spec.targetClusters && !clusterMatchesAffinity(cluster, policy.spec.targetClusters)) continue;
    if (allConditionsMatch(conditions, policy.spec.addOnConditions)) taints = addTaints(taints, policy.spec.taints, now);
    if (allConditionsMatch(conditions, policy.spec.removeOnConditions)) taints = removeTaints(taints, policy.spec.taints);
  }
  return taints.sort(compareTaints);
}

/** `nextClusterTaints` for every cluster, from the statuses about to be recorded (a cluster without one has no conditions). */
export function nextFleetTaints(
  clusters: readonly ClusterDef[],
  statuses: ReadonlyMap<string, ClusterStatus>,
  policies: readonly ClusterTaintPolicyDoc[],
  now: string,
): Map<string, Taint[]> {
  const out = new Map<string, Taint[]>();
  for (const cluster of clusters) {
    const status = statuses.get(cluster.name);
    out.set(cluster.name, nextClusterTaints(cluster, status?.conditions ?? [], status?.taints ?? [], policies, now));
  }
  return out;
}
