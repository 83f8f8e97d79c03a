/**
 * Secret values never leave a plan: a Secret is diffed with every `data`/`stringData` value replaced by a
 * placeholder that says only whether the value changed, and its content hash (a function of the values) is hidden.
 */
import { ANNOTATION_CONTENT_HASH } from '../model/constants.js';
import type { KubeObject } from '../model/kube.js';
import { groupOf, type ObjectRef } from '../model/refs.js';
import type { SecretKeyChanges } from './types.js';

const SECRET_FIELDS = ['data', 'stringData'] as const;
export const HIDDEN_VALUE = '(secret value hidden)';
export const HIDDEN_CHANGED_VALUE = '(secret value hidden, changed)';
const HIDDEN_HASH = '(hidden: derived from secret values)';

export function isSecret(ref: ObjectRef): boolean {
  return groupOf(ref.apiVersion) === '' && ref.kind === 'Secret';
}

type Values = Record<string, unknown>;

function valuesOf(obj: KubeObject | undefined, field: (typeof SECRET_FIELDS)[number]): Values | undefined {
  const v = obj?.[field];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Values) : undefined;
}

/** Keys as `data.KEY` / `stringData.KEY`, so a value moving between the two fields shows as one removed and one added. */
function keyedValues(obj: KubeObject | undefined): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const field of SECRET_FIELDS) {
    const values = valuesOf(obj, field);
    if (values) for (const [k, v] of Object.entries(values)) out.set(`${field}.${k}`, v);
    else if (obj?.[field] !== undefined) out.set(field, obj[field]);
  }
  return out;
}

export function secretKeyChanges(before: KubeObject | undefined, after: KubeObject | undefined): SecretKeyChanges {
  const a = keyedValues(before);
  const b = keyedValues(after);
  const added = [...b.keys()].filter((k) => !a.has(k));
  const removed = [...a.keys()].filter((k) => !b.has(k));
  const changed = [...b.keys()].filter((k) => a.has(k) && JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k)));
  const sorted = (xs: string[]) => xs.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return { added: sorted(added), changed: sorted(changed), removed: sorted(removed) };
}

/**
 * A copy of the Secret safe to print. `changedKeys` (as secretKeyChanges names them) get the "changed"
 * placeholder, so a changed value still shows up as a changed line in a diff.
 */
export function redactSecret(obj: KubeObject, changedKeys: ReadonlySet<string> = new Set()): KubeObject {
  const copy: KubeObject = { ...obj };
  for (const field of SECRET_FIELDS) {
    if (obj[field] === undefined) continue;
    const values = valuesOf(obj, field);
    if (!values) {
      copy[field] = changedKeys.has(field) ? HIDDEN_CHANGED_VALUE : HIDDEN_VALUE;
      continue;
    }
    copy[field] = Object.fromEntries(Object.keys(values).map((k) => [k, changedKeys.has(`${field}.${k}`) ? HIDDEN_CHANGED_VALUE : HIDDEN_VALUE]));
  }
  const annotations = obj.metadata.annotations;
  if (annotations && ANNOTATION_CONTENT_HASH in annotations) {
    copy.metadata = { ...obj.metadata, annotations: { ...annotations, [ANNOTATION_CONTENT_HASH]: HIDDEN_HASH } };
  }
  return copy;
}
