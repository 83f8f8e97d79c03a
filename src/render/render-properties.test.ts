/**
 * Properties of renderFleet over random fleets: output independent of input order, and incremental rendering (with
 * the previous pass's cache) equal to a full render after random edits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OverridePolicyDoc } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import type { PlacementDecision } from '../model/placement.js';
import { toManifestYaml } from './manifest-yaml.js';
import { renderFleet } from './render-fleet.js';
import {
  CPP,
  clusterDef,
  clusterOverridePolicy,
  configMap,
  decisionFor,
  deployment,
  fleetOf,
  job,
  overridePolicy,
  renderSnapshot,
  rule,
  syntheticFleet,
  templateOf,
} from './testing.js';
import type { RenderCache } from './types.js';

type Kind = 'Deployment' | 'ConfigMap' | 'Job' | 'Namespace';
interface TemplateSpec {
  kind: Kind;
  ns: string;
  replicas: number;
  label: string;
  file: number;
}
interface Spec {
  clusters: { region: string; tier: string }[];
  templates: TemplateSpec[];
  policies: number[];
  tweak: number;
  /** Per template, per cluster: replicas, or -1 when not placed there. */
  placement: number[][];
}

const NAMESPACES = ['default', 'ns-a', 'ns-b'];

/** A pool of policies: image, labels, plaintext (some failing on some kinds), label-selecting OverridePolicies. */
function policyPool(tweak: number): OverridePolicyDoc[] {
  const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
  return [
    clusterOverridePolicy('mirror-eu', {
      resourceSelectors: [DEPLOYMENT],
      overrideRules: [{ targetCluster: { labelSelector: { matchLabels: { region: 'eu' } } }, overriders: { imageOverrider: [{ component: 'Registry', operator: 'replace', value: `m${tweak}.eu.io` }] } }],
    }),
    clusterOverridePolicy('canary-label', { overrideRules: [rule({ labelsOverrider: [{ operator: 'add', value: { canary: 'yes' } }] }, ['c1', 'c3'])] }),
    clusterOverridePolicy('strategy-everywhere', { overrideRules: [rule({ plaintext: [{ path: '/spec/strategy', operator: 'add', value: { type: 'Recreate' } }] })] }),
    overridePolicy('ns-a', 'scale', {
      resourceSelectors: [{ ...DEPLOYMENT, namespace: 'ns-a' }],
      overrideRules: [{ targetCluster: { labelSelector: { matchLabels: { tier: 'b' } } }, overriders: { plaintext: [{ path: '/spec/replicas', operator: 'replace', value: tweak }] } }],
    }),
    overridePolicy('ns-a', 'canary-only', {
      resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns-a', labelSelector: { matchLabels: { canary: 'yes' } } }],
      overrideRules: [rule({ annotationsOverrider: [{ operator: 'add', value: { canary: `v${tweak}` } }] })],
    }),
    clusterOverridePolicy('retain-in-us', {
      resourceSelectors: [DEPLOYMENT],
      overrideRules: [{ targetCluster: { labelSelector: { matchLabels: { region: 'us' } } }, overriders: { labelsOverrider: [{ operator: 'add', value: { 'resourcetemplate.karmada.io/retain-replicas': 'true' } }] } }],
    }),
    clusterOverridePolicy('by-name', {
      resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 't0' }, { ...DEPLOYMENT, name: 't1' }],
      overrideRules: [rule({ labelsOverrider: [{ operator: 'add', value: { picked: String(tweak) } }] })],
    }),
    clusterOverridePolicy('ns-label', {
      resourceSelectors: [{ apiVersion: 'v1', kind: 'Namespace' }],
      overrideRules: [rule({ labelsOverrider: [{ operator: 'add', value: { zone: 'x' } }] }, ['c0'])],
    }),
  ];
}

function templateObject(t: TemplateSpec, i: number): KubeObject {
  const name = `t${i}`;
  const labels = { app: name, flavour: t.label };
  switch (t.kind) {
    case 'Deployment':
      return deployment(name, { namespace: t.ns, replicas: t.replicas, labels });
    case 'Job':
      return { ...job(name, { parallelism: t.replicas + 1, completions: 7 }, t.ns), metadata: { name, namespace: t.ns, labels } };
    case 'Namespace':
      return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: t.ns === 'default' ? 'ns-b' : t.ns, labels } };
    default:
      return { ...configMap(name, { k: t.label }, t.ns), metadata: { name, namespace: t.ns, labels } };
  }
}

