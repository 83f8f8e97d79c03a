/**
 * Rules that span a whole policy (Karmada's `ValidatePropagationSpec`, `ValidateOverrideSpec` and the webhooks),
 * checked on the spec as read, before defaults: which fields may be combined, and a namespaced policy's reach.
 */
import type { OverrideSpec, PropagationSpec } from '../../model/karmada.js';
import type { Reporter } from './schema.js';
import { hasOverriders } from './defaults.js';

function checkSelectorNamespaces(selectors: { namespace?: string }[] | undefined, namespace: string, kind: string, report: Reporter): void {
  (selectors ?? []).forEach((s, i) => {
    if (s.namespace && s.namespace !== namespace) {
      report.error(
        ['spec', 'resourceSelectors', i, 'namespace'],
        `must be empty or the policy's own namespace "${namespace}" (a ${kind} cannot reach other namespaces), got ${JSON.stringify(s.namespace)}`,
      );
    }
  });
}

export function checkPropagationRules(spec: Partial<PropagationSpec>, raw: Record<string, unknown>, kind: string, namespace: string, report: Reporter): void {
  if (Array.isArray(raw['resourceSelectors']) && raw['resourceSelectors'].length === 0) {
    report.error(['spec', 'resourceSelectors'], 'must not be empty (an empty list does not select everything in Karmada)');
  }
  if (spec.preemption === 'Always') {
    (spec.resourceSelectors ?? []).forEach((s, i) => {
      if (!s.name) report.error(['spec', 'resourceSelectors', i, 'name'], 'must be set when preemption is Always (preempting by kind or label could take over unexpected resources)');
    });
  }
  const serviceImport = (spec.resourceSelectors ?? []).some((s) => s.kind === 'ServiceImport');
  if (spec.failover?.application && spec.propagateDeps !== true && !serviceImport) {
    report.error(['spec', 'propagateDeps'], 'must be true when failover.application is set (dependencies must move with the application)');
  }
  if (kind === 'PropagationPolicy') checkSelectorNamespaces(spec.resourceSelectors, namespace, kind, report);
}

export function checkOverrideRules(spec: OverrideSpec, kind: string, namespace: string, report: Reporter): void {
  if (spec.overrideRules !== undefined) {
    if (spec.targetCluster !== undefined) report.error(['spec', 'targetCluster'], 'overrideRules and targetCluster are mutually exclusive (targetCluster is the deprecated form)');
    if (hasOverriders(spec.overriders)) report.error(['spec', 'overriders'], 'overrideRules and overriders are mutually exclusive (overriders is the deprecated form)');
  }
  if (kind === 'OverridePolicy') checkSelectorNamespaces(spec.resourceSelectors, namespace, kind, report);
}
