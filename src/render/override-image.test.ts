import { describe, expect, it } from 'vitest';
import type { ImageOverrider } from '../model/karmada.js';
import type { KubeObject } from '../model/kube.js';
import { formatImage, parseImage } from './image-reference.js';
import { overrideImage } from './override-image.js';
import { applyImageOverrider } from './overriders.js';
import { OverrideFailure } from './override-failure.js';

const SHA = 'sha256:' + 'ab'.repeat(32);
const OTHER_SHA = 'sha256:' + 'cd'.repeat(32);

describe('parseImage', () => {
  it.each([
    ['pause', '', 'pause', '', ''],
    ['library/nginx:1.25', '', 'library/nginx', '1.25', ''],
    ['registry.example.com/app:v1', 'registry.example.com', 'app', 'v1', ''],
    ['registry.example.com:5000/team/app:v1', 'registry.example.com:5000', 'team/app', 'v1', ''],
    ['localhost/app', 'localhost', 'app', '', ''],
    ['localhost:5000/app:v1', 'localhost:5000', 'app', 'v1', ''],
    ['10.0.0.1:5000/team/app', '10.0.0.1:5000', 'team/app', '', ''],
    ['MyOrg/app', '', 'MyOrg/app', '', ''],
    [`ghcr.io/team/app@${SHA}`, 'ghcr.io', 'team/app', '', SHA],
    [`ghcr.io/team/app:v1@${SHA}`, 'ghcr.io', 'team/app', 'v1', SHA],
    ['a__b/c--d.e_f:tag-1.2_x', '', 'a__b/c--d.e_f', 'tag-1.2_x', ''],
  ])('%s', (image, hostname, repository, tag, digest) => {
    const c = parseImage(image);
    expect(c).toEqual({ hostname, repository, tag, digest });
    expect(formatImage(c)).toBe(image);
  });

  it.each([
    ['', /empty/],
    ['NGINX', /lower-case/],
    ['app:', /not a valid image reference/],
    ['app:-bad', /not a valid image reference/],
    ['app@sha256:abc', /not a valid image reference/],
    [`app@md5:${'a'.repeat(32)}`, /unsupported digest algorithm/],
    [`app@sha256:${'A'.repeat(64)}`, /invalid sha256 digest/],
    ['a/'.repeat(130) + 'b', /longer than 255/],
  ])('%j is refused', (image, message) => {
    expect(() => parseImage(image)).toThrow(message);
  });
});

describe('overrideImage (component × operator)', () => {
  const base = 'registry.example.com/imagename:v1.0.0';
  it.each<[string, string, ImageOverrider, string]>([
    ['Registry add appends to the host', base, { component: 'Registry', operator: 'add', value: '.cn' }, 'registry.example.com.cn/imagename:v1.0.0'],
    ['Registry add without a host sets one', 'perl:5.34', { component: 'Registry', operator: 'add', value: 'registry.k8s.io' }, 'registry.k8s.io/perl:5.34'],
    ['Registry replace', base, { component: 'Registry', operator: 'replace', value: 'mirror.example.org' }, 'mirror.example.org/imagename:v1.0.0'],
    ['Registry remove', base, { component: 'Registry', operator: 'remove' }, 'imagename:v1.0.0'],
    ['Registry replace keeps a digest', `r.io/team/app:v1@${SHA}`, { component: 'Registry', operator: 'replace', value: 'm.io' }, `m.io/team/app:v1@${SHA}`],
    ['Repository add appends', base, { component: 'Repository', operator: 'add', value: '/nginx' }, 'registry.example.com/imagename/nginx:v1.0.0'],
    ['Repository replace', base, { component: 'Repository', operator: 'replace', value: 'nginx' }, 'registry.example.com/nginx:v1.0.0'],
    ['Repository remove leaves the separators (as Karmada)', base, { component: 'Repository', operator: 'remove' }, 'registry.example.com/:v1.0.0'],
    ['Tag add appends', base, { component: 'Tag', operator: 'add', value: '-debug' }, 'registry.example.com/imagename:v1.0.0-debug'],
    ['Tag add that yields neither tag nor digest changes nothing', base, { component: 'Tag', operator: 'add', value: SHA }, base],
    ['Tag replace with a tag', base, { component: 'Tag', operator: 'replace', value: 'v2' }, 'registry.example.com/imagename:v2'],
    ['Tag replace with a digest', base, { component: 'Tag', operator: 'replace', value: OTHER_SHA }, `registry.example.com/imagename@${OTHER_SHA}`],
    ['Tag replace on a digest', `app@${SHA}`, { component: 'Tag', operator: 'replace', value: 'v3' }, 'app:v3'],
    ['Tag replace on tag+digest drops the digest', `app:v1@${SHA}`, { component: 'Tag', operator: 'replace', value: 'v2' }, 'app:v2'],
    ['Tag remove', base, { component: 'Tag', operator: 'remove' }, 'registry.example.com/imagename'],
    ['Tag remove on a digest', `app@${SHA}`, { component: 'Tag', operator: 'remove' }, 'app'],
    ['Tag remove on tag+digest removes both', `app:v1@${SHA}`, { component: 'Tag', operator: 'remove' }, 'app'],
  ])('%s', (_name, image, overrider, expected) => {
    expect(overrideImage(image, overrider)).toBe(expected);
  });
});

