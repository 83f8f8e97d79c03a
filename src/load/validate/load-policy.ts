/**
 * policies/: Karmada PropagationPolicy, ClusterPropagationPolicy, OverridePolicy, ClusterOverridePolicy,
 * ClusterTaintPolicy and WorkloadRebalancer. A valid policy gets Karmada's defaults. An invalid propagation policy
 * is kept aside with whatever selectors could be read, so the resources it names keep their placement; any other
 * invalid policy is left out.
 */
import type {
  ClusterTaintPolicyDoc,
  InvalidPolicyDoc,
  OverridePolicyDoc,
  OverridePolicyKind,
  PropagationPolicyDoc,
  PropagationPolicyKind,
  WorkloadRebalancerDoc,
} from '../../model/fleet.js';
import type { ClusterTaintPolicySpec, OverrideSpec, PropagationSpec, ResourceSelector, WorkloadRebalancerSpec } from '../../model/karmada.js';
import type { SourceLocation } from '../../model/problem.js';
import type { DocContext } from './doc-context.js';
import { applyOverrideDefaults, applyPropagationDefaults } from './defaults.js';
import { dns1123SubdomainProblem } from './k8s-syntax.js';
import { readLabelsAndAnnotations, type DocHeader } from './object-header.js';
import { overrideSpec } from './override-schema.js';
import { checkOverrideRules, checkPropagationRules } from './policy-rules.js';
import { propagationSpec } from './propagation-schema.js';
import { labelSelector } from './selector-schemas.js';
import { clusterTaintPolicySpec, workloadRebalancerSpec } from './taint-policy-schema.js';
import { readValue, type Reporter } from './schema.js';
import { checkRootFields } from './root-fields.js';
import { type JsonObject, isPlainObject } from '../../util/json.js';

export const POLICY_GROUP = 'policy.karmada.io';
export const POLICY_API_VERSION = 'policy.karmada.io/v1alpha1';
export const PROPAGATION_KINDS: readonly string[] = ['PropagationPolicy', 'ClusterPropagationPolicy'];
export const OVERRIDE_KINDS: readonly string[] = ['OverridePolicy', 'ClusterOverridePolicy'];
export const TAINT_POLICY_KIND = 'ClusterTaintPolicy';
export const APPS_GROUP = 'apps.karmada.io';
export const REBALANCER_KIND = 'WorkloadRebalancer';
const REBALANCER_API_VERSION = 'apps.karmada.io/v1alpha1';
/** Karmada's webhook limit: a PropagationPolicy's name ends up in label values. */
const PROPAGATION_NAME_MAX = 63;

export type PolicyOutcome =
  | { type: 'propagation'; doc: PropagationPolicyDoc }
  | { type: 'invalid-propagation'; doc: InvalidPolicyDoc }
  | { type: 'override'; doc: OverridePolicyDoc }
  | { type: 'invalid-override'; doc: InvalidOverrideRef }
  | { type: 'taint'; doc: ClusterTaintPolicyDoc }
  | { type: 'rebalancer'; doc: WorkloadRebalancerDoc }
  /** An invalid ClusterTaintPolicy or WorkloadRebalancer: reported, and nothing depends on it being there. */
  | { type: 'unused' };

/**
 * An override policy that cannot be used. Applying the fleet without it would silently drop what it changes
 * (a registry mirror, a replica count), so the templates it selects are held instead: Karmada likewise keeps
 * the last Work when an override fails. `resourceSelectors: null` means it could not be read: all in scope.
 */
export interface InvalidOverrideRef {
  kind: OverridePolicyKind;
  name: string;
  namespace: string;
  resourceSelectors: ResourceSelector[] | null;
  source: SourceLocation;
}

export function isPolicyKind(group: string, kind: string): boolean {
  if (group === APPS_GROUP) return kind === REBALANCER_KIND;
  return group === POLICY_GROUP && (PROPAGATION_KINDS.includes(kind) || OVERRIDE_KINDS.includes(kind) || kind === TAINT_POLICY_KIND);
}

function policyNamespace(ctx: DocContext, header: { kind: string; namespace: string | undefined }): string {
  const namespaced = header.kind === 'PropagationPolicy' || header.kind === 'OverridePolicy';
  if (namespaced) return header.namespace ?? 'default';
  if (header.namespace !== undefined) ctx.warning(['metadata', 'namespace'], `${header.kind} is cluster-scoped; the namespace is ignored`);
  return '';
}

