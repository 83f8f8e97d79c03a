/**
 * OverridePolicy / ClusterOverridePolicy `spec` (policy.karmada.io/v1alpha1 OverrideSpec): the CRD's types and
 * enums and the rules of Karmada's `ValidateOverrideSpec` / `ValidateOverrideRules`. Plaintext paths must also be
 * JSON pointers (Karmada's admission lets other strings through, and the patch then fails on every cluster).
 */
import type { FieldPath } from '../parse/field-path.js';
import { jsonPointerProblem, labelValueProblem, qualifiedNameProblem } from './k8s-syntax.js';
import { clusterAffinity, nonEmpty, resourceSelector } from './selector-schemas.js';
import { anyValue, enumOf, listOf, mapOf, objectOf, refined, required, str, type Reporter, type Schema } from './schema.js';

const operator = () => required(enumOf('add', 'remove', 'replace'));
const pointer = () => str(jsonPointerProblem);

const patchOperation = refined(
  objectOf({ subPath: required(pointer()), operator: operator(), value: anyValue() }),
  (value, path, report) => {
    const op = value as { operator?: string; value?: unknown };
    const has = Object.prototype.hasOwnProperty.call(op, 'value');
    if ((op.operator === 'add' || op.operator === 'replace') && !has) report.error([...path, 'value'], `is required for operator ${op.operator}`);
    if (op.operator === 'remove' && has) report.error([...path, 'value'], 'must not be set for operator remove');
  },
);

function checkFieldOverrider(_value: unknown, path: FieldPath, report: Reporter, raw: unknown): void {
  const f = raw as { json?: unknown; yaml?: unknown };
  const json = Array.isArray(f.json) && f.json.length > 0;
  const yaml = Array.isArray(f.yaml) && f.yaml.length > 0;
  if (json && yaml) report.error([...path, 'yaml'], 'json and yaml are mutually exclusive; set one of them');
  if (!json && !yaml) report.error(path, 'one of json or yaml must be set');
}

const commandArgs = () =>
  listOf(objectOf({ containerName: required(str(nonEmpty)), operator: required(enumOf('add', 'remove')), value: listOf(str()) }));

export const overriders = (): Schema =>
  objectOf({
    plaintext: listOf(objectOf({ path: required(pointer()), operator: operator(), value: anyValue() })),
    imageOverrider: listOf(
      objectOf({
        predicate: objectOf({ path: required(pointer()) }),
        component: required(enumOf('Registry', 'Repository', 'Tag')),
        operator: operator(),
        value: str(),
      }),
    ),
    commandOverrider: commandArgs(),
    argsOverrider: commandArgs(),
    labelsOverrider: listOf(objectOf({ operator: operator(), value: mapOf(str(labelValueProblem), qualifiedNameProblem) })),
    annotationsOverrider: listOf(objectOf({ operator: operator(), value: mapOf(str(), qualifiedNameProblem) })),
    fieldOverrider: listOf(refined(objectOf({ fieldPath: required(pointer()), json: listOf(patchOperation), yaml: listOf(patchOperation) }), checkFieldOverrider)),
  });

export const overrideSpec = (): Schema =>
  objectOf({
    resourceSelectors: listOf(resourceSelector()),
    overrideRules: listOf(objectOf({ targetCluster: clusterAffinity(), overriders: required(overriders()) })),
    targetCluster: clusterAffinity(),
    overriders: overriders(),
  });
