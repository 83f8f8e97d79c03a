/**
 * Server-side apply's field ownership, simplified for the in-memory cluster: a field is a path of map keys down
 * to a leaf (lists are atomic, as `x-kubernetes-list-type: atomic`), each manager owns a set of fields, and
 * applying a field another manager owns with a different value is a conflict unless forced. What matters for
 * Flotilla is kept: conflicts name the other manager, force moves ownership, and a field a manager stops
 * applying disappears unless someone else still owns it.
 */
import type { KubeObject } from '../model/kube.js';
import { canonicalJson } from '../util/canonical.js';
import { isPlainObject, type JsonObject } from '../util/json.js';

export type Path = readonly string[];

export interface ManagerEntry {
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  /** JSON-encoded paths. */
  fields: Set<string>;
}

/** Field manager name → what it owns. */
export type Ownership = Map<string, ManagerEntry>;

export interface Conflict {
  manager: string;
  apiVersion: string;
  path: Path;
}

/** metadata the server sets: nobody owns it and an apply cannot change it. */
const SERVER_METADATA = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'deletionTimestamp', 'selfLink']);

type Json = JsonObject;


/** Identity and status are not applied through the main resource (status is a subresource). */
function ignored(parent: Path, key: string): boolean {
  if (parent.length === 0) return key === 'apiVersion' || key === 'kind' || key === 'status';
  return parent.length === 1 && parent[0] === 'metadata' && SERVER_METADATA.has(key);
}

/** Every leaf field of an object: a scalar, a list or an empty map. */
export function fieldsOf(obj: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, path: string[]): void => {
    if (isPlainObject(v) && (path.length === 0 || Object.keys(v).length > 0)) {
      for (const [k, child] of Object.entries(v)) if (!ignored(path, k)) walk(child, [...path, k]);
    } else out.add(JSON.stringify(path));
  };
  walk(obj, []);
  return out;
}

export const decodePath = (key: string): Path => JSON.parse(key) as string[];

export function formatPath(path: Path): string {
  return path.map((k) => `.${k}`).join('');
}

export function valueAt(obj: unknown, path: Path): unknown {
  let v = obj;
  for (const k of path) v = isPlainObject(v) ? v[k] : undefined;
  return v;
}

function setAt(obj: Json, path: Path, value: unknown): void {
  let m = obj;
  for (const k of path.slice(0, -1)) {
    if (!isPlainObject(m[k])) m[k] = {};
    m = m[k] as Json;
  }
  m[path[path.length - 1]!] = structuredClone(value);
}

/** Removes a field and the maps it leaves empty (the API server omits empty maps), never `metadata` itself. */
function removeAt(obj: Json, path: Path): void {
  const parents: Json[] = [];
  let m: unknown = obj;
  for (const k of path.slice(0, -1)) {
    parents.push(m as Json);
    m = isPlainObject(m) ? m[k] : undefined;
    if (!isPlainObject(m)) return;
  }
  delete (m as Json)[path[path.length - 1]!];
  for (let i = path.length - 2; i >= 0; i--) {
    const child = parents[i]![path[i]!];
    if (!isPlainObject(child) || Object.keys(child).length > 0 || (i === 0 && path[0] === 'metadata')) break;
    delete parents[i]![path[i]!];
  }
}

/** Two fields overlap when one is the other or contains it. */
function overlaps(a: Path, b: Path): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

const sameValue = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

function ownedByOthers(owners: Ownership, manager: string, path: Path): boolean {
  for (const [name, entry] of owners) {
    if (name === manager) continue;
    for (const f of entry.fields) if (overlaps(decodePath(f), path)) return true;
  }
  return false;
}

export function findConflicts(owners: Ownership, manager: string, applied: KubeObject, live: KubeObject | undefined): Conflict[] {
  if (!live) return [];
  const conflicts: Conflict[] = [];
  for (const key of fieldsOf(applied)) {
    const path = decodePath(key);
    if (sameValue(valueAt(applied, path), valueAt(live, path))) continue;
    for (const [name, entry] of owners) {
      if (name === manager) continue;
      for (const f of entry.fields) if (overlaps(decodePath(f), path)) conflicts.push({ manager: name, apiVersion: entry.apiVersion, path });
    }
  }
  return conflicts;
}

