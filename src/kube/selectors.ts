/**
 * Label and field selectors in the API server's query syntax (`app=web,tier in (a,b),!legacy`), evaluated
 * against plain objects. Used by the in-memory cluster; a selector it cannot parse is an error, as it is for
 * the API server (400 Bad Request).
 */
import type { KubeObject } from '../model/kube.js';

export type ObjectPredicate = (obj: KubeObject) => boolean;

type LabelRequirement = (labels: Record<string, string>) => boolean;

/** Splits on the commas that separate requirements, not those inside `in (a,b)`. */
function requirements(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  out.push(selector.slice(start));
  return out.map((r) => r.trim()).filter((r) => r.length > 0);
}

function labelRequirement(text: string): LabelRequirement {
  let m = /^!\s*([\w./-]+)$/.exec(text);
  if (m) {
    const key = m[1]!;
    return (labels) => !(key in labels);
  }
  m = /^([\w./-]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(text);
  if (m) {
    const [, key, op, list] = m as unknown as [string, string, string, string];
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in' ? (labels) => key in labels && values.has(labels[key]!) : (labels) => !(key in labels) || !values.has(labels[key]!);
  }
  m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(text);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    return op === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  m = /^([\w./-]+)$/.exec(text);
  if (m) {
    const key = m[1]!;
    return (labels) => key in labels;
  }
  throw new Error(`unable to parse requirement: ${JSON.stringify(text)}`);
}

/** A predicate for a label selector; an empty or absent selector matches everything. */
export function parseLabelSelector(selector: string | undefined): ObjectPredicate {
  const reqs = requirements(selector ?? '').map(labelRequirement);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return reqs.every((r) => r(labels));
  };
}

/** A predicate for a field selector (`status.phase!=Failed,metadata.name=x`); an absent field reads as "". */
export function parseFieldSelector(selector: string | undefined): ObjectPredicate {
  const reqs = requirements(selector ?? '').map((text) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(text);
    if (!m) throw new Error(`invalid field selector: ${JSON.stringify(text)}`);
    const [, path, op, value] = m as unknown as [string, string, string, string];
    const keys = path.split('.');
    return (obj: KubeObject) => (fieldText(obj, keys) === value) !== (op === '!=');
  });
  return (obj) => reqs.every((r) => r(obj));
}

function fieldText(obj: unknown, keys: string[]): string {
  let v: unknown = obj;
  for (const k of keys) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v === undefined || v === null ? '' : String(v);
}
