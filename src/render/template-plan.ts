/**
 * Everything about rendering one template that does not depend on the cluster, computed once per pass: its
 * fingerprint, a frozen base copy, the override rules that can apply, and the renderings made so far. Clusters that
 * get the same replica revision and the same override rules share one rendering; renderings from the previous pass
 * are reused when the template and all those inputs are unchanged.
 */
import type { ResourceTemplate } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import type { ObjectRef } from '../model/refs.js';
import { cloneJson, deepFreeze } from './clone.js';
import { fastContentHash, type CanonicalMemo } from './hash.js';
import { appliedOverridesAnnotation, stampInPlace } from './metadata.js';
import {
  couldMatchIgnoringLabels,
  matchTarget,
  selectorCouldMatch,
  orderMatching,
  runOverrides,
  type PreparedPolicies,
  type PreparedPolicy,
  type PreparedRule,
} from './override-policies.js';
import { manifestRelPath } from './rel-path.js';
import { dropRetainedReplicasInPlace, reviseReplicasInPlace, revisionKey, type ReplicaRevision } from './replicas.js';
import type { RuleIndex } from './rule-index.js';
import type { RenderFailure, RenderStats, TemplateCacheEntry, VariantResult } from './types.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import { writableRoot } from './writable.js';

/** Up to this many candidate rules, a cluster's rules are found by testing each; beyond, through the rule index. */
const SCAN_LIMIT = 16;

export interface TemplatePlan {
  template: ResourceTemplate;
  /** A copy: rendered objects are frozen, the fleet's own ref must not be. */
  ref: ObjectRef;
  relPath: string;
  fingerprint: string;
  /** Rules of the matching ClusterOverridePolicies, then of the candidate OverridePolicies, in application order. */
  rules: PreparedRule[];
  /** How many of `rules` belong to ClusterOverridePolicies. */
  clusterRuleCount: number;
  /** Position in `rules` by rule id. */
  positions: Map<number, number>;
  /** Positions of the rules without targetCluster, ascending. */
  everywhere: number[];
  /** OverridePolicies of the namespace that may match (re-matched after the cluster policies ran). */
  namespaceCandidates: PreparedPolicy[];
  previous: TemplateCacheEntry | undefined;
  /** This pass's renderings by a cheap per-pass key. */
  local: Map<string, VariantResult>;
  /** This pass's renderings by their stable key, for the next cache. */
  variants: Map<string, VariantResult>;
  /** Frozen copy of the template that renderings share unchanged subtrees with; made on first use. */
  base: KubeObject | undefined;
}

export function templateFingerprint(template: ResourceTemplate): string {
  return fastContentHash([template.source.file, template.namespaced, template.object]);
}

export function planTemplate(
  template: ResourceTemplate,
  fingerprint: string,
  policies: PreparedPolicies,
  index: RuleIndex,
  previous: TemplateCacheEntry | undefined,
): TemplatePlan {
  const ref = { ...template.ref };
  const target = matchTarget(ref, template.object.metadata.labels);
  const clusterRules = orderMatching(policies.clusterScoped, target).flatMap((p) => p.rules);
  let namespaceCandidates: PreparedPolicy[] = [];
  if (ref.namespace !== '') {
    const inNamespace = policies.byNamespace.get(ref.namespace) ?? [];
    // A cluster policy that may change labels can make a label-selecting OverridePolicy match: keep all of those.
    const labelsMayChange = clusterRules.some((r) => r.mayTouchLabels);
    const selectsByLabel = inNamespace.some((p) => p.selectors.some((s) => s.labelSelector && !s.name && selectorCouldMatch(s, ref)));
    namespaceCandidates = labelsMayChange && selectsByLabel ? inNamespace.filter((p) => couldMatchIgnoringLabels(p, ref)) : orderMatching(inNamespace, target);
  }
  const rules = [...clusterRules, ...namespaceCandidates.flatMap((p) => p.rules)];
  const positions = new Map(rules.map((r, i) => [r.id, i]));
  return {
    template,
    ref,
    relPath: manifestRelPath(ref),
    fingerprint,
    rules,
    clusterRuleCount: clusterRules.length,
    positions,
    everywhere: rules.flatMap((r, i) => (index.untargeted.has(r.id) ? [i] : [])),
    namespaceCandidates,
    previous: previous?.fingerprint === fingerprint ? previous : undefined,
    local: new Map(),
    variants: new Map(),
    base: undefined,
  };
}

