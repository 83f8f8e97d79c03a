/** Overrides for one object on one cluster, outside a full render (CLI explanations, tests). */
import type { ClusterDef, OverridePolicyDoc } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import { problemAt } from '../model/problem.js';
import { formatRef, type ObjectRef } from '../model/refs.js';
import { clusterMatchesAffinity } from '../match/selectors.js';
import { cloneJson } from './clone.js';
import { matchTarget, orderMatching, preparePolicies, runOverrides, type PreparedRule } from './override-policies.js';
import type { OverrideOutcome } from './types.js';

/**
 * Applies the matching policies among `policies` to a copy of `template` for `cluster`, in Karmada's order. The
 * template is never changed. On failure, `error` names the policy's file and line, the template and the cluster.
 */
export function applyOverrides(template: KubeObject, cluster: ClusterDef, policies: OverridePolicyDoc[]): OverrideOutcome {
  const prepared = preparePolicies(policies);
  const ref: ObjectRef = {
    apiVersion: template.apiVersion,
    kind: template.kind,
    namespace: template.metadata.namespace ?? '',
    name: template.metadata.name,
  };
  const applies = (rule: PreparedRule): boolean => clusterMatchesAffinity(cluster, rule.targetCluster);
  const clusterRules = orderMatching(prepared.clusterScoped, matchTarget(ref, template.metadata.labels))
    .flatMap((p) => p.rules)
    .filter(applies);
  const candidates = ref.namespace ? (prepared.byNamespace.get(ref.namespace) ?? []) : [];
  const run = runOverrides(cloneJson(template), ref, clusterRules, candidates, applies);
  if (!run.failure) return { object: run.object, applied: run.applied };
  const source = prepared.byKey.get(run.failure.policyKey)!.doc.source;
  const message = `${run.failure.field}: cannot override ${formatRef(ref)} for cluster ${cluster.name}: ${run.failure.message}`;
  return { object: cloneJson(template), applied: run.applied, error: problemAt(source, message) };
}
