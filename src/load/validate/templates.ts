/**
 * Settles the resource templates once every file is read: scope (built-in table, CRDs in workloads/),
 * namespace defaults, objects Karmada never propagates, and duplicates (held: neither changed nor pruned).
 */
import { isReservedNamespace } from '../../model/constants.js';
import type { ResourceTemplate } from '../../model/fleet.js';
import { compareRefs, compareStrings, formatRef, identityKey, type ObjectRef } from '../../model/refs.js';
import type { ProblemSink } from './problems.js';
import type { PendingTemplate } from './load-template.js';
import { scopeKey, scopeOf, type Scope } from './scope.js';

export interface SettledTemplates {
  templates: ResourceTemplate[];
  held: ObjectRef[];
}

function bySource(a: PendingTemplate, b: PendingTemplate): number {
  return compareStrings(a.source.file, b.source.file) || a.source.line - b.source.line || a.source.column - b.source.column;
}

function where(t: PendingTemplate): string {
  return `${t.source.file}:${t.source.line}:${t.source.column}`;
}

/** Why Karmada would never propagate this object, or null. */
function neverPropagated(t: PendingTemplate, ref: ObjectRef): string | null {
  if (ref.namespace !== '' && isReservedNamespace(ref.namespace)) return `namespace ${ref.namespace} is reserved (Karmada never propagates its objects)`;
  if (t.group === '' && t.kind === 'Namespace' && isReservedNamespace(t.name)) return `namespace ${t.name} is reserved (Karmada never propagates it)`;
  if (t.group === '' && t.kind === 'Secret' && t.object['type'] === 'kubernetes.io/service-account-token') {
    return 'Secrets of type kubernetes.io/service-account-token are never propagated (each cluster issues its own)';
  }
  return null;
}

export function settleTemplates(pending: PendingTemplate[], sink: ProblemSink): SettledTemplates {
  const ordered = [...pending].sort(bySource);
  const crdScopes = new Map<string, Scope>();
  for (const t of ordered) {
    if (!t.defines || t.held) continue;
    const key = scopeKey(t.defines.group, t.defines.kind);
    if (!crdScopes.has(key)) crdScopes.set(key, t.defines.scope);
  }

  const unknownWarned = new Set<string>();
  const byIdentity = new Map<string, { ref: ObjectRef; entries: PendingTemplate[] }>();
  for (const t of ordered) {
    const scope = scopeOf(t.group, t.kind, crdScopes);
    const key = scopeKey(t.group, t.kind);
    if (!scope.known && !t.held && !unknownWarned.has(key)) {
      unknownWarned.add(key);
      sink.warning(t.kindAt, `kind: ${t.kind} (${t.apiVersion}) is not a built-in kind and no CustomResourceDefinition for it is in workloads/; treated as namespaced. If it is cluster-scoped, add its CRD to workloads/`);
    }
    let namespace = '';
    if (scope.namespaced) namespace = t.namespace ?? 'default';
    else if (t.namespace !== undefined) {
      sink.warning(t.namespaceAt, `metadata.namespace: ${t.kind} is cluster-scoped; the namespace is ignored`);
    }
    if (scope.namespaced) t.object.metadata.namespace = namespace;
    else delete t.object.metadata.namespace;
    const ref: ObjectRef = { apiVersion: t.apiVersion, kind: t.kind, namespace, name: t.name };

    const skip = neverPropagated(t, ref);
    if (skip) {
      sink.warning(t.source, `${formatRef(ref)} is ignored: ${skip}`);
      continue;
    }
    const id = identityKey(ref);
    const group = byIdentity.get(id);
    if (group) group.entries.push(t);
    else byIdentity.set(id, { ref, entries: [t] });
  }

  const templates: ResourceTemplate[] = [];
  const held: ObjectRef[] = [];
  for (const { ref, entries } of byIdentity.values()) {
    if (entries.length > 1) {
      for (const t of entries) {
        const others = entries.filter((o) => o !== t).map(where).join(', ');
        sink.error(t.source, `${formatRef(ref)} is defined more than once (also at ${others}); it is neither changed nor pruned until only one definition remains`);
      }
      held.push(ref);
      continue;
    }
    const t = entries[0]!;
    if (t.held) {
      held.push(ref);
      continue;
    }
    templates.push({ ref, object: t.object, source: t.source, namespaced: scopeOf(t.group, t.kind, crdScopes).namespaced });
  }
  templates.sort((a, b) => compareRefs(a.ref, b.ref) || compareStrings(a.source.file, b.source.file) || a.source.line - b.source.line);
  held.sort(compareRefs);
  return { templates, held };
}
