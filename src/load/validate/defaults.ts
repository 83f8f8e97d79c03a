/**
 * Karmada's defaults for policies, applied as its API server and mutating webhooks would (docs/fleet-repository.md#defaults;
 * Karmada's pkg/webhook/propagationpolicy/mutating.go, pkg/util/helper/policy.go, CRD default markers),
 * so that every later stage sees the object Karmada would have stored. The webhook's not-ready/unreachable NoExecute
 * tolerations depend on fleet.yaml, so the scheduler adds them (src/schedule/taints.ts, `effectiveTolerations`).
 */
import type { OverridePolicyKind, PropagationPolicyKind } from '../../model/fleet.js';
import type { Overriders, OverrideSpec, PropagationSpec, ResourceSelector } from '../../model/karmada.js';
import { DEFAULT_APPLICATION_GRACE_PERIOD_SECONDS, DEFAULT_APPLICATION_TOLERATION_SECONDS, normalizePurgeMode } from '../../model/eviction.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** A namespaced policy's selectors always stay in its namespace: an empty namespace becomes the policy's. */
function fillNamespaces(selectors: ResourceSelector[], namespace: string): void {
  for (const s of selectors) if (!s.namespace) s.namespace = namespace;
}

/** Mutates and returns `spec`, which must be the loader's own fresh copy. */
export function applyPropagationDefaults(spec: PropagationSpec, kind: PropagationPolicyKind, namespace: string): PropagationSpec {
  if (kind === 'PropagationPolicy') fillNamespaces(spec.resourceSelectors, namespace);
  if (spec.resourceSelectors.some((s) => s.kind === 'ServiceImport')) spec.propagateDeps = true;
  spec.placement ??= {};
  for (const c of spec.placement.spreadConstraints ?? []) {
    if (!c.spreadByField && !c.spreadByLabel) c.spreadByField = 'cluster';
    if (!c.minGroups) c.minGroups = 1;
  }
  const rs = spec.placement.replicaScheduling;
  if (rs) {
    rs.replicaSchedulingType ??= 'Divided';
    if (rs.replicaSchedulingType === 'Divided' && !rs.replicaDivisionPreference) rs.replicaDivisionPreference = 'Weighted';
  }
  spec.priority ??= 0;
  spec.preemption ??= 'Never';
  spec.conflictResolution ??= 'Abort';
  spec.schedulerName ??= DEFAULT_SCHEDULER_NAME;
  const app = spec.failover?.application;
  if (app) {
    app.decisionConditions ??= {};
    app.decisionConditions.tolerationSeconds ??= DEFAULT_APPLICATION_TOLERATION_SECONDS;
    // Later stages see only Directly, Gracefully and Never, whichever spelling the policy used.
    app.purgeMode = normalizePurgeMode(app.purgeMode);
    if (app.purgeMode === 'Gracefully') app.gracePeriodSeconds ??= DEFAULT_APPLICATION_GRACE_PERIOD_SECONDS;
  }
  const cluster = spec.failover?.cluster;
  if (cluster) cluster.purgeMode = normalizePurgeMode(cluster.purgeMode);
  return spec;
}

export function hasOverriders(o: Overriders | undefined): boolean {
  return o !== undefined && Object.values(o).some((list) => Array.isArray(list) && list.length > 0);
}

/**
 * Mutates and returns `spec`: selectors defaulted like a PropagationPolicy's, and the deprecated single-rule form
 * (`targetCluster` + `overriders`) turned into one `overrideRules` entry, so later stages read only overrideRules.
 */
export function applyOverrideDefaults(spec: OverrideSpec, kind: OverridePolicyKind, namespace: string): OverrideSpec {
  spec.resourceSelectors ??= [];
  if (kind === 'OverridePolicy') fillNamespaces(spec.resourceSelectors, namespace);
  if (spec.overrideRules === undefined) {
    spec.overrideRules = hasOverriders(spec.overriders)
      ? [{ ...(spec.targetCluster ? { targetCluster: spec.targetCluster } : {}), overriders: spec.overriders ?? {} }]
      : [];
  }
  delete spec.targetCluster;
  delete spec.overriders;
  return spec;
}