function build(spec: Spec): { fleet: ReturnType<typeof fleetOf>; decisions: PlacementDecision[] } {
  const clusters = spec.clusters.map((c, i) => clusterDef(`c${i}`, { region: c.region, tier: c.tier }));
  const templates = spec.templates.map((t, i) => templateOf(templateObject(t, i), `workloads/f${t.file}.yaml`));
  const pool = policyPool(spec.tweak);
  const decisions = templates.map((t, i) => {
    const row = spec.placement[i] ?? [];
    const placed: [string, number][] = [];
    row.forEach((r, ci) => {
      if (r >= 0 && ci < clusters.length) placed.push([`c${ci}`, t.ref.kind === 'ConfigMap' || t.ref.kind === 'Namespace' ? 0 : r]);
    });
    return decisionFor(t, placed, i % 2 === 0 ? CPP : { kind: 'PropagationPolicy', namespace: t.ref.namespace, name: 'pp' });
  });
  // Namespace templates are unique by name; later duplicates are dropped like the loader would refuse them.
  const seen = new Set<string>();
  const unique = templates.filter((t) => !seen.has(`${t.ref.kind}/${t.ref.namespace}/${t.ref.name}`) && seen.add(`${t.ref.kind}/${t.ref.namespace}/${t.ref.name}`));
  return { fleet: fleetOf({ clusters, templates: unique, overridePolicies: [...new Set(spec.policies)].map((p) => pool[p % pool.length]!) }), decisions };
}

const templateArb: fc.Arbitrary<TemplateSpec> = fc.record({
  kind: fc.constantFrom<Kind>('Deployment', 'ConfigMap', 'Job', 'Namespace'),
  ns: fc.constantFrom(...NAMESPACES),
  replicas: fc.integer({ min: 0, max: 4 }),
  label: fc.constantFrom('x', 'y'),
  file: fc.integer({ min: 0, max: 2 }),
});

const specArb: fc.Arbitrary<Spec> = fc.record({
  clusters: fc.array(fc.record({ region: fc.constantFrom('eu', 'us'), tier: fc.constantFrom('a', 'b') }), { minLength: 1, maxLength: 5 }),
  templates: fc.array(templateArb, { minLength: 1, maxLength: 7 }),
  policies: fc.array(fc.nat(7), { maxLength: 6 }),
  tweak: fc.integer({ min: 1, max: 3 }),
  placement: fc.array(fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 5, maxLength: 5 }), { minLength: 7, maxLength: 7 }),
});

