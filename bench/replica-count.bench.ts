/**
 * Division cost must not depend on the replica count (a count is user input): the same 500-cluster fleet and
 * policies scheduled with 10 replicas and with 2,147,483,647 (the int32 maximum) per template. The two should
 * report nearly the same time; vitest prints their ratio.
 */
import { bench, describe } from 'vitest';
import type { Fleet } from '../src/model/fleet.js';
import type { Placement } from '../src/model/karmada.js';
import { scheduleFleet } from '../src/schedule/index.js';
import { cluster, deployment, fleet, pp, selectKind, status } from '../src/schedule/testing.js';

const CLUSTERS = 500;
const names = Array.from({ length: CLUSTERS }, (_, i) => `member${String(i).padStart(3, '0')}`);
/** Deterministic pseudo-random weights and capacities (benchmarks must not differ between runs). */
const spread = (i: number, modulus: number): number => 1 + ((i * 7919 + 104729) % modulus);

const placements: Record<string, Placement> = {
  static: {
    replicaScheduling: {
      replicaSchedulingType: 'Divided',
      replicaDivisionPreference: 'Weighted',
      weightPreference: { staticWeightList: names.map((n, i) => ({ targetCluster: { clusterNames: [n] }, weight: spread(i, 1000) })) },
    },
  },
  dynamic: { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } } },
  aggregated: { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' } },
};

function fleetWith(replicas: number): Fleet {
  return fleet({
    clusters: names.map((n) => cluster(n)),
    // Free pods bound the estimate; 500 clusters hold well over 2^31 between them.
    statuses: Object.fromEntries(names.map((n, i) => [n, status({ ready: 'True', allocatable: { pods: String(4_300_000 + spread(i, 5_000_000)) } })])),
    policies: Object.entries(placements).map(([name, placement]) => pp(name, name, { resourceSelectors: [selectKind('Deployment')], placement })),
    templates: Object.keys(placements).flatMap((ns) => Array.from({ length: 10 }, (_, i) => deployment(`web${i}`, { namespace: ns, replicas }))),
  });
}

const small = fleetWith(10);
const huge = fleetWith(2147483647);

// Warm-up first so that the baseline, which runs first, is not the one paying for the JIT.
const options = { time: 1500, warmupTime: 500 };

describe('schedule 30 divided templates over 500 clusters', () => {
  bench('10 replicas each (baseline)', () => {
    scheduleFleet(small, { explain: false });
  }, options);
  bench('2,147,483,647 replicas each', () => {
    scheduleFleet(huge, { explain: false });
  }, options);
});
