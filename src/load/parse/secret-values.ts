/**
 * Where a Secret's secret values are: no message may quote them (validate output lands in CI logs), not even a
 * YAML syntax error inside one, so the parser needs to know them as well as the validation does.
 */
import type { FieldPath } from './field-path.js';

export const SECRET_FIELDS: readonly string[] = ['data', 'stringData'];

export const NOT_SHOWN = 'the value is not shown: Secret data is secret';

export function isSecretKind(apiVersion: unknown, kind: unknown): boolean {
  return apiVersion === 'v1' && kind === 'Secret';
}

/** Whether `path` is at or below a value of a Secret's data or stringData (the keys themselves are not secret). */
export function isSecretValuePath(path: FieldPath): boolean {
  return path.length >= 2 && typeof path[0] === 'string' && SECRET_FIELDS.includes(path[0]);
}