/** Positions in plan.rules of the rules that target `cluster`, ascending. */
function rulesFor(plan: TemplatePlan, index: RuleIndex, cluster: number): number[] {
  if (plan.rules.length <= SCAN_LIMIT) {
    const out: number[] = [];
    plan.rules.forEach((r, i) => {
      if (index.applies(r, cluster)) out.push(i);
    });
    return out;
  }
  const out = [...plan.everywhere];
  for (const id of index.targeted(cluster)) {
    const position = plan.positions.get(id);
    if (position !== undefined) out.push(position);
  }
  return out.sort((a, b) => a - b);
}

export interface RenderContext {
  index: RuleIndex;
  stats: RenderStats;
  memo: CanonicalMemo;
  interpreter?: ResourceInterpreter;
}

/** The rendering of `plan`'s template on one cluster; `policy` is the `flotilla.dev/policy` annotation ("" for none). */
export function renderVariant(plan: TemplatePlan, revision: ReplicaRevision | undefined, policy: string, cluster: number, ctx: RenderContext): VariantResult {
  const rev = revisionKey(revision);
  const positions = rulesFor(plan, ctx.index, cluster);
  let localKey = `${policy}\u0001${rev}\u0001`;
  for (const p of positions) localKey += `${p},`;
  const shared = plan.local.get(localKey);
  if (shared) return shared;

  const applicable = positions.map((p) => plan.rules[p]!);
  const split = positions.findIndex((p) => p >= plan.clusterRuleCount);
  const clusterRules = split < 0 ? applicable : applicable.slice(0, split);
  const namespaceRules = split < 0 ? [] : applicable.slice(split);
  const stableKey = `${policy}\u0001${rev}\u0001${clusterRules.map((r) => r.fingerprint).join(',')}|${namespaceRules.map((r) => r.fingerprint).join(',')}`;
  let result = plan.previous?.variants.get(stableKey);
  if (result) {
    ctx.stats.reused++;
  } else {
    ctx.stats.computed++;
    const namespaceIds = new Set(namespaceRules.map((r) => r.id));
    result = compute(plan, revision, policy, clusterRules, (rule) => namespaceIds.has(rule.id), ctx);
  }
  plan.local.set(localKey, result);
  plan.variants.set(stableKey, result);
  return result;
}

function withNamespace(obj: KubeObject, namespace: string): KubeObject {
  if (namespace && obj.metadata.namespace === undefined) obj.metadata.namespace = namespace;
  return obj;
}

function compute(
  plan: TemplatePlan,
  revision: ReplicaRevision | undefined,
  policy: string,
  clusterRules: readonly PreparedRule[],
  namespaceRuleApplies: (rule: PreparedRule) => boolean,
  ctx: RenderContext,
): VariantResult {
  // The fleet's template is never frozen or changed: renderings share a private frozen copy, which carries its
  // namespace even if the template did not spell it out.
  plan.base ??= deepFreeze(withNamespace(cloneJson(plan.template.object), plan.ref.namespace));
  let working = writableRoot(plan.base);
  if (revision?.scripted) {
    const revised = reviseByScript(plan, revision.scripted.replicas, ctx.interpreter);
    if ('failure' in revised) return { failure: revised.failure };
    working = revised.object;
  }
  reviseReplicasInPlace(working, revision);
  const run = runOverrides(working, plan.ref, clusterRules, plan.namespaceCandidates, namespaceRuleApplies);
  if (run.failure) return { failure: run.failure };
  const object = writableRoot(run.object);
  dropRetainedReplicasInPlace(object);
  const source = plan.template.source.file;
  const appliedJson = run.applied.length > 0 ? appliedOverridesAnnotation(run.applied) : undefined;
  const hash = stampInPlace(object, { source, policy, applied: run.applied }, ctx.memo, appliedJson);
  return { rendered: deepFreeze({ ref: plan.ref, object, hash, sourceFile: source, relPath: plan.relPath }) };
}

/** The template (namespace filled in) with the cluster's share written by the kind's ReviseReplica script. */
function reviseByScript(plan: TemplatePlan, replicas: number, interpreter: ResourceInterpreter | undefined): { object: KubeObject } | { failure: RenderFailure } {
  const outcome = interpreter?.reviseReplica(withNamespace(cloneJson(plan.template.object), plan.ref.namespace), replicas);
  if (outcome?.value) return { object: outcome.value };
  const message = outcome?.error.message ?? 'no ReviseReplica script';
  return { failure: { policyKey: '', field: '', message, ...(outcome?.error ? { problem: outcome.error } : {}) } };
}