function withContainers(kind: string, apiVersion: string, containers: unknown[], init: unknown[] = []): KubeObject {
  const podSpec = { containers, initContainers: init };
  const spec = kind === 'Pod' ? podSpec : kind === 'CronJob' ? { jobTemplate: { spec: { template: { spec: podSpec } } } } : { template: { spec: podSpec } };
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'default' }, spec };
}

const mirror: ImageOverrider = { component: 'Registry', operator: 'replace', value: 'mirror.io' };

describe('imageOverrider on objects', () => {
  it.each([
    ['Pod', 'v1', ['spec']],
    ['Deployment', 'apps/v1', ['spec', 'template', 'spec']],
    ['StatefulSet', 'apps/v1', ['spec', 'template', 'spec']],
    ['ReplicaSet', 'apps/v1', ['spec', 'template', 'spec']],
    ['DaemonSet', 'apps/v1', ['spec', 'template', 'spec']],
    ['Job', 'batch/v1', ['spec', 'template', 'spec']],
  ])('%s: every container, never initContainers', (kind, apiVersion, path) => {
    const obj = withContainers(kind, apiVersion, [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'r.io/b:2' }], [{ name: 'i', image: 'init:1' }]);
    const out = applyImageOverrider(obj, mirror);
    let spec: unknown = out;
    for (const key of path) spec = (spec as Record<string, unknown>)[key];
    expect(spec).toEqual({ containers: [{ name: 'a', image: 'mirror.io/a:1' }, { name: 'b', image: 'mirror.io/b:2' }], initContainers: [{ name: 'i', image: 'init:1' }] });
    expect(obj).toEqual(withContainers(kind, apiVersion, [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'r.io/b:2' }], [{ name: 'i', image: 'init:1' }]));
  });

  it.each([['CronJob', 'batch/v1'], ['ConfigMap', 'v1']])('%s: untouched without a predicate (as Karmada)', (kind, apiVersion) => {
    const obj = withContainers(kind, apiVersion, [{ name: 'a', image: 'a:1' }]);
    expect(applyImageOverrider(obj, mirror)).toEqual(obj);
  });

  it('a predicate path changes only that image, on any kind', () => {
    const obj = withContainers('CronJob', 'batch/v1', [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }]);
    const out = applyImageOverrider(obj, { ...mirror, predicate: { path: '/spec/jobTemplate/spec/template/spec/containers/1/image' } });
    const containers = (out.spec as { jobTemplate: { spec: { template: { spec: { containers: { image: string }[] } } } } }).jobTemplate.spec.template.spec.containers;
    expect(containers.map((c) => c.image)).toEqual(['a:1', 'mirror.io/b:1']);
  });

  it.each([
    ['a missing predicate path', { ...mirror, predicate: { path: '/spec/template/spec/containers/5/image' } }, 'imageOverrider.predicate.path', /does not exist/],
    ['a predicate at a non-string', { ...mirror, predicate: { path: '/spec/template/spec/containers/0' } }, 'imageOverrider.predicate.path', /not a string/],
    ['an invalid image', mirror, 'imageOverrider', /\/spec\/template\/spec\/containers\/0\/image: .*lower-case/],
  ])('fails on %s', (_name, overrider, field, message) => {
    const obj = withContainers('Deployment', 'apps/v1', [{ name: 'a', image: 'UPPER:1' }]);
    let error: unknown;
    try {
      applyImageOverrider(obj, overrider as ImageOverrider);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OverrideFailure);
    expect((error as OverrideFailure).field).toBe(field);
    expect((error as OverrideFailure).message).toMatch(message);
  });
});
