/**
 * A Secret's `data` and `stringData` values are secret: they are checked like the API server does, and no
 * message ever quotes them (validate output lands in CI logs).
 */
import type { DocContext } from './doc-context.js';
import { NOT_SHOWN, SECRET_FIELDS } from '../parse/secret-values.js';
import type { DocHeader } from './object-header.js';
import { isPlainObject } from '../../util/json.js';

/** Go's base64.StdEncoding (padded), which decodes `data` values; line breaks are ignored as it does. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** apimachinery IsConfigMapKey. */
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

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
