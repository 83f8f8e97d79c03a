/**
 * `ClusterTaintPolicy` spec (policy.karmada.io/v1alpha1) and `WorkloadRebalancer` spec (apps.karmada.io/v1alpha1):
 * the CRD types and enums, plus the webhook's rule that a policy lists each taint (key and effect) once.
 */
import type { FieldPath } from '../parse/field-path.js';
import { TAINT_FIELDS } from './cluster-schema.js';
import { clusterAffinity, nonEmpty } from './selector-schemas.js';
import { enumOf, int32, listOf, objectOf, refined, required, str, type Reporter, type Schema } from './schema.js';
import { isPlainObject } from '../../util/json.js';

/** metav1.ConditionStatus: a typo such as "true" would otherwise never match and silently never taint. */
const matchCondition = objectOf({
  conditionType: required(str(nonEmpty)),
  operator: required(enumOf('In', 'NotIn')),
  statusValues: required(listOf(enumOf('True', 'False', 'Unknown'))),
});

/** On the list as written: at least one taint, and each key and effect at most once. */
function checkTaints(_value: unknown, path: FieldPath, report: Reporter, raw: unknown): void {
  const list = raw as unknown[];
  if (list.length === 0) report.error(path, 'must list at least one taint');
  const first = new Map<string, number>();
  list.forEach((t, i) => {
    if (!isPlainObject(t) || typeof t['key'] !== 'string' || typeof t['effect'] !== 'string') return;
    const id = `${t['key']}:${t['effect']}`;
    const at = first.get(id);
    if (at === undefined) first.set(id, i);
    else report.error([...path, i], `duplicate taint ${id} (also taints[${at}]); key and effect must be unique together`);
  });
}

export const clusterTaintPolicySpec = (): Schema =>
  objectOf({
    targetClusters: clusterAffinity(),
    addOnConditions: listOf(matchCondition),
    removeOnConditions: listOf(matchCondition),
    taints: required(refined(listOf(objectOf(TAINT_FIELDS)), checkTaints)),
  });

export const workloadRebalancerSpec = (): Schema =>
  objectOf({
    workloads: required(
      refined(
        listOf(objectOf({ apiVersion: required(str(nonEmpty)), kind: required(str(nonEmpty)), name: required(str(nonEmpty)), namespace: str() })),
        (_value, path, report, raw) => {
          if ((raw as unknown[]).length === 0) report.error(path, 'must list at least one workload');
        },
      ),
    ),
    ttlSecondsAfterFinished: int32(),
  });