export function loadPolicy(ctx: DocContext, header: DocHeader): PolicyOutcome {
  const kind = header.kind;
  checkRootFields(ctx, header.object, 'error');
  const apiVersion = kind === REBALANCER_KIND ? REBALANCER_API_VERSION : POLICY_API_VERSION;
  if (header.apiVersion !== apiVersion) ctx.error(['apiVersion'], `expected ${apiVersion}, got ${JSON.stringify(header.apiVersion)}`);
  const nameProblem = dns1123SubdomainProblem(header.name);
  if (nameProblem) ctx.error(['metadata', 'name'], nameProblem);
  else if (PROPAGATION_KINDS.includes(kind) && header.name.length > PROPAGATION_NAME_MAX) {
    ctx.error(['metadata', 'name'], `must be at most ${PROPAGATION_NAME_MAX} characters for a ${kind}, got ${header.name.length}`);
  }
  const namespace = policyNamespace(ctx, header);
  const { labels } = readLabelsAndAnnotations(ctx);
  const rawSpec = header.object['spec'];
  if (rawSpec === undefined || rawSpec === null) ctx.error(['spec'], 'is required');
  const source = ctx.doc.source;

  if (kind === TAINT_POLICY_KIND || kind === REBALANCER_KIND) return loadClusterScopedPolicy(ctx, kind, header.name, rawSpec, source);
  if (PROPAGATION_KINDS.includes(kind)) {
    const policyKind = kind as PropagationPolicyKind;
    let spec: PropagationSpec | undefined;
    if (rawSpec !== undefined && rawSpec !== null) {
      spec = readValue(propagationSpec(), rawSpec, ['spec'], ctx) as PropagationSpec | undefined;
      if (spec && isPlainObject(rawSpec)) checkPropagationRules(spec, rawSpec, kind, namespace, ctx);
    }
    if (ctx.errorCount > 0 || !spec) {
      const resourceSelectors = readSelectorsLeniently(isPlainObject(rawSpec) ? rawSpec['resourceSelectors'] : undefined, policyKind, namespace);
      return { type: 'invalid-propagation', doc: { kind: policyKind, name: header.name, namespace, resourceSelectors, source } };
    }
    return { type: 'propagation', doc: { kind: policyKind, name: header.name, namespace, labels, spec: applyPropagationDefaults(spec, policyKind, namespace), source } };
  }

  const policyKind = kind as OverridePolicyKind;
  let spec: OverrideSpec | undefined;
  if (rawSpec !== undefined && rawSpec !== null) {
    spec = readValue(overrideSpec(), rawSpec, ['spec'], ctx) as OverrideSpec | undefined;
    if (spec) checkOverrideRules(spec, kind, namespace, ctx);
  }
  if (ctx.errorCount > 0 || !spec) {
    const raw = isPlainObject(rawSpec) ? rawSpec['resourceSelectors'] : undefined;
    const selectors = raw === undefined || raw === null ? [] : readSelectorsLeniently(raw, policyKind, namespace);
    const unreadable = raw !== undefined && raw !== null && (!Array.isArray(raw) || selectors.length < raw.length);
    return { type: 'invalid-override', doc: { kind: policyKind, name: header.name, namespace, resourceSelectors: unreadable || selectors.length === 0 ? null : selectors, source } };
  }
  return { type: 'override', doc: { kind: policyKind, name: header.name, namespace, spec: applyOverrideDefaults(spec, policyKind, namespace), source } };
}

function loadClusterScopedPolicy(ctx: DocContext, kind: string, name: string, rawSpec: unknown, source: SourceLocation): PolicyOutcome {
  if (kind === REBALANCER_KIND) {
    const spec = rawSpec == null ? undefined : (readValue(workloadRebalancerSpec(), rawSpec, ['spec'], ctx) as WorkloadRebalancerSpec | undefined);
    return ctx.errorCount > 0 || !spec ? { type: 'unused' } : { type: 'rebalancer', doc: { name, spec, source } };
  }
  const spec = rawSpec == null ? undefined : (readValue(clusterTaintPolicySpec(), rawSpec, ['spec'], ctx) as ClusterTaintPolicySpec | undefined);
  if (ctx.errorCount > 0 || !spec) return { type: 'unused' };
  if ((spec.addOnConditions ?? []).length === 0 && (spec.removeOnConditions ?? []).length === 0) {
    ctx.warning(['spec'], 'neither addOnConditions nor removeOnConditions is set: this policy never adds or removes a taint');
  }
  return { type: 'taint', doc: { name, spec, source } };
}

const SILENT: Reporter = {
  error() {
    throw new SilentFailure();
  },
  warning() {},
};

class SilentFailure extends Error {}

/**
 * Selectors of a policy that failed validation, read as generously as possible: every entry with a string
 * apiVersion and kind counts, and a label selector that cannot be read is dropped (so the selector matches more,
 * and more resources keep their previous placement rather than fewer).
 */
export function readSelectorsLeniently(raw: unknown, kind: PropagationPolicyKind | OverridePolicyKind, namespace: string): ResourceSelector[] {
  if (!Array.isArray(raw)) return [];
  const out: ResourceSelector[] = [];
  for (const item of raw) {
    if (!isPlainObject(item)) continue;
    const { apiVersion, kind: selectedKind, name } = item as JsonObject;
    if (typeof apiVersion !== 'string' || typeof selectedKind !== 'string' || apiVersion === '' || selectedKind === '') continue;
    const selector: ResourceSelector = { apiVersion, kind: selectedKind };
    const ns = typeof item['namespace'] === 'string' && item['namespace'] !== '' ? item['namespace'] : kind === 'PropagationPolicy' || kind === 'OverridePolicy' ? namespace : '';
    if (ns) selector.namespace = ns;
    if (typeof name === 'string' && name !== '') selector.name = name;
    else if (item['labelSelector'] != null) {
      try {
        const ls = readValue(labelSelector(), item['labelSelector'], [], SILENT);
        if (ls) selector.labelSelector = ls as ResourceSelector['labelSelector'] & object;
      } catch (err) {
        if (!(err instanceof SilentFailure)) throw err;
      }
    }
    out.push(selector);
  }
  return out;
}
