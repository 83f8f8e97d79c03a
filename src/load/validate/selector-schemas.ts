/**
 * Schemas shared by every Karmada policy: label selectors (Kubernetes rules), resource selectors, cluster
 * affinities (Karmada's field selector keys and operators) and cluster tolerations.
 */
import type { FieldPath } from '../parse/field-path.js';
import { labelValueProblem, qualifiedNameProblem } from './k8s-syntax.js';
import { enumOf, int64, listOf, mapOf, objectOf, refined, required, str, dropped, type Reporter, type Schema } from './schema.js';
import { type JsonObject } from '../../util/json.js';

export const nonEmpty = (value: string): string | null => (value === '' ? 'must not be empty' : null);

const labelKey = (): Schema => str(qualifiedNameProblem);

export const labelMap = (): Schema => mapOf(str(labelValueProblem), qualifiedNameProblem);

const labelSelectorRequirement = refined(
  objectOf({
    key: required(labelKey()),
    operator: required(enumOf('In', 'NotIn', 'Exists', 'DoesNotExist')),
    values: listOf(str(labelValueProblem)),
  }),
  (value, path, report, raw) => {
    const req = value as { operator?: string };
    const values = (raw as { values?: unknown }).values;
    const count = Array.isArray(values) ? values.length : 0;
    if ((req.operator === 'In' || req.operator === 'NotIn') && count === 0) {
      report.error([...path, 'values'], `must be a non-empty list when operator is ${req.operator}`);
    }
    if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && count > 0) {
      report.error([...path, 'values'], `must be empty when operator is ${req.operator}`);
    }
  },
);

export const labelSelector = (): Schema =>
  objectOf({
    matchLabels: labelMap(),
    matchExpressions: listOf(labelSelectorRequirement),
  });

export const resourceSelector = (): Schema =>
  objectOf({
    apiVersion: required(str(nonEmpty)),
    kind: required(str(nonEmpty)),
    namespace: str(),
    name: str(),
    labelSelector: labelSelector(),
  });

const clusterAffinityFields = {
  labelSelector: labelSelector(),
  fieldSelector: objectOf({
    matchExpressions: listOf(
      objectOf({
        key: required(enumOf('provider', 'region', 'zone')),
        operator: required(enumOf('In', 'NotIn')),
        values: listOf(str()),
      }),
    ),
  }),
  clusterNames: listOf(str()),
  exclude: listOf(str()),
};

export const clusterAffinity = (): Schema => objectOf(clusterAffinityFields);

export const AFFINITY_NAME_MAX = 32;

export const clusterAffinityTerm = (): Schema =>
  objectOf({
    affinityName: required(
      str((name) => (name.length > AFFINITY_NAME_MAX ? `must be at most ${AFFINITY_NAME_MAX} characters, got ${name.length}` : qualifiedNameProblem(name))),
    ),
    ...clusterAffinityFields,
    overflowAffinities: dropped('overflowAffinities is not supported by Flotilla; ignored'),
  });

function checkToleration(value: unknown, path: FieldPath, report: Reporter): void {
  const t = value as JsonObject & { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number };
  const operator = t.operator ?? 'Equal';
  if ((t.key ?? '') === '' && operator !== 'Exists') report.error([...path, 'operator'], 'must be Exists when key is empty');
  if (operator === 'Exists' && (t.value ?? '') !== '') report.error([...path, 'value'], 'must be empty when operator is Exists');
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') report.error([...path, 'tolerationSeconds'], 'may only be set when effect is NoExecute');
}

export const toleration = (): Schema =>
  refined(
    objectOf({
      key: str((k) => (k === '' ? null : qualifiedNameProblem(k))),
      operator: enumOf('Exists', 'Equal', ''),
      value: str(),
      effect: enumOf('NoSchedule', 'PreferNoSchedule', 'NoExecute', ''),
      tolerationSeconds: int64(Number.MIN_SAFE_INTEGER),
    }),
    checkToleration,
  );