export interface ApplyOutcome {
  object: KubeObject;
  owners: Ownership;
}

/**
 * The object and ownership after `manager` applies `applied` over `live`. Call only when there are no
 * conflicts or the apply is forced: forcing takes the conflicting fields away from their owners.
 */
export function mergeApply(live: KubeObject | undefined, owners: Ownership, manager: string, applied: KubeObject, time: string): ApplyOutcome {
  const fields = fieldsOf(applied);
  const next: Ownership = new Map();
  for (const [name, entry] of owners) {
    if (name === manager) continue;
    const kept = new Set([...entry.fields].filter((f) => {
      const path = decodePath(f);
      return ![...fields].some((a) => overlaps(decodePath(a), path) && !sameValue(valueAt(applied, decodePath(a)), valueAt(live, decodePath(a))));
    }));
    if (kept.size > 0) next.set(name, { ...entry, fields: kept });
  }
  const object = structuredClone(live ?? { apiVersion: applied.apiVersion, kind: applied.kind, metadata: { name: applied.metadata.name } }) as KubeObject;
  object.apiVersion = applied.apiVersion;
  for (const f of owners.get(manager)?.fields ?? []) {
    const path = decodePath(f);
    if (!fields.has(f) && !ownedByOthers(next, manager, path)) removeAt(object as Json, path);
  }
  for (const f of fields) {
    const path = decodePath(f);
    setAt(object as Json, path, valueAt(applied, path));
  }
  next.set(manager, { operation: 'Apply', apiVersion: applied.apiVersion, time, fields });
  return { object, owners: next };
}

/**
 * An update (kubectl edit, a controller): the updater takes the fields it changed from everyone else, and
 * fields that disappeared are owned by no one. Updates never conflict.
 */
export function recordUpdate(before: KubeObject, after: KubeObject, owners: Ownership, manager: string, time: string): Ownership {
  const beforeFields = fieldsOf(before);
  const afterFields = fieldsOf(after);
  const changed = [...afterFields].filter((f) => !beforeFields.has(f) || !sameValue(valueAt(before, decodePath(f)), valueAt(after, decodePath(f))));
  const next: Ownership = new Map();
  for (const [name, entry] of owners) {
    const kept = new Set([...entry.fields].filter((f) => afterFields.has(f) && (name === manager || !changed.some((c) => overlaps(decodePath(c), decodePath(f))))));
    if (kept.size > 0) next.set(name, { ...entry, fields: kept });
  }
  if (changed.length > 0) {
    const mine = next.get(manager);
    next.set(manager, { operation: mine?.operation ?? 'Update', apiVersion: after.apiVersion, time, fields: new Set([...(mine?.fields ?? []), ...changed]) });
  }
  return next;
}

/** `metadata.managedFields` as the API server shows it (FieldsV1: `f:<key>` nested maps). */
export function managedFieldsOf(owners: Ownership): unknown[] {
  return [...owners.entries()].map(([manager, entry]) => {
    const tree: Json = {};
    for (const f of entry.fields) {
      let m = tree;
      for (const k of decodePath(f)) {
        const key = `f:${k}`;
        if (!isPlainObject(m[key])) m[key] = {};
        m = m[key] as Json;
      }
    }
    return { manager, operation: entry.operation, apiVersion: entry.apiVersion, time: entry.time, fieldsType: 'FieldsV1', fieldsV1: tree };
  });
}

/** The API server's wording: `Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas`. */
export function conflictMessage(conflicts: Conflict[]): string {
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c]);
  const n = conflicts.length;
  const parts = [...byManager.values()].map((cs) =>
    cs.length === 1
      ? `conflict with "${cs[0]!.manager}" using ${cs[0]!.apiVersion}: ${formatPath(cs[0]!.path)}`
      : `conflicts with "${cs[0]!.manager}" using ${cs[0]!.apiVersion}:\n${cs.map((c) => `- ${formatPath(c.path)}`).join('\n')}`,
  );
  return `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${parts.join('\n')}`;
}
