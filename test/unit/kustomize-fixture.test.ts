import { applyPatch } from 'fast-json-patch';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/model/kube.js';
import { groupOf } from '../../src/model/refs.js';
import { FIXTURE_CLUSTER_LABEL, fixtureClusterName, generateKustomizeComparison, type FixtureFile } from '../../bench/fixtures/kustomize-fixture.js';
import { renderFleet } from '../../src/render/render-fleet.js';
import { fleetFromFixture } from '../../src/render/testing.js';

interface Overlay {
  resources: string[];
  labels: { pairs: Record<string, string> }[];
  patches: { target: { group?: string; version?: string; kind: string }; patch: string }[];
}

function file(files: readonly FixtureFile[], path: string): string {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path}`);
  return f.content;
}

/** What `kubectl kustomize overlays/<cluster>` produces, for the features the fixture uses. */
function kustomizeBuild(files: readonly FixtureFile[], cluster: string): KubeObject[] {
  const base = parse(file(files, 'base/kustomization.yaml')) as { resources: string[] };
  const overlay = parse(file(files, `overlays/${cluster}/kustomization.yaml`)) as Overlay;
  expect(overlay.resources).toEqual(['../../base']);
  const objects = base.resources.flatMap((r) => parseAllDocuments(file(files, `base/${r}`)).map((d) => d.toJS() as KubeObject));
  return objects.map((obj) => {
    let out = structuredClone(obj);
    for (const p of overlay.patches) {
      if (p.target.kind !== out.kind || (p.target.group ?? '') !== groupOf(out.apiVersion)) continue;
      out = applyPatch(out, parse(p.patch) as never, true, true).newDocument;
    }
    for (const { pairs } of overlay.labels) out.metadata.labels = { ...out.metadata.labels, ...pairs };
    return out;
  });
}

function withoutFlotilla(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj) as KubeObject;
  for (const map of [copy.metadata.labels, copy.metadata.annotations]) {
    for (const key of Object.keys(map ?? {})) if (key.startsWith('flotilla.dev/')) delete map![key];
  }
  return copy;
}

describe('generateKustomizeComparison', () => {
  it('is deterministic', () => {
    expect(generateKustomizeComparison(4, 9)).toEqual(generateKustomizeComparison(4, 9));
    expect(JSON.stringify(generateKustomizeComparison(3, 5))).toBe(JSON.stringify(generateKustomizeComparison(3, 5)));
  });

  it('writes one Cluster, one override policy and one overlay per cluster, the templates once in each tree', () => {
    const { fleet, kustomize } = generateKustomizeComparison(3, 7);
    expect(fleet.filter((f) => f.path.startsWith('clusters/')).map((f) => f.path)).toEqual(['clusters/member-001.yaml', 'clusters/member-002.yaml', 'clusters/member-003.yaml']);
    expect(fleet.filter((f) => f.path.startsWith('policies/overrides/'))).toHaveLength(3);
    expect(kustomize.filter((f) => f.path.startsWith('overlays/'))).toHaveLength(3);
    const workloads = fleet.filter((f) => f.path.startsWith('workloads/'));
    const base = kustomize.filter((f) => f.path.startsWith('base/') && !f.path.endsWith('kustomization.yaml'));
    expect(workloads.map((f) => f.content)).toEqual(base.map((f) => f.content));
    expect(workloads).toHaveLength(7 + 1);
    expect(new Set(fleet.map((f) => f.path)).size).toBe(fleet.length);
  });

  it.each([[1], [3]])('renders cluster %i exactly as its kustomize overlay describes', (clusterNumber) => {
    const files = generateKustomizeComparison(4, 12);
    const cluster = fixtureClusterName(clusterNumber - 1, 4);
    const { fleet, decisions } = fleetFromFixture(files.fleet);
    const result = renderFleet(fleet, decisions);
    expect(result.problems).toEqual([]);
    const rendered = result.clusters.find((c) => c.cluster === cluster)!.objects.map((o) => withoutFlotilla(o.object));
    const expected = kustomizeBuild(files.kustomize, cluster);
    const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(rendered.map(key).sort()).toEqual(expected.map(key).sort());
    const byKey = new Map(expected.map((o) => [key(o), o]));
    for (const obj of rendered) expect(obj).toEqual(byKey.get(key(obj)));
    expect(rendered.every((o) => o.metadata.labels?.[FIXTURE_CLUSTER_LABEL] === cluster)).toBe(true);
  });
});
