/**
 * Templates and override policies are user files; decisions may come from an older status file. Whatever they
 * hold, rendering ends in manifests or Problems for every placed object and never throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OverridePolicyDoc } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import type { OverrideOperator, Overriders } from '../model/karmada.js';
import type { PlacementDecision } from '../model/placement.js';
import { toManifestYaml } from './manifest-yaml.js';
import { renderFleet } from './render-fleet.js';
import { clusterDef, clusterOverridePolicy, configMap, decisionFor, deployment, fleetOf, job, overridePolicy, templateOf } from './testing.js';

const CLUSTERS = ['c0', 'c1', 'c2'];

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(null, '', -1, 1.5, 2147483647, 2147483648, 1e308, Infinity, Number.NaN, [], {}, [{}], 'a/b:c@sha256:00'),
);

const operator = fc.constantFrom<OverrideOperator>('add', 'remove', 'replace');
const pointer = fc.oneof(
  fc.constantFrom('/spec/replicas', '/spec/template/spec/containers/0/image', '/metadata/labels/x', '/spec/-', '/spec/template/spec/containers/-', '/data/k', '', '/', '/~2', '/spec/0/1', 'spec', '/metadata/name'),
  fc.array(fc.constantFrom('spec', 'metadata', 'template', 'containers', '0', '-', '~1', 'labels'), { maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
);

const overriders: fc.Arbitrary<Overriders> = fc.record(
  {
    plaintext: fc.array(fc.record({ path: pointer, operator, value: anyValue }, { requiredKeys: ['path', 'operator'] }), { maxLength: 2 }),
    imageOverrider: fc.array(
      fc.record(
        {
          predicate: fc.record({ path: pointer }),
          component: fc.constantFrom('Registry' as const, 'Repository' as const, 'Tag' as const),
          operator,
          value: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('mirror.io', 'v2', '', ':', '@sha256:x')),
        },
        { requiredKeys: ['component', 'operator'] },
      ),
      { maxLength: 2 },
    ),
    commandOverrider: fc.array(fc.record({ containerName: fc.constantFrom('app', 'work', 'none'), operator: fc.constantFrom('add' as const, 'remove' as const), value: fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }) }), { maxLength: 2 }),
    argsOverrider: fc.array(fc.record({ containerName: fc.constantFrom('app', 'work'), operator: fc.constantFrom('add' as const, 'remove' as const), value: fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }) }), { maxLength: 2 }),
    labelsOverrider: fc.array(fc.record({ operator, value: fc.dictionary(fc.constantFrom('a', 'b/c', 'resourcetemplate.karmada.io/retain-replicas'), fc.constantFrom('true', 'x', '')) }), { maxLength: 2 }),
    annotationsOverrider: fc.array(fc.record({ operator, value: fc.dictionary(fc.constantFrom('a', 'note'), fc.string({ maxLength: 5 })) }), { maxLength: 2 }),
    fieldOverrider: fc.array(
      fc.record({
        fieldPath: fc.constantFrom('/data/config.yaml', '/data/settings.json', '/data/missing', '/spec/replicas', '/metadata/name'),
        json: fc.array(fc.record({ subPath: pointer, operator, value: anyValue }), { maxLength: 2 }),
        yaml: fc.array(fc.record({ subPath: pointer, operator, value: anyValue }), { maxLength: 2 }),
      }),
      { maxLength: 1 },
    ),
  },
  { requiredKeys: [] },
);

const policy: fc.Arbitrary<OverridePolicyDoc> = fc
  .record({ name: fc.constantFrom('o1', 'o2', 'o3'), namespaced: fc.boolean(), clusters: fc.option(fc.subarray(CLUSTERS), { nil: undefined }), overriders })
  .map(({ name, namespaced, clusters, overriders }) => {
    const spec = { overrideRules: [clusters ? { targetCluster: { clusterNames: clusters }, overriders } : { overriders }] };
    return namespaced ? overridePolicy('default', name, spec) : clusterOverridePolicy(name, spec);
  });

/** Well-formed templates, then one field set to anything. */
const seed = fc.constantFrom<KubeObject>(
  deployment('web', { replicas: 3 }),
  deployment('api', { containers: [{ name: 'app', image: 'nginx', command: ['run'], args: ['--x'] }] }),
  configMap('cfg', { 'config.yaml': 'a: 1\nb: [1, 2]\n', 'settings.json': '{"k": 1}' }),
  job('batch', { parallelism: 4, completions: 10 }),
  // Completions split in proportion to the shares: once one at a time, 44 s for this count.
  job('huge', { parallelism: 2147483647, completions: 2147483647 }),
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } },
);
const FIELDS = ['spec', 'replicas', 'template', 'containers', 'image', 'metadata', 'labels', 'data', 'parallelism', 'completions', '0'];
const template = fc.tuple(seed, fc.array(fc.constantFrom(...FIELDS), { minLength: 1, maxLength: 4 }), anyValue, fc.boolean()).map(([obj, path, value, mutate]) => {
  if (!mutate) return obj;
  const copy = structuredClone(obj) as unknown as Record<string, unknown>;
  let cur = copy;
  for (const key of path.slice(0, -1)) {
    if (cur[key] === null || typeof cur[key] !== 'object') cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path.at(-1)!] = value;
  // Name and kind identify the object; the loader refuses templates without them.
  return { ...(copy as unknown as KubeObject), apiVersion: obj.apiVersion, kind: obj.kind, metadata: { ...(isRecord(copy.metadata) ? copy.metadata : {}), name: obj.metadata.name } };
});

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const share = fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constantFrom(2147483647, 1e308, -1, 1.5, Number.NaN, Infinity));

const scenario = fc.record({
  templates: fc.uniqueArray(template, { selector: (t) => `${t.kind}/${t.metadata.name}`, minLength: 1, maxLength: 4 }),
  policies: fc.array(policy, { maxLength: 3 }),
  shares: fc.array(fc.array(fc.option(share, { nil: undefined }), { minLength: CLUSTERS.length, maxLength: CLUSTERS.length }), { minLength: 4, maxLength: 4 }),
});

describe('render fuzzing', () => {
  it('renders every placed object or reports a Problem, for any templates, overrides and decisions', () => {
    fc.assert(
      fc.property(scenario, ({ templates, policies, shares }) => {
        const ts = templates.map((t) => templateOf(t));
        const decisions: PlacementDecision[] = ts.map((t, i) => {
          const row = shares[i]!;
          return decisionFor(t, CLUSTERS.flatMap((c, j) => (row[j] === undefined ? [] : [[c, row[j]] as [string, number]])));
        });
        const fleet = fleetOf({ clusters: CLUSTERS.map((c, i) => clusterDef(c, { region: i === 0 ? 'eu' : 'us' })), templates: ts, overridePolicies: policies });
        const result = renderFleet(fleet, decisions);
        for (const p of result.problems) expect(typeof p.message).toBe('string');
        for (const c of result.clusters) {
          for (const o of c.objects) {
            expect(o.hash).toMatch(/^[0-9a-f]{64}$/);
            // What `render --out` writes must serialise.
            expect(typeof toManifestYaml(o.object)).toBe('string');
          }
        }
        // Rendering again from the cache gives the same result.
        const again = renderFleet(fleet, decisions, { cache: result.cache });
        expect(again.clusters.map((c) => c.objects.map((o) => o.hash))).toEqual(result.clusters.map((c) => c.objects.map((o) => o.hash)));
      }),
      { numRuns: 800 },
    );
  }, 10_000);
});
