/** Unified diffs of rendered objects, as `git diff` shows files: `a/<cluster>/<path>` → `b/<cluster>/<path>`. */
import { createTwoFilesPatch } from 'diff';
import { ANNOTATION_CONTENT_HASH } from '../model/constants.js';
import type { KubeObject } from '../model/kube.js';
import type { RenderedObject } from '../render/index.js';
import { toManifestYaml } from '../render/index.js';
import { isSecret, redactSecret, secretKeyChanges } from './secret.js';
import type { ObjectChangeKind, ObjectDiff } from './types.js';

const DEV_NULL = '/dev/null';

/** `toYaml`: manifestYamlWriter() shared by the diffs of one plan, so subtrees shared between objects are written once. */
export function objectDiff(cluster: string, before: RenderedObject | undefined, after: RenderedObject | undefined, toYaml: (obj: KubeObject) => string = toManifestYaml): ObjectDiff {
  const subject = (after ?? before)!;
  const change: ObjectChangeKind = !before ? 'added' : !after ? 'removed' : 'changed';
  let beforeObject = before?.object;
  let afterObject = after?.object;
  let secretKeys: ObjectDiff['secretKeys'];
  if (isSecret(subject.ref)) {
    secretKeys = secretKeyChanges(beforeObject, afterObject);
    const changed = new Set(secretKeys.changed);
    beforeObject = beforeObject && redactSecret(beforeObject);
    afterObject = afterObject && redactSecret(afterObject, changed);
  }
  const patch = createTwoFilesPatch(
    before ? `a/${cluster}/${before.relPath}` : DEV_NULL,
    after ? `b/${cluster}/${after.relPath}` : DEV_NULL,
    beforeObject ? toYaml(withoutContentHash(beforeObject)) : '',
    afterObject ? toYaml(withoutContentHash(afterObject)) : '',
  );
  // jsdiff opens with a line of '=' that git's format has not.
  const diff = patch.slice(patch.indexOf('\n') + 1);
  return { resource: subject.ref, change, diff, ...(secretKeys ? { secretKeys } : {}) };
}

/** The content hash changes with every change: in a diff it is noise, and the change itself is shown anyway. */
function withoutContentHash(obj: KubeObject): KubeObject {
  const annotations = obj.metadata.annotations;
  if (!annotations || !(ANNOTATION_CONTENT_HASH in annotations)) return obj;
  const { [ANNOTATION_CONTENT_HASH]: _hash, ...rest } = annotations;
  return { ...obj, metadata: { ...obj.metadata, annotations: rest } };
}
