/** Top-level fields of a Kubernetes object: a mis-indented `spec` field at the root is worth an error. */
import type { DocContext } from './doc-context.js';
import { type JsonObject } from '../../util/json.js';

const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

export function checkRootFields(ctx: DocContext, object: JsonObject, severity: 'error' | 'warning', allowed: ReadonlySet<string> = ROOT_FIELDS): void {
  for (const key of Object.keys(object)) {
    if (allowed.has(key)) continue;
    if (severity === 'error') ctx.error([key], 'unknown field (a top-level field; should it be under spec?)', { key: true });
    else ctx.warning([key], 'unknown field; ignored', { key: true });
  }
}
