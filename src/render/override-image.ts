/** imageOverrider (docs/fleet-repository.md#overriders): rewrites the registry, repository or tag of container images. */
import type { ImageOverrider } from '../model/karmada.js';
import type { KubeObject } from '../model/kube.js';
import { formatImage, parseImage, setTagOrDigest, tagOrDigest } from './image-reference.js';
import { lookup, parsePointer, pointerOf } from './json-pointer.js';
import { applyStrictPatch } from './json-patch.js';
import { OverrideFailure, describeError } from './override-failure.js';
import { podContainers } from './pod-containers.js';
import { writableAt } from './writable.js';

/** The image after one overrider; throws when `image` is not a valid reference. An unknown operator changes nothing. */
export function overrideImage(image: string, overrider: ImageOverrider): string {
  const c = parseImage(image);
  const value = overrider.value ?? '';
  switch (overrider.component) {
    case 'Registry':
      if (overrider.operator === 'add') return formatImage({ ...c, hostname: c.hostname + value });
      if (overrider.operator === 'replace') return formatImage({ ...c, hostname: value });
      if (overrider.operator === 'remove') return formatImage({ ...c, hostname: '' });
      return formatImage(c);
    case 'Repository':
      if (overrider.operator === 'add') return formatImage({ ...c, repository: c.repository + value });
      if (overrider.operator === 'replace') return formatImage({ ...c, repository: value });
      if (overrider.operator === 'remove') return formatImage({ ...c, repository: '' });
      return formatImage(c);
    case 'Tag':
      if (overrider.operator === 'add') return formatImage(setTagOrDigest(c, tagOrDigest(c) + value));
      if (overrider.operator === 'replace') return formatImage(setTagOrDigest(c, value));
      if (overrider.operator === 'remove') return formatImage({ ...c, tag: '', digest: '' });
      return formatImage(c);
    default:
      throw new Error(`unsupported image component ${JSON.stringify(overrider.component)}`);
  }
}

/** Changes `obj` in place (pass a copy) and returns it. */
export function imageOverriderInPlace(obj: KubeObject, overrider: ImageOverrider, field: string): KubeObject {
  if (overrider.predicate) return overrideAtPredicate(obj, overrider, overrider.predicate.path, field);
  for (const { path, container } of podContainers(obj, field)) {
    const image = typeof container.image === 'string' ? container.image : '';
    const rewritten = rewrite(image, overrider, field, pointerOf([...path, 'image']));
    (writableAt(obj, path) as Record<string, unknown>).image = rewritten;
  }
  return obj;
}

function overrideAtPredicate(obj: KubeObject, overrider: ImageOverrider, path: string, field: string): KubeObject {
  const tokens = parsePointer(path);
  if (tokens === null) throw new OverrideFailure(`${field}.predicate.path`, `${JSON.stringify(path)} is not a JSON pointer`);
  const found = lookup(obj, tokens);
  if (!found.found) throw new OverrideFailure(`${field}.predicate.path`, `${found.missing} does not exist`);
  if (typeof found.value !== 'string') throw new OverrideFailure(`${field}.predicate.path`, `${path} is not a string`);
  const image = rewrite(found.value, overrider, field, path);
  return applyStrictPatch(obj, [{ op: 'replace', path, value: image }], () => `${field}.predicate.path`) as KubeObject;
}

function rewrite(image: string, overrider: ImageOverrider, field: string, where: string): string {
  try {
    return overrideImage(image, overrider);
  } catch (err) {
    throw new OverrideFailure(field, `${where}: ${describeError(err)}`);
  }
}
