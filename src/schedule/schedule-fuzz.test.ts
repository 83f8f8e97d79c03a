/**
 * The scheduler's inputs are user files (templates, policies) and what clusters report (status, previous
 * placements). The loader validates most of it, but the scheduler must not rely on that for termination: for random
 * and hostile fleets it returns one decision per template, each with a message, and never throws or hangs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ClusterStatus, Fleet, PlacementRecord, PropagationPolicyDoc, ResourceTemplate } from '../model/fleet.js';
import type { ClusterAffinity, Placement, ReplicaSchedulingStrategy, SpreadConstraint } from '../model/karmada.js';
import type { PlacementDecision } from '../model/placement.js';
import { templateReplicas } from './replicas.js';
import { scheduleFleet } from './schedule-fleet.js';
import { cluster, configMap, cpp, deployment, fleet, pp, ppRef, record, selectKind, status, template } from './testing.js';

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const REGIONS = ['eu', 'us', 'ap'];

/** Counts as a hand-written file or a confused controller might hold them. */
const count = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 40 }) },
  // The largest valid count, often: dividing it one replica at a time took 44 s.
  { weight: 1, arbitrary: fc.constant(2147483647) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(0, 1, 2147483648, 2 ** 53 + 2, 1e308, -1, 1.5, Infinity, Number.NaN, '3', null) },
);
const weight = fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0, -3, 0.5, 2 ** 53, 1e308, Infinity, Number.NaN));
const groups = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 1.5, 2147483647, 1e308, Number.NaN));
const quantity = fc.oneof(
  fc.constantFrom('0', '1', '4', '500m', '1Gi', '110', '1e64', '-5', 'lots', '9'.repeat(400), '0.000000001'),
  fc.integer({ min: 0, max: 1000 }).map(String),
);

const clusterNames = fc.subarray(NAMES, { minLength: 1 });

const anyAffinity: fc.Arbitrary<ClusterAffinity> = fc.record(
  {
    clusterNames: fc.subarray(NAMES),
    exclude: fc.subarray(NAMES, { maxLength: 2 }),
    labelSelector: fc.record({ matchLabels: fc.dictionary(fc.constantFrom('tier', 'env'), fc.constantFrom('gold', 'prod')) }),
    fieldSelector: fc.record({
      matchExpressions: fc.array(fc.record({ key: fc.constantFrom('region' as const, 'zone' as const, 'provider' as const), operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.subarray(REGIONS) }), { maxLength: 2 }),
    }),
  },
  { requiredKeys: [] },
);
// Mostly no restriction, so that enough templates get as far as replica division.
const affinity = fc.oneof({ weight: 3, arbitrary: fc.constant<ClusterAffinity>({}) }, { weight: 1, arbitrary: anyAffinity });

