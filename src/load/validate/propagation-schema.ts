/**
 * PropagationPolicy / ClusterPropagationPolicy `spec` (policy.karmada.io/v1alpha1 PropagationSpec): the CRD's
 * types and enums, and the placement rules of Karmada's `ValidatePlacement` / `ValidateSpreadConstraint`.
 */
import type { FieldPath } from '../parse/field-path.js';
import { qualifiedNameProblem } from './k8s-syntax.js';
import { clusterAffinity, clusterAffinityTerm, nonEmpty, resourceSelector, toleration } from './selector-schemas.js';
import { INT32_MIN, bool, dropped, enumOf, int32, listOf, objectOf, refined, required, str, type Reporter, type Schema } from './schema.js';
import { isPlainObject } from '../../util/json.js';

const SPREAD_FIELDS = ['cluster', 'region', 'zone', 'provider'];

const spreadConstraint = objectOf({
  spreadByField: enumOf(...SPREAD_FIELDS),
  spreadByLabel: str(),
  maxGroups: int32(),
  minGroups: int32(),
});

interface SpreadInput {
  spreadByField?: unknown;
  spreadByLabel?: unknown;
  maxGroups?: unknown;
  minGroups?: unknown;
}

/** On the list as written, so that an entry left out for another error does not cause a second, false one. */
function checkSpreadConstraints(_value: unknown, path: FieldPath, report: Reporter, raw: unknown): void {
  const list = (raw as unknown[]).map((c) => (isPlainObject(c) ? (c as SpreadInput) : {}));
  const seen = new Set<string>();
  list.forEach((c, i) => {
    const byField = typeof c.spreadByField === 'string' && SPREAD_FIELDS.includes(c.spreadByField) ? c.spreadByField : undefined;
    const byLabel = typeof c.spreadByLabel === 'string' && c.spreadByLabel !== '' ? c.spreadByLabel : undefined;
    if (byField && byLabel) report.error([...path, i], 'spreadByField and spreadByLabel are mutually exclusive');
    // minGroups 0 means "not set" and is defaulted to 1 (Karmada's webhook), so compare with the default applied.
    const min = typeof c.minGroups === 'number' && c.minGroups > 0 ? c.minGroups : 1;
    if (typeof c.maxGroups === 'number' && c.maxGroups > 0 && c.maxGroups < min) {
      report.error([...path, i, 'maxGroups'], `must not be lower than minGroups (${min}), got ${c.maxGroups}`);
    }
    const invalidField = c.spreadByField != null && c.spreadByField !== '' && byField === undefined;
    const field = byField ?? (byLabel || invalidField ? undefined : 'cluster');
    if (field === undefined) return;
    if (seen.has(field)) report.error([...path, i, 'spreadByField'], `only one spread constraint per field is allowed; "${field}" appears more than once`);
    seen.add(field);
  });
  if (seen.size > 0 && !seen.has('cluster')) {
    report.error(path, 'a spread constraint with spreadByField "cluster" is required when any spreadByField is used');
  }
}

const weightPreference = objectOf({
  staticWeightList: listOf(objectOf({ targetCluster: required(clusterAffinity()), weight: required(int32(1)) })),
  dynamicWeight: enumOf('AvailableReplicas'),
});

const replicaScheduling = objectOf({
  replicaSchedulingType: enumOf('Duplicated', 'Divided'),
  replicaDivisionPreference: enumOf('Aggregated', 'Weighted'),
  weightPreference,
});

function checkPlacement(value: unknown, path: FieldPath, report: Reporter, raw: unknown): void {
  const p = value as { clusterAffinities?: { affinityName?: string }[] };
  const written = raw as { clusterAffinity?: unknown; clusterAffinities?: unknown };
  if (written.clusterAffinity != null && written.clusterAffinities != null) {
    report.error([...path, 'clusterAffinities'], 'clusterAffinity and clusterAffinities are mutually exclusive');
  }
  const names = new Map<string, number>();
  (p.clusterAffinities ?? []).forEach((term, i) => {
    if (term.affinityName === undefined) return;
    const first = names.get(term.affinityName);
    if (first !== undefined) {
      report.error([...path, 'clusterAffinities', i, 'affinityName'], `must be unique; "${term.affinityName}" is also the name of clusterAffinities[${first}]`);
    } else names.set(term.affinityName, i);
  });
}

const placement = refined(
  objectOf({
    clusterAffinity: clusterAffinity(),
    clusterAffinities: listOf(clusterAffinityTerm()),
    clusterTolerations: listOf(toleration()),
    spreadConstraints: refined(listOf(spreadConstraint), checkSpreadConstraints),
    replicaScheduling,
    workloadAffinity: dropped('workloadAffinity is not supported by Flotilla; ignored'),
  }),
  checkPlacement,
);

const statePreservation = objectOf({
  rules: required(listOf(objectOf({ aliasLabelName: required(str(qualifiedNameProblem)), jsonPath: required(str(nonEmpty)) }))),
});

export const GRACEFUL_PURGE_MODES: readonly string[] = ['Gracefully', 'Graciously'];

const applicationFailover = refined(
  objectOf({
    decisionConditions: required(objectOf({ tolerationSeconds: int32() })),
    // Immediately and Graciously are the deprecated spellings of Directly and Gracefully (Karmada 1.15).
    purgeMode: enumOf('Directly', 'Gracefully', 'Never', 'Immediately', 'Graciously'),
    gracePeriodSeconds: int32(1),
    statePreservation,
  }),
  (value, path, report) => {
    const a = value as { purgeMode?: string; gracePeriodSeconds?: number };
    const mode = a.purgeMode ?? 'Gracefully';
    if (a.gracePeriodSeconds !== undefined && !GRACEFUL_PURGE_MODES.includes(mode)) {
      report.error([...path, 'gracePeriodSeconds'], `may only be set when purgeMode is Gracefully (or Graciously), not ${mode}`);
    }
  },
);

const failover = objectOf({
  application: applicationFailover,
  cluster: objectOf({ purgeMode: enumOf('Directly', 'Gracefully'), statePreservation }),
});

const suspension = refined(
  objectOf({
    dispatching: bool(),
    dispatchingOnClusters: objectOf({ clusterNames: listOf(str()) }),
  }),
  (value, path, report) => {
    const s = value as { dispatching?: boolean; dispatchingOnClusters?: { clusterNames?: string[] } };
    if (s.dispatching === true && (s.dispatchingOnClusters?.clusterNames?.length ?? 0) > 0) {
      report.error([...path, 'dispatchingOnClusters'], 'dispatching: true and dispatchingOnClusters.clusterNames are mutually exclusive');
    }
  },
);

export const propagationSpec = (): Schema =>
  objectOf({
    resourceSelectors: required(listOf(resourceSelector())),
    association: bool(),
    propagateDeps: bool(),
    placement,
    priority: int32(INT32_MIN),
    preemption: enumOf('Always', 'Never'),
    dependentOverrides: listOf(str()),
    schedulerName: str(),
    failover,
    conflictResolution: enumOf('Abort', 'Overwrite'),
    activationPreference: enumOf('', 'Lazy'),
    suspension,
    preserveResourcesOnDeletion: bool(),
    schedulePriority: dropped('schedulePriority is not supported by Flotilla; ignored'),
  });
