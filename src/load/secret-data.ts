/**
 * A Secret's `data` and `stringData` values are secret: they are checked like the API server does, and no
 * message ever quotes them (validate output lands in CI logs).
 */
import type { DocContext } from './doc-context.js';
import type { FieldPath } from './field-path.js';
import { isPlainObject } from './json.js';
import type { DocHeader } from './object-header.js';

const SECRET_FIELDS = ['data', 'stringData'];
/** Go's base64.StdEncoding (padded), which decodes `data` values; line breaks are ignored as it does. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** apimachinery IsConfigMapKey. */
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

export const NOT_SHOWN = 'the value is not shown: Secret data is secret';

export function isSecretKind(apiVersion: unknown, kind: unknown): boolean {
  return apiVersion === 'v1' && kind === 'Secret';
}

/** Whether `path` is at or below a value of a Secret's data or stringData (the keys themselves are not secret). */
export function isSecretValuePath(path: FieldPath): boolean {
  return path.length >= 2 && typeof path[0] === 'string' && SECRET_FIELDS.includes(path[0]);
}

export function checkSecretData(ctx: DocContext, header: DocHeader): void {
  for (const field of SECRET_FIELDS) {
    const values = header.object[field];
    if (values == null) continue;
    if (!isPlainObject(values)) {
      ctx.error([field], `expected a mapping of keys to ${field === 'data' ? 'base64-encoded values' : 'strings'}`);
      continue;
    }
    for (const [key, value] of Object.entries(values)) {
      if (key.length > 253 || !DATA_KEY.test(key)) ctx.error([field, key], "key must consist of letters, digits, '-', '_' or '.' (at most 253 characters)", { key: true });
      if (value === null) continue;
      if (typeof value !== 'string') ctx.error([field, key], `expected a string (${NOT_SHOWN})`);
      else if (field === 'data' && !BASE64.test(value.replace(/[\r\n]/g, ''))) ctx.error([field, key], `expected a base64-encoded value (${NOT_SHOWN})`);
    }
  }
}