type Edit = (s: Spec) => Spec;
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(), templateArb).map(([i, t]): Edit => (s) => ({ ...s, templates: s.templates.map((x, j) => (j === i % s.templates.length ? t : x)) })),
  fc.tuple(fc.nat(), fc.constantFrom('x', 'y', 'z')).map(([i, label]): Edit => (s) => ({ ...s, templates: s.templates.map((x, j) => (j === i % s.templates.length ? { ...x, label } : x)) })),
  fc.nat(7).map((p): Edit => (s) => ({ ...s, policies: s.policies.includes(p) ? s.policies.filter((q) => q !== p) : [...s.policies, p] })),
  fc.integer({ min: 1, max: 3 }).map((tweak): Edit => (s) => ({ ...s, tweak })),
  fc.tuple(fc.nat(), fc.constantFrom('eu', 'us'), fc.constantFrom('a', 'b')).map(([i, region, tier]): Edit => (s) => ({ ...s, clusters: s.clusters.map((c, j) => (j === i % s.clusters.length ? { region, tier } : c)) })),
  fc.tuple(fc.nat(6), fc.nat(4), fc.integer({ min: -1, max: 4 })).map(([t, c, r]): Edit => (s) => ({ ...s, placement: s.placement.map((row, i) => (i === t ? row.map((x, j) => (j === c ? r : x)) : row)) })),
  fc.constant<Edit>((s) => ({ ...s, templates: s.templates.length > 1 ? s.templates.slice(0, -1) : s.templates })),
  fc.constant<Edit>((s) => ({ ...s, clusters: s.clusters.length > 1 ? s.clusters.slice(1) : s.clusters })),
);

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('renderFleet properties', () => {
  it('is byte-identical whatever the order of its inputs', () => {
    fc.assert(
      fc.property(specArb, fc.integer({ min: 1, max: 1_000_000 }), (spec, seed) => {
        const { fleet, decisions } = build(spec);
        const base = renderFleet(fleet, decisions);
        const shuffledFleet = {
          ...fleet,
          clusters: shuffled(fleet.clusters, seed),
          templates: shuffled(fleet.templates, seed + 1),
          overridePolicies: shuffled(fleet.overridePolicies, seed + 2),
        };
        const shuffledDecisions = shuffled(decisions, seed + 3).map((d) => ({ ...d, clusters: shuffled(d.clusters, seed + 4) }));
        const other = renderFleet(shuffledFleet, shuffledDecisions);
        expect(renderSnapshot(other)).toBe(renderSnapshot(base));
        const yaml = (r: typeof base) => r.clusters.flatMap((c) => c.objects.map((o) => toManifestYaml(o.object))).join('---\n');
        expect(yaml(other)).toBe(yaml(base));
      }),
      { numRuns: 150 },
    );
  });

  it('renders incrementally exactly what a full render gives, after random edits (also for some clusters only)', () => {
    let reusedSomewhere = 0;
    const round = fc.record({ edits: fc.array(editArb, { maxLength: 3 }), only: fc.option(fc.subarray(['c0', 'c1', 'c2', 'c3'])) });
    fc.assert(
      fc.property(specArb, fc.array(round, { minLength: 1, maxLength: 4 }), (spec, rounds) => {
        let current = spec;
        let cache: RenderCache = renderFleet(build(current).fleet, build(current).decisions).cache;
        for (const { edits, only } of rounds) {
          current = edits.reduce((s, e) => e(s), current);
          const { fleet, decisions } = build(current);
          const options = only ? { clusters: only } : {};
          const incremental = renderFleet(fleet, decisions, { ...options, cache });
          const full = renderFleet(fleet, decisions, options);
          expect(renderSnapshot(incremental)).toBe(renderSnapshot(full));
          expect(incremental.stats.computed + incremental.stats.reused).toBe(full.stats.computed);
          reusedSomewhere += incremental.stats.reused;
          cache = incremental.cache;
        }
      }),
      { numRuns: 150 },
    );
    expect(reusedSomewhere).toBeGreaterThan(0);
  });
});

describe('renderFleet incremental cost', () => {
  const { fleet, decisions } = syntheticFleet({ clusters: 40, templates: 60, policies: 4 });
  const first = renderFleet(fleet, decisions);

  it('reuses everything when nothing changed', () => {
    const again = renderFleet(fleet, decisions, { cache: first.cache });
    expect(again.stats.computed).toBe(0);
    expect(again.stats.reused).toBe(first.stats.computed);
    expect(renderSnapshot(again)).toBe(renderSnapshot(first));
  });

  it('recomputes only the changed template after a one-template change', () => {
    const changed = fleet.templates.map((t, i) =>
      i === 0 ? { ...t, object: { ...t.object, metadata: { ...t.object.metadata, labels: { ...t.object.metadata.labels, edited: 'yes' } } } } : t,
    );
    const edited = { ...fleet, templates: changed };
    const next = renderFleet(edited, decisions, { cache: first.cache });
    const distinctRenderingsOfTemplate0 = new Set(first.clusters.map((c) => c.objects.find((o) => o.ref.name === fleet.templates[0]!.ref.name)?.hash)).size;
    expect(next.stats.computed).toBe(distinctRenderingsOfTemplate0);
    expect(next.stats.computed).toBeLessThanOrEqual(fleet.clusters.length);
    expect(renderSnapshot(next)).toBe(renderSnapshot(renderFleet(edited, decisions)));
  });

  it('recomputes only what a policy change touches', () => {
    const policies = fleet.overridePolicies.map((p, i) =>
      i === 1 ? { ...p, spec: { ...p.spec, overrideRules: [{ ...p.spec.overrideRules![0]!, overriders: { labelsOverrider: [{ operator: 'add' as const, value: { changed: 'yes' } }] } }] } } : p,
    );
    const edited = { ...fleet, overridePolicies: policies };
    const next = renderFleet(edited, decisions, { cache: first.cache });
    expect(next.stats.computed).toBeGreaterThan(0);
    expect(next.stats.computed).toBeLessThan(first.stats.computed / 2);
    expect(renderSnapshot(next)).toBe(renderSnapshot(renderFleet(edited, decisions)));
  });
});
