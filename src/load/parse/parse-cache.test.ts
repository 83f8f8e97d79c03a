import { describe, expect, it } from 'vitest';
import { loadFleet } from '../load-fleet.js';
import { ParseCache } from './parse-cache.js';
import { parseYamlDocuments } from './yaml-documents.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  replicas: 2\n  paused: on\n';

/** What a caller can observe of a parse: everything but the functions, plus where a field is located. */
function observable(parsed: ReturnType<typeof parseYamlDocuments>) {
  return {
    ...parsed,
    documents: parsed.documents.map((d) => ({ index: d.index, value: d.value, source: d.source, at: d.locate(['spec', 'replicas']), written: d.written(['spec', 'paused']) })),
  };
}

describe('ParseCache', () => {
  it('hands out what a fresh parse gives, for the same bytes in another buffer', () => {
    const cache = new ParseCache();
    const first = observable(cache.parse('workloads/web.yaml', bytes(DEPLOYMENT), {}));
    const again = observable(cache.parse('workloads/web.yaml', bytes(DEPLOYMENT), {}));
    expect(again).toEqual(observable(parseYamlDocuments('workloads/web.yaml', DEPLOYMENT)));
    expect(again).toEqual(first);
    expect(first.warnings).toHaveLength(1);
  });

  it('hands out copies: a caller changing its values or problems changes nothing for the next one', () => {
    const cache = new ParseCache();
    const first = cache.parse('workloads/web.yaml', bytes(DEPLOYMENT), {});
    (first.documents[0]!.value as { spec: { replicas: number } }).spec.replicas = 7;
    first.warnings[0]!.message = 'changed';
    const second = cache.parse('workloads/web.yaml', bytes(DEPLOYMENT), {});
    (second.documents[0]!.value as { metadata: { name: string } }).metadata.name = 'other';
    const third = cache.parse('workloads/web.yaml', bytes(DEPLOYMENT), {});
    expect(third.documents[0]!.value).toEqual(parseYamlDocuments('workloads/web.yaml', DEPLOYMENT).documents[0]!.value);
    expect(third.warnings[0]!.message).not.toBe('changed');
  });

  it('parses again when the bytes, the path or the options differ', () => {
    const cache = new ParseCache();
    cache.parse('workloads/web.yaml', bytes(DEPLOYMENT), {});
    const changed = DEPLOYMENT.replace('replicas: 2', 'replicas: 3');
    expect(cache.parse('workloads/web.yaml', bytes(changed), {}).documents[0]!.value).toMatchObject({ spec: { replicas: 3 } });
    expect(cache.parse('workloads/web.yaml', bytes(DEPLOYMENT), { yaml11Warnings: false }).warnings).toEqual([]);
    expect(cache.parse('workloads/other.yaml', bytes(DEPLOYMENT), {}).documents[0]!.source.file).toBe('workloads/other.yaml');
    expect(cache.parse('workloads/web.yaml', bytes(DEPLOYMENT), { maxFileBytes: 10 }).complete).toBe(false);
  });

  it('gives loadFleet the same fleet as loading without it, also when another load changed its objects', () => {
    const files = [
      { path: 'clusters/m1.yaml', content: bytes('apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: m1}\n') },
      { path: 'workloads/web.yaml', content: bytes(DEPLOYMENT) },
    ];
    const cache = new ParseCache();
    const first = loadFleet(files, { parseCache: cache });
    first.templates[0]!.object.metadata.name = 'mutated';
    expect(loadFleet(files, { parseCache: cache })).toEqual(loadFleet(files));
  });
});
