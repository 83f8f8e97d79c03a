/**
 * `file:line:column` of a field inside a loaded policy or cluster, for later stages that find a problem in one
 * (the render stage reports the overrider that failed). Positions are kept only for policies and clusters, which
 * are few and small; for a resource template the answer is its document's start (`template.source`).
 */
import type { SourceLocation } from '../../model/problem.js';
import type { FieldPath } from './field-path.js';
import type { YamlDocument } from './yaml-documents.js';
import { isPlainObject } from '../../util/json.js';

const positions = new WeakMap<object, YamlDocument>();

export function rememberPositions(owner: object, doc: YamlDocument): void {
  positions.set(owner, doc);
}

export function copyPositions(from: object, to: object): void {
  const doc = positions.get(from);
  if (doc) positions.set(to, doc);
}

/**
 * Where `path` (from the document root, e.g. `['spec', 'overrideRules', 0, 'overriders', 'plaintext', 1, 'path']`)
 * is written, or its closest existing parent; `owner.source` for objects without kept positions. Paths into
 * `spec.overrideRules[0]` of a policy written in the deprecated single-rule form point at `spec.targetCluster` /
 * `spec.overriders`, where the rule actually is.
 */
export function locateField(owner: { source: SourceLocation }, path: FieldPath): SourceLocation {
  const doc = positions.get(owner);
  if (!doc) return owner.source;
  return doc.locate(asWritten(doc.value, path));
}

function asWritten(value: unknown, path: FieldPath): FieldPath {
  if (path[0] !== 'spec' || path[1] !== 'overrideRules' || path[2] !== 0) return path;
  const spec = isPlainObject(value) ? value['spec'] : undefined;
  if (!isPlainObject(spec) || spec['overrideRules'] !== undefined) return path;
  return ['spec', ...path.slice(3)];
}
