/**
 * Which override policies apply to an object on a cluster, and in which order (docs/fleet-repository.md#override-order):
 * ClusterOverridePolicies first, then OverridePolicies of the object's namespace; within each group by implicit
 * selector priority (match-all and empty selectors, then label selector, then name), ties by policy name; within a
 * policy, the rules whose targetCluster matches, in list order.
 *
 * Like Karmada, OverridePolicies are matched against the object as the ClusterOverridePolicies left it, so a label
 * added by a ClusterOverridePolicy can make an OverridePolicy apply.
 */
import type { ClusterAffinity, Overriders, ResourceSelector } from '../model/karmada.js';
import type { OverridePolicyDoc, ResourceTemplate } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import { compareStrings, type ObjectRef } from '../model/refs.js';
import { MatchLevel, bestMatchLevel } from '../match/selectors.js';
import { fastContentHash } from './hash.js';
import { OverrideFailure, describeError } from './override-failure.js';
import { applyOverridersInPlace } from './overriders.js';
import type { AppliedOverride, RenderFailure } from './types.js';
import { isPlainObject } from '../util/json.js';

export interface PreparedRule {
  /** Position in PreparedPolicies.rules. */
  id: number;
  policy: PreparedPolicy;
  /** Position in the policy's overrideRules. */
  index: number;
  targetCluster: ClusterAffinity | undefined;
  overriders: Overriders;
  /** Identity across passes: policy, its selectors, the rule's position and overriders (not its targetCluster). */
  fingerprint: string;
  /** Whether the rule could change labels (and so which OverridePolicies match afterwards). */
  mayTouchLabels: boolean;
}

export interface PreparedPolicy {
  doc: OverridePolicyDoc;
  /** `<kind>/<namespace>/<name>`. */
  key: string;
  applied: AppliedOverride;
  selectors: ResourceSelector[];
  rules: PreparedRule[];
}

export interface PreparedPolicies {
  /** ClusterOverridePolicies by name. */
  clusterScoped: PreparedPolicy[];
  /** OverridePolicies by namespace, each list by name. */
  byNamespace: Map<string, PreparedPolicy[]>;
  rules: PreparedRule[];
  byKey: Map<string, PreparedPolicy>;
}

export function preparePolicies(docs: readonly OverridePolicyDoc[]): PreparedPolicies {
  const sorted = [...docs].sort(
    (a, b) =>
      compareStrings(a.name, b.name) ||
      compareStrings(a.kind, b.kind) ||
      compareStrings(a.namespace, b.namespace) ||
      compareStrings(a.source.file, b.source.file) ||
      a.source.line - b.source.line,
  );
  const out: PreparedPolicies = { clusterScoped: [], byNamespace: new Map(), rules: [], byKey: new Map() };
  for (const doc of sorted) {
    const key = policyKey(doc);
    // Two policies with one identity are a loader error; the first by file and line is used, deterministically.
    if (out.byKey.has(key)) continue;
    const policy: PreparedPolicy = {
      doc,
      key,
      applied: doc.kind === 'OverridePolicy' ? { kind: doc.kind, namespace: doc.namespace, name: doc.name } : { kind: doc.kind, name: doc.name },
      selectors: doc.spec.resourceSelectors ?? [],
      rules: [],
    };
    rulesOf(doc).forEach((rule, index) => {
      const prepared: PreparedRule = {
        id: out.rules.length,
        policy,
        index,
        targetCluster: rule.targetCluster,
        overriders: rule.overriders ?? {},
        fingerprint: fastContentHash([key, policy.selectors, index, rule.overriders ?? {}]),
        mayTouchLabels: mayTouchLabels(rule.overriders ?? {}),
      };
      policy.rules.push(prepared);
      out.rules.push(prepared);
    });
    out.byKey.set(key, policy);
    if (doc.kind === 'ClusterOverridePolicy') {
      out.clusterScoped.push(policy);
    } else {
      const list = out.byNamespace.get(doc.namespace) ?? [];
      list.push(policy);
      out.byNamespace.set(doc.namespace, list);
    }
  }
  return out;
}

export function policyKey(doc: Pick<OverridePolicyDoc, 'kind' | 'namespace' | 'name'>): string {
  return `${doc.kind}/${doc.namespace}/${doc.name}`;
}

/** The loader turns the deprecated single-rule form into overrideRules; it is honoured here too, as Karmada does. */
function rulesOf(doc: OverridePolicyDoc): { targetCluster?: ClusterAffinity; overriders?: Overriders }[] {
  const rules = doc.spec.overrideRules ?? [];
  if (rules.length > 0 || !doc.spec.overriders) return rules;
  return [{ targetCluster: doc.spec.targetCluster, overriders: doc.spec.overriders }];
}

