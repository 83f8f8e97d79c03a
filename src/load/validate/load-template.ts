/**
 * workloads/: resource templates, any Kubernetes object. Read per document here; scope, namespace defaults and
 * duplicates need every template and are settled in `templates.ts`.
 */
import type { KubeObject } from '../../model/kube.js';
import type { SourceLocation } from '../../model/problem.js';
import type { DocContext } from './doc-context.js';
import { describeValue } from './problems.js';
import { templateNameProblem } from './k8s-syntax.js';
import { readLabelsAndAnnotations, type DocHeader } from './object-header.js';
import type { Scope } from './scope.js';
import { int32, readValue } from './schema.js';
import { isSecretKind } from '../parse/secret-values.js';
import { checkSecretData } from './secret-data.js';
import { type JsonObject, isPlainObject } from '../../util/json.js';

export interface PendingTemplate {
  apiVersion: string;
  group: string;
  kind: string;
  name: string;
  /** As written (undefined when absent). */
  namespace: string | undefined;
  object: KubeObject;
  source: SourceLocation;
  /** Where metadata.namespace is written, for the warning on cluster-scoped kinds. */
  namespaceAt: SourceLocation;
  /** Where kind is written, for the warning on kinds of unknown scope. */
  kindAt: SourceLocation;
  /** Not usable as written (invalid metadata, wrong directory): its resource is held, never changed or pruned. */
  held: boolean;
  /** Set when the template is a CustomResourceDefinition that says which scope its kind has. */
  defines?: { group: string; kind: string; scope: Scope };
}

/** Set by the API server; copied from `kubectl get -o yaml`, they would make an apply conflict or fail. */
const SERVER_SET_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink'];

export function readTemplate(ctx: DocContext, header: DocHeader, options: { misplaced: boolean }): PendingTemplate {
  const before = ctx.errorCount;
  const nameProblem = templateNameProblem(header.group, header.kind, header.name);
  if (nameProblem) ctx.error(['metadata', 'name'], nameProblem);
  readLabelsAndAnnotations(ctx);
  checkCounts(ctx, header);
  if (isSecretKind(header.apiVersion, header.kind)) checkSecretData(ctx, header);

  const object = header.object as KubeObject & JsonObject;
  // Karmada ignores a template's status; it is observed state, never desired state.
  delete object['status'];
  const meta: JsonObject = isPlainObject(object['metadata']) ? object['metadata'] : {};
  for (const field of SERVER_SET_METADATA) {
    if (meta[field] === undefined) continue;
    ctx.warning(['metadata', field], 'is set by the API server; ignored (remove it from the template)', { key: true });
    delete meta[field];
  }

  const pending: PendingTemplate = {
    apiVersion: header.apiVersion,
    group: header.group,
    kind: header.kind,
    name: header.name,
    namespace: header.namespace,
    object,
    source: ctx.doc.source,
    namespaceAt: ctx.at(['metadata', 'namespace']),
    kindAt: ctx.at(['kind']),
    held: options.misplaced,
  };
  if (!options.misplaced && header.group === 'apiextensions.k8s.io' && header.kind === 'CustomResourceDefinition') {
    const defines = readCrdScope(ctx, object);
    if (defines) pending.defines = defines;
  }
  if (ctx.errorCount > before) pending.held = true;
  return pending;
}

/** The counts the scheduler divides among clusters (Karmada's replica interpreter), `group/Kind` → fields of spec. */
const COUNT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'apps/Deployment': ['replicas'],
  'apps/StatefulSet': ['replicas'],
  'apps/ReplicaSet': ['replicas'],
  'batch/Job': ['parallelism', 'completions'],
};

/** A count the API server would refuse (2.5, -3, 1e308, "3") must not be divided among clusters. */
function checkCounts(ctx: DocContext, header: DocHeader): void {
  const fields = COUNT_FIELDS[`${header.group}/${header.kind}`];
  const spec = header.object['spec'];
  if (!fields || spec == null) return;
  if (!isPlainObject(spec)) {
    ctx.error(['spec'], `expected a mapping, got ${describeValue(spec)}`);
    return;
  }
  for (const field of fields) {
    if (spec[field] != null) readValue(int32(), spec[field], ['spec', field], ctx);
  }
}

function readCrdScope(ctx: DocContext, crd: JsonObject): PendingTemplate['defines'] | null {
  if (!isPlainObject(crd['spec'])) {
    ctx.error(['spec'], `expected a mapping with group, names.kind and scope, got ${describeValue(crd['spec'])}`);
    return null;
  }
  const spec = crd['spec'];
  const names = isPlainObject(spec['names']) ? spec['names'] : {};
  const { group } = spec;
  const { kind } = names;
  const { scope } = spec;
  if (typeof group !== 'string' || group === '') ctx.error(['spec', 'group'], 'is required (a string)');
  if (typeof kind !== 'string' || kind === '') ctx.error(['spec', 'names', 'kind'], 'is required (a string)');
  if (scope !== 'Namespaced' && scope !== 'Cluster') ctx.error(['spec', 'scope'], `expected Namespaced or Cluster, got ${JSON.stringify(scope ?? null)}`);
  if (typeof group !== 'string' || typeof kind !== 'string' || (scope !== 'Namespaced' && scope !== 'Cluster') || group === '' || kind === '') return null;
  return { group, kind, scope };
}
