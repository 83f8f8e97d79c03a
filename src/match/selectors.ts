/**
 * Selector semantics shared by policy matching, cluster filtering and override targeting
 * (Karmada `pkg/util/selector.go`; Kubernetes label selector rules).
 */
import type { ClusterAffinity, ResourceSelector } from '../model/karmada.js';
import type { ClusterDef } from '../model/fleet.js';
import type { LabelSelector } from '../model/kube.js';
import type { ResourceTemplate } from '../model/fleet.js';

/** Kubernetes semantics: an empty selector ({}) matches everything; a missing one is the caller's decision. */
export function matchLabelSelector(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (l[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(l[req.key] as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[req.key] as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Why a cluster does not match an affinity, or null when it matches. Used by `flotilla why`. */
export function clusterAffinityMismatch(cluster: ClusterDef, affinity: ClusterAffinity | undefined): string | null {
  if (!affinity) return null;
  if (affinity.exclude?.includes(cluster.name)) return 'listed in clusterAffinity.exclude';
  if (affinity.clusterNames && affinity.clusterNames.length > 0 && !affinity.clusterNames.includes(cluster.name)) {
    return 'not in clusterAffinity.clusterNames';
  }
  if (affinity.labelSelector && !matchLabelSelector(affinity.labelSelector, cluster.labels)) {
    return 'cluster labels do not match clusterAffinity.labelSelector';
  }
  for (const req of affinity.fieldSelector?.matchExpressions ?? []) {
    if (!fieldRequirementMatches(cluster, req.key, req.operator, req.values)) {
      return `fieldSelector ${req.key} ${req.operator} [${req.values.join(', ')}] does not match`;
    }
  }
  return null;
}

export function clusterMatchesAffinity(cluster: ClusterDef, affinity: ClusterAffinity | undefined): boolean {
  return clusterAffinityMismatch(cluster, affinity) === null;
}

/**
 * `provider` and `region` compare the single spec field; `zone` compares the `spec.zones` list as a set:
 * In ⇒ zones non-empty and every zone among the values; NotIn ⇒ no zone among the values.
 */
function fieldRequirementMatches(cluster: ClusterDef, key: string, operator: string, values: string[]): boolean {
  if (key === 'zone') {
    const zones = cluster.spec.zones ?? [];
    if (operator === 'In') return zones.length > 0 && zones.every((z) => values.includes(z));
    if (operator === 'NotIn') return zones.every((z) => !values.includes(z));
    return false;
  }
  const value = key === 'provider' ? cluster.spec.provider : key === 'region' ? cluster.spec.region : undefined;
  if (operator === 'In') return value !== undefined && value !== '' && values.includes(value);
  if (operator === 'NotIn') return value === undefined || value === '' || !values.includes(value);
  return false;
}

/** Karmada's implicit priority of a selector match: MisMatch < MatchAll < MatchLabelSelector < MatchName. */
export enum MatchLevel {
  MisMatch = 0,
  MatchAll = 1,
  MatchLabelSelector = 2,
  MatchName = 3,
}

/**
 * How one selector matches a template. apiVersion and kind compare exactly; an empty namespace in the
 * selector matches any namespace; a name makes the label selector irrelevant.
 */
export function matchResourceSelector(template: ResourceTemplate, selector: ResourceSelector): MatchLevel {
  const ref = template.ref;
  if (selector.apiVersion !== ref.apiVersion || selector.kind !== ref.kind) return MatchLevel.MisMatch;
  if (selector.namespace && selector.namespace !== ref.namespace) return MatchLevel.MisMatch;
  if (selector.name) return selector.name === ref.name ? MatchLevel.MatchName : MatchLevel.MisMatch;
  if (selector.labelSelector) {
    return matchLabelSelector(selector.labelSelector, template.object.metadata.labels)
      ? MatchLevel.MatchLabelSelector
      : MatchLevel.MisMatch;
  }
  return MatchLevel.MatchAll;
}

/** The best match level over a list of selectors (a policy's implicit priority for this template). */
export function bestMatchLevel(template: ResourceTemplate, selectors: ResourceSelector[]): MatchLevel {
  let best = MatchLevel.MisMatch;
  for (const s of selectors) {
    const level = matchResourceSelector(template, s);
    if (level > best) best = level;
    if (best === MatchLevel.MatchName) break;
  }
  return best;
}