function mayTouchLabels(o: Overriders): boolean {
  return (
    (o.labelsOverrider?.length ?? 0) > 0 ||
    (o.plaintext?.length ?? 0) > 0 ||
    (o.fieldOverrider?.length ?? 0) > 0 ||
    (o.imageOverrider ?? []).some((i) => i.predicate !== undefined)
  );
}

/** What selector matching looks at: the identity and the labels. */
export function matchTarget(ref: ObjectRef, labels: Record<string, string> | undefined): ResourceTemplate {
  return {
    ref,
    object: { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, labels } },
    source: { file: '', line: 0, column: 0 },
    namespaced: ref.namespace !== '',
  };
}

/** Empty or missing resourceSelectors match everything at the lowest priority (Karmada's PriorityMatchAll). */
export function policyMatchLevel(policy: PreparedPolicy, target: ResourceTemplate): MatchLevel {
  if (policy.selectors.length === 0) return MatchLevel.MatchAll;
  return bestMatchLevel(target, policy.selectors);
}

/** The policies that match, generic first; the input must be sorted by name (ties keep it). */
export function orderMatching(policies: readonly PreparedPolicy[], target: ResourceTemplate): PreparedPolicy[] {
  const matched: { policy: PreparedPolicy; level: MatchLevel }[] = [];
  for (const policy of policies) {
    const level = policyMatchLevel(policy, target);
    if (level !== MatchLevel.MisMatch) matched.push({ policy, level });
  }
  return matched.sort((a, b) => a.level - b.level).map((m) => m.policy);
}

/** Whether a selector could match `ref` with some labels. */
export function selectorCouldMatch(s: ResourceSelector, ref: ObjectRef): boolean {
  return s.apiVersion === ref.apiVersion && s.kind === ref.kind && (!s.namespace || s.namespace === ref.namespace) && (!s.name || s.name === ref.name);
}

/** Whether a policy could match `ref` with some labels: its selectors ignoring label selectors. */
export function couldMatchIgnoringLabels(policy: PreparedPolicy, ref: ObjectRef): boolean {
  return policy.selectors.length === 0 || policy.selectors.some((s) => selectorCouldMatch(s, ref));
}

export interface OverrideRun {
  object: KubeObject;
  applied: AppliedOverride[];
  failure?: RenderFailure;
}

/**
 * Applies `clusterRules` in order, then matches `namespaceCandidates` (sorted by name) against the object as it is
 * now and applies their rules for which `applies` holds. `obj` is changed in place: pass a copy.
 */
export function runOverrides(
  obj: KubeObject,
  ref: ObjectRef,
  clusterRules: readonly PreparedRule[],
  namespaceCandidates: readonly PreparedPolicy[],
  applies: (rule: PreparedRule) => boolean,
): OverrideRun {
  const applied: AppliedOverride[] = [];
  let current = obj;
  let last: PreparedPolicy | undefined;
  const apply = (rule: PreparedRule): RenderFailure | undefined => {
    try {
      current = applyOverridersInPlace(current, rule.overriders);
    } catch (err) {
      return failureOf(rule, err);
    }
    const changed = identityChange(current, ref);
    if (changed) return failureOf(rule, new OverrideFailure('', changed));
    if (last !== rule.policy) applied.push(rule.policy.applied);
    last = rule.policy;
    return undefined;
  };
  for (const rule of clusterRules) {
    const failure = apply(rule);
    if (failure) return { object: current, applied, failure };
  }
  if (ref.namespace !== '' && namespaceCandidates.length > 0) {
    const target = matchTarget(ref, current.metadata.labels);
    for (const policy of orderMatching(namespaceCandidates, target)) {
      for (const rule of policy.rules) {
        if (!applies(rule)) continue;
        const failure = apply(rule);
        if (failure) return { object: current, applied, failure };
      }
    }
  }
  return { object: current, applied };
}

function failureOf(rule: PreparedRule, err: unknown): RenderFailure {
  const base = `spec.overrideRules[${rule.index}].overriders`;
  const field = err instanceof OverrideFailure && err.field ? `${base}.${err.field}` : base;
  return { policyKey: rule.policy.key, field, message: describeError(err) };
}

/** Overrides may change anything but what the object is: its apiVersion, kind, name and namespace. */
function identityChange(obj: unknown, ref: ObjectRef): string | null {
  if (!isPlainObject(obj) || !isPlainObject(obj.metadata)) return 'the result is not a Kubernetes object';
  const meta = obj.metadata;
  if (obj.apiVersion !== ref.apiVersion || obj.kind !== ref.kind || meta.name !== ref.name || (meta.namespace ?? '') !== ref.namespace) {
    return 'overrides must not change apiVersion, kind, metadata.name or metadata.namespace';
  }
  return null;
}
