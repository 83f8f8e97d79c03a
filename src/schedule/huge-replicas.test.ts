/**
 * Replica counts are user input: division must cost the same for 2³¹ − 1 replicas as for 10, and counts the API
 * could never accept end in an Unschedulable decision, not a hang.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Fleet, PlacementCluster } from '../model/fleet.js';
import type { Placement, ReplicaSchedulingStrategy } from '../model/karmada.js';
import type { PlacementDecision } from '../model/placement.js';
import { scheduleFleet } from './schedule-fleet.js';
import { cluster, deployment, fleet, pp, record, selectByName, status, template } from './testing.js';

const INT32_MAX = 2147483647;
const CLUSTERS = 500;

const names = Array.from({ length: CLUSTERS }, (_, i) => `member${String(i).padStart(3, '0')}`);

/** 500 clusters whose free pod counts (the only limit of a template without requests) are `pods[i]`. */
function fleetWith(placement: Placement, replicas: number, pods: readonly number[], previous?: PlacementCluster[]): Fleet {
  const web = deployment('web', { replicas });
  return fleet({
    clusters: names.map((n) => cluster(n)),
    statuses: Object.fromEntries(names.map((n, i) => [n, status({ ready: 'True', allocatable: { pods: String(pods[i]) } })])),
    policies: [pp('web', 'default', { resourceSelectors: [selectByName('Deployment', 'web')], placement })],
    templates: [web],
    ...(previous ? { placements: [record(web, null, previous)] } : {}),
  });
}

function onlyDecision(f: Fleet): PlacementDecision {
  const result = scheduleFleet(f, { explain: false });
  expect(result.decisions).toHaveLength(1);
  return result.decisions[0]!;
}

const total = (d: PlacementDecision): number => d.clusters.reduce((sum, c) => sum + c.replicas, 0);

const divided = (rest: Partial<ReplicaSchedulingStrategy>): Placement => ({
  replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', ...rest },
});

/** Free pods per cluster that together hold at least the int32 maximum. */
const roomyPods = fc.array(fc.integer({ min: 4_300_000, max: 50_000_000 }), { minLength: CLUSTERS, maxLength: CLUSTERS });
const weights = fc.array(fc.integer({ min: 1, max: INT32_MAX }), { minLength: CLUSTERS, maxLength: CLUSTERS });

describe('scheduling 2147483647 replicas over 500 clusters', () => {
  it('static weights: every replica placed exactly once', () => {
    fc.assert(
      fc.property(weights, (ws) => {
        const placement = divided({
          weightPreference: { staticWeightList: names.map((n, i) => ({ targetCluster: { clusterNames: [n] }, weight: ws[i]! })) },
        });
        const d = onlyDecision(fleetWith(placement, INT32_MAX, names.map(() => 110)));
        expect(d.reason).toBe('Success');
        expect(total(d)).toBe(INT32_MAX);
      }),
      { numRuns: 5 },
    );
  });

  it('dynamic weights: every replica placed exactly once, none beyond a cluster’s capacity', () => {
    fc.assert(
      fc.property(roomyPods, (pods) => {
        const d = onlyDecision(fleetWith(divided({ weightPreference: { dynamicWeight: 'AvailableReplicas' } }), INT32_MAX, pods));
        expect(d.reason).toBe('Success');
        expect(total(d)).toBe(INT32_MAX);
        const capacity = new Map(names.map((n, i) => [n, pods[i]!]));
        for (const c of d.clusters) expect(c.replicas).toBeLessThanOrEqual(capacity.get(c.name)!);
      }),
      { numRuns: 5 },
    );
  });

  it('aggregated: every replica placed exactly once', () => {
    fc.assert(
      fc.property(roomyPods, (pods) => {
        const d = onlyDecision(fleetWith({ replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' } }, INT32_MAX, pods));
        expect(d.reason).toBe('Success');
        expect(total(d)).toBe(INT32_MAX);
      }),
      { numRuns: 5 },
    );
  });

  it('scaling down from the int32 maximum shrinks every previous share to an exact total', () => {
    const previous = names.map((name, i) => ({ name, replicas: i < CLUSTERS - 1 ? 4_294_967 : INT32_MAX - 4_294_967 * (CLUSTERS - 1) }));
    const d = onlyDecision(fleetWith(divided({ weightPreference: { dynamicWeight: 'AvailableReplicas' } }), 1_000_000_007, names.map(() => 110), previous));
    expect(d.reason).toBe('Success');
    expect(total(d)).toBe(1_000_000_007);
  });

  it('scaling up to the int32 maximum keeps every previous replica where it was', () => {
    const previous = names.map((name) => ({ name, replicas: 3 }));
    const d = onlyDecision(fleetWith(divided({ weightPreference: { dynamicWeight: 'AvailableReplicas' } }), INT32_MAX, names.map(() => 5_000_000), previous));
    expect(total(d)).toBe(INT32_MAX);
    for (const c of d.clusters) expect(c.replicas).toBeGreaterThanOrEqual(3);
  });
});

describe('replica counts the Kubernetes API cannot hold', () => {
  it.each([
    { label: '2^31', replicas: 2147483648 },
    { label: '2^53 + 1', replicas: 2 ** 53 + 1 },
    { label: '1e308', replicas: 1e308 },
  ])('$label replicas: Unschedulable with the reason, previous placement kept', ({ replicas }) => {
    const previous = [{ name: 'member000', replicas: 2 }];
    const f = fleetWith(divided({}), replicas, names.map(() => 110), previous);
    const result = scheduleFleet(f);
    const d = result.decisions[0]!;
    expect(d.scheduled).toBe(false);
    expect(d.reason).toBe('Unschedulable');
    expect(d.message).toMatch(/spec\.replicas: expected a non-negative integer up to 2147483647/);
    expect(d.clusters).toEqual(previous);
    expect(result.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^spec\.replicas: /)]);
  });

  it('a Job with 1e308 completions is reported, not divided', () => {
    const job = template({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'web', namespace: 'default' }, spec: { parallelism: 2, completions: 1e308 } });
    const f = { ...fleetWith(divided({}), 1, names.map(() => 110)), templates: [job] };
    f.propagationPolicies = [pp('web', 'default', { resourceSelectors: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'web' }], placement: divided({}) })];
    const d = onlyDecision(f);
    expect(d.reason).toBe('Unschedulable');
    expect(d.message).toMatch(/spec\.completions/);
  });

  it('a cluster reporting more pods than a number holds is no capacity, not a division into nothing', () => {
    const huge = '9'.repeat(400);
    const web = deployment('web', { replicas: 5 });
    const f = fleet({
      clusters: [cluster('a')],
      statuses: { a: status({ ready: 'True', allocatable: { pods: huge }, allocated: { pods: huge } }) },
      policies: [pp('web', 'default', { resourceSelectors: [selectByName('Deployment', 'web')], placement: divided({ weightPreference: { dynamicWeight: 'AvailableReplicas' } }) })],
      templates: [web],
    });
    const result = scheduleFleet(f);
    expect(result.decisions[0]).toMatchObject({ reason: 'Unschedulable', message: 'replica division: Clusters available replicas 0 are not enough to schedule.' });
    expect(result.errors.map((e) => e.message)).toContain(`status.resourceSummary.allocatable.pods: too large: "${huge}"`);
  });
});
