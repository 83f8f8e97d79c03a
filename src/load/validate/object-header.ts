/**
 * The part every document must have: apiVersion, kind and metadata.name (plus namespace, labels and annotations
 * with Kubernetes syntax). Without a readable identity a document cannot be used for anything.
 */
import { groupOf } from '../../model/refs.js';
import type { DocContext } from './doc-context.js';
import { describeValue } from './problems.js';
import { apiVersionProblem, dns1123LabelProblem, kindProblem, objectNameProblem, qualifiedNameProblem } from './k8s-syntax.js';
import { labelMap } from './selector-schemas.js';
import { mapOf, readValue, str } from './schema.js';
import { type JsonObject, isPlainObject } from '../../util/json.js';

export interface DocHeader {
  apiVersion: string;
  group: string;
  kind: string;
  /** "" when the document has no metadata.name (only allowed where `nameRequired` is false). */
  name: string;
  /** As written; undefined when absent. */
  namespace: string | undefined;
  object: JsonObject;
}

/** A present, non-empty string that passes `syntax`; null (reported) otherwise. */
function readIdentityString(ctx: DocContext, object: JsonObject, key: string, syntax: (value: string) => string | null): string | null {
  const value = object[key];
  if (value === undefined || value === null) {
    ctx.error([key], 'is required');
    return null;
  }
  if (typeof value !== 'string' || value === '') {
    ctx.error([key], `expected a non-empty string, got ${describeValue(value)}`);
    return null;
  }
  const problem = syntax(value);
  if (problem) {
    ctx.error([key], problem);
    return null;
  }
  return value;
}

/** Reads apiVersion, kind, metadata.name and metadata.namespace; null (with errors reported) when unusable. */
export interface HeaderOptions {
  nameRequired: boolean;
  /** Status files use `_cluster` as a namespace for cluster-scoped resources; they skip the syntax check. */
  namespaceSyntax?: boolean;
}

export function readHeader(ctx: DocContext, options: HeaderOptions): DocHeader | null {
  const object = ctx.doc.value;
  if (!isPlainObject(object)) {
    ctx.error([], `expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got ${describeValue(object)}`);
    return null;
  }
  const apiVersion = readIdentityString(ctx, object, 'apiVersion', apiVersionProblem);
  const kind = readIdentityString(ctx, object, 'kind', kindProblem);
  const meta = object['metadata'];
  let name: string | null = '';
  let namespace: string | undefined;
  if (meta === undefined || meta === null) {
    if (options.nameRequired) {
      ctx.error(['metadata'], 'is required (with metadata.name)');
      name = null;
    }
  } else if (!isPlainObject(meta)) {
    ctx.error(['metadata'], `expected a mapping, got ${describeValue(meta)}`);
    name = null;
  } else {
    const rawName = meta['name'];
    if (rawName === undefined || rawName === null) {
      if (options.nameRequired) {
        ctx.error(['metadata', 'name'], meta['generateName'] !== undefined ? 'is required (generateName is not supported: a fleet object needs a stable name)' : 'is required');
        name = null;
      }
    } else if (typeof rawName !== 'string' || rawName === '') {
      ctx.error(['metadata', 'name'], `expected a non-empty string, got ${describeValue(rawName)}`);
      name = null;
    } else {
      // Not even a path segment: later stages use names in file paths and URLs, so the object has no usable identity.
      const problem = objectNameProblem(rawName);
      if (problem) ctx.error(['metadata', 'name'], problem);
      name = problem ? null : rawName;
    }
    const rawNamespace = meta['namespace'];
    if (rawNamespace !== undefined && rawNamespace !== null) {
      if (typeof rawNamespace !== 'string') {
        ctx.error(['metadata', 'namespace'], `expected a string, got ${describeValue(rawNamespace)}`);
        name = null;
      } else if (rawNamespace !== '') {
        const problem = options.namespaceSyntax === false ? null : dns1123LabelProblem(rawNamespace);
        if (problem) {
          ctx.error(['metadata', 'namespace'], problem);
          name = null;
        } else namespace = rawNamespace;
      }
    }
  }
  if (apiVersion === null || kind === null || name === null) return null;
  return { apiVersion, group: groupOf(apiVersion), kind, name, namespace, object };
}

export interface Metadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** metadata.labels and metadata.annotations with Kubernetes key and value syntax (errors for anything else). */
export function readLabelsAndAnnotations(ctx: DocContext): Metadata {
  const meta = (ctx.doc.value as JsonObject)['metadata'];
  const m = isPlainObject(meta) ? meta : {};
  const labels = m['labels'] == null ? {} : ((readValue(labelMap(), m['labels'], ['metadata', 'labels'], ctx) ?? {}) as Record<string, string>);
  const annotations =
    m['annotations'] == null ? {} : ((readValue(mapOf(str(), qualifiedNameProblem), m['annotations'], ['metadata', 'annotations'], ctx) ?? {}) as Record<string, string>);
  return { labels, annotations };
}