const replicaScheduling: fc.Arbitrary<ReplicaSchedulingStrategy | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant<ReplicaSchedulingStrategy>({ replicaSchedulingType: 'Duplicated' }),
  fc.constant<ReplicaSchedulingStrategy>({ replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' }),
  fc.constant<ReplicaSchedulingStrategy>({ replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' }),
  fc.constant<ReplicaSchedulingStrategy>({ replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } }),
  fc.array(fc.record({ targetCluster: affinity, weight }), { maxLength: 4 }).map((list): ReplicaSchedulingStrategy => ({
    replicaSchedulingType: 'Divided',
    replicaDivisionPreference: 'Weighted',
    weightPreference: { staticWeightList: list },
  })),
);

const spread: fc.Arbitrary<SpreadConstraint> = fc.record(
  { spreadByField: fc.constantFrom('cluster' as const, 'region' as const, 'zone' as const, 'provider' as const), minGroups: groups, maxGroups: groups },
  { requiredKeys: ['spreadByField'] },
);

const placement: fc.Arbitrary<Placement> = fc.record(
  {
    clusterAffinity: affinity,
    clusterAffinities: fc.uniqueArray(fc.record({ affinityName: fc.constantFrom('first', 'second', 'third'), clusterNames: fc.subarray(NAMES) }), { selector: (t) => t.affinityName, maxLength: 3 }),
    clusterTolerations: fc.array(fc.record({ key: fc.constantFrom('dedicated', 'gpu'), operator: fc.constantFrom('Exists' as const, 'Equal' as const) }), { maxLength: 2 }),
    spreadConstraints: fc.oneof({ weight: 2, arbitrary: fc.constant<SpreadConstraint[]>([]) }, { weight: 1, arbitrary: fc.array(spread, { maxLength: 3 }) }),
    replicaScheduling,
  },
  { requiredKeys: [] },
).map((p) => {
  // The loader refuses both at once; keep one so the rest of the placement is exercised.
  if (p.clusterAffinity !== undefined && p.clusterAffinities !== undefined) delete p.clusterAffinities;
  if (p.replicaScheduling === undefined) delete p.replicaScheduling;
  return p;
});

const policy: fc.Arbitrary<PropagationPolicyDoc> = fc
  .record({
    name: fc.constantFrom('p1', 'p2', 'p3'),
    cluster: fc.boolean(),
    placement,
    priority: fc.integer({ min: -2, max: 2 }),
    preemption: fc.constantFrom('Always' as const, 'Never' as const),
    propagateDeps: fc.boolean(),
    kinds: fc.subarray(['Deployment', 'Job', 'ConfigMap'], { minLength: 1 }),
  })
  .map((p) => {
    const resourceSelectors = p.kinds.map((k) => (k === 'Job' ? { apiVersion: 'batch/v1', kind: 'Job' } : selectKind(k)));
    const spec = { resourceSelectors, placement: p.placement, priority: p.priority, preemption: p.preemption, propagateDeps: p.propagateDeps };
    return p.cluster ? cpp(p.name, spec) : pp(p.name, 'default', spec);
  });

const workload: fc.Arbitrary<ResourceTemplate> = fc.oneof(
  fc.record({ name: fc.constantFrom('w1', 'w2', 'w3'), replicas: count, cpu: fc.option(quantity, { nil: undefined }) }).map(({ name, replicas, cpu }) => {
    const t = deployment(name, cpu !== undefined ? { cpu } : {});
    return { ...t, object: { ...t.object, spec: { ...(t.object.spec as object), replicas } } };
  }),
  fc.record({ name: fc.constantFrom('j1', 'j2'), parallelism: count, completions: count }).map(({ name, parallelism, completions }) =>
    template({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'default' }, spec: { parallelism, completions, template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } }),
  ),
  fc.constantFrom('cm1', 'cm2').map((name) => configMap(name)),
);

const clusterStatus: fc.Arbitrary<ClusterStatus> = fc
  .record({ ready: fc.constantFrom('True' as const, 'False' as const), cpu: quantity, pods: quantity, usedCpu: quantity, memory: quantity })
  .map((s) => status({ ready: s.ready, allocatable: { cpu: s.cpu, pods: s.pods, memory: s.memory }, allocated: { cpu: s.usedCpu } }));

const randomFleet: fc.Arbitrary<Fleet> = fc
  .record({
    clusters: clusterNames,
    regions: fc.array(fc.option(fc.constantFrom(...REGIONS), { nil: undefined }), { minLength: NAMES.length, maxLength: NAMES.length }),
    tainted: fc.subarray(NAMES, { maxLength: 2 }),
    statuses: fc.dictionary(fc.constantFrom(...NAMES), clusterStatus),
    policies: fc.uniqueArray(policy, { selector: (p) => `${p.kind}/${p.name}`, minLength: 1, maxLength: 3 }),
    templates: fc.uniqueArray(workload, { selector: (t) => `${t.ref.kind}/${t.ref.name}`, minLength: 1, maxLength: 5 }),
    previous: fc.array(fc.tuple(fc.constantFrom('w1', 'w2', 'w3', 'j1'), fc.array(fc.tuple(fc.constantFrom(...NAMES), count), { maxLength: 4 })), { maxLength: 3 }),
  })
  .map((f) => {
    const placements: PlacementRecord[] = f.previous.map(([name, clusters]) => {
      const ref = name.startsWith('j') ? { apiVersion: 'batch/v1', kind: 'Job', namespace: 'default', name } : { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name };
      return record(ref, ppRef('p1'), clusters.map(([c, replicas]) => ({ name: c, replicas: replicas as number })));
    });
    return fleet({
      clusters: f.clusters.map((n, i) =>
        cluster(n, {
          labels: { tier: i % 2 === 0 ? 'gold' : 'silver', env: 'prod' },
          ...(f.regions[i] !== undefined ? { region: f.regions[i] } : {}),
          ...(f.tainted.includes(n) ? { taints: [{ key: 'dedicated', effect: 'NoSchedule' as const }] } : {}),
        }),
      ),
      statuses: f.statuses,
      policies: f.policies,
      templates: f.templates,
      placements,
    });
  });

const REASONS = ['Success', 'NoPolicyMatched', 'Unschedulable'];

/** The replicas a successful Divided decision must place in total; undefined when nothing is divided. */
function dividedCount(f: Fleet, d: PlacementDecision): number | undefined {
  const policy = f.propagationPolicies.find((p) => p.kind === d.policy?.kind && p.namespace === d.policy.namespace && p.name === d.policy.name);
  if (policy?.spec.placement.replicaScheduling?.replicaSchedulingType !== 'Divided') return undefined;
  const t = f.templates.find((x) => x.ref.kind === d.resource.kind && x.ref.name === d.resource.name)!;
  const replicas = templateReplicas(t);
  return replicas.count > 0 ? replicas.count : undefined;
}

describe('scheduler fuzzing', () => {
  it('returns one decision per template, with a reason and a message, for any fleet', () => {
    fc.assert(
      fc.property(randomFleet, fc.boolean(), (f, explain) => {
        const result = scheduleFleet(f, { explain });
        expect(result.decisions).toHaveLength(f.templates.length);
        for (const d of result.decisions) {
          expect(REASONS).toContain(d.reason);
          expect(typeof d.message).toBe('string');
          if (d.reason === 'Success') {
            for (const c of d.clusters) expect(Number.isSafeInteger(c.replicas) && c.replicas >= 0).toBe(true);
            expect(d.clusters.reduce((sum, c) => sum + c.replicas, 0)).toEqual(dividedCount(f, d) ?? expect.any(Number));
          }
        }
        for (const e of result.errors) expect(typeof e.message).toBe('string');
        // What `schedule -o json` prints must be plain JSON.
        expect(() => JSON.stringify(result.decisions)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  }, 10_000);
});
