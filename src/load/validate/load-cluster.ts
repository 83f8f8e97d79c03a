/**
 * clusters/: Karmada `Cluster` objects → ClusterDef. A cluster whose name is unusable is left out; otherwise a
 * field that fails validation is reported and left out of the spec while the cluster itself stays, because
 * dropping a cluster would move every workload off it.
 */
import type { ClusterDef } from '../../model/fleet.js';
import type { ClusterSpec } from '../../model/karmada.js';
import { firstTaintPerKeyAndEffect, type Taint } from '../../model/kube.js';
import type { DocContext } from './doc-context.js';
import { credentialFields, clusterSpec } from './cluster-schema.js';
import type { FieldPath } from '../parse/field-path.js';
import { cloneJson } from '../parse/json.js';
import { dns1123LabelProblem } from './k8s-syntax.js';
import { readLabelsAndAnnotations, type DocHeader } from './object-header.js';
import { checkRootFields } from './root-fields.js';
import { readValue } from './schema.js';
import { isPlainObject } from '../../util/json.js';

export const CLUSTER_API_VERSION = 'cluster.karmada.io/v1alpha1';
/** Karmada's limit: the name also becomes the execution namespace `karmada-es-<name>`. */
export const CLUSTER_NAME_MAX = 48;

export function isClusterKind(group: string, kind: string): boolean {
  return group === 'cluster.karmada.io' && kind === 'Cluster';
}

export function loadCluster(ctx: DocContext, header: DocHeader): ClusterDef | null {
  if (header.apiVersion !== CLUSTER_API_VERSION) ctx.error(['apiVersion'], `expected ${CLUSTER_API_VERSION}, got ${JSON.stringify(header.apiVersion)}`);
  const nameProblem = dns1123LabelProblem(header.name, CLUSTER_NAME_MAX);
  if (nameProblem) {
    ctx.error(['metadata', 'name'], `${nameProblem} (a cluster name is also a directory name)`);
    return null;
  }
  checkRootFields(ctx, header.object, 'warning');
  if (header.namespace !== undefined) ctx.warning(['metadata', 'namespace'], 'Cluster is cluster-scoped; the namespace is ignored');
  const credentials = credentialFields(header.object['spec'], ['spec']);
  for (const path of credentials) {
    ctx.error(path, "looks like a credential; credentials must never be stored in the fleet repository (use spec.secretRef or the controller's kubeconfig)", { key: true });
  }
  const { labels, annotations } = readLabelsAndAnnotations(ctx);
  const rawSpec = withoutFields(header.object['spec'], credentials);
  const read = rawSpec == null ? {} : ((readValue(clusterSpec(), rawSpec, ['spec'], ctx) ?? {}) as Partial<ClusterSpec>);
  if (read.zone !== undefined) ctx.warning(['spec', 'zone'], 'is deprecated and never used for scheduling; use spec.zones');
  if (read.taints) read.taints = uniqueTaints(ctx, read.taints);
  const spec: ClusterSpec = { ...read, syncMode: read.syncMode ?? 'Push' };
  return { name: header.name, labels, annotations, spec, source: ctx.doc.source };
}

/** A copy of `value` without the fields at `paths` (paths start below `spec`), so they are reported only once. */
function withoutFields(value: unknown, paths: FieldPath[]): unknown {
  if (paths.length === 0) return value;
  const copy = cloneJson(value);
  for (const path of paths) {
    let parent: unknown = copy;
    for (const segment of path.slice(1, -1)) parent = (parent as Record<string | number, unknown> | undefined)?.[segment];
    const last = path[path.length - 1]!;
    if (isPlainObject(parent)) delete parent[String(last)];
  }
  return copy;
}

/** Kubernetes allows one taint per key and effect; a repeated one is reported and left out, the first is kept. */
function uniqueTaints(ctx: DocContext, taints: Taint[]): Taint[] {
  const spec = (ctx.doc.value as { spec?: unknown }).spec;
  const raw = isPlainObject(spec) && Array.isArray(spec['taints']) ? spec['taints'] : [];
  const firstIndex = new Map<string, number>();
  raw.forEach((r: unknown, i) => {
    if (!isPlainObject(r) || typeof r['key'] !== 'string' || typeof r['effect'] !== 'string') return;
    const id = `${r['key']}:${r['effect']}`;
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, i);
    else ctx.error(['spec', 'taints', i], `duplicate taint ${id} (also taints[${first}]); key and effect must be unique together, the first is used`);
  });
  return firstTaintPerKeyAndEffect(taints);
}
