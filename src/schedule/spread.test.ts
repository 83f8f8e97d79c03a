import { describe, expect, it } from 'vitest';
import type { Placement, SpreadConstraint } from '../model/karmada.js';
import { createScheduleContext } from './context.js';
import type { Candidate } from './rank.js';
import { compareCandidates } from './rank.js';
import { chooseFromRegions, regionScore, selectClusters, selectGroups, type GroupInfo, type RegionGroup } from './spread.js';
import { cluster, fleet } from './testing.js';

function candidate(name: string, score: number, available: number, region?: string): Candidate {
  const view = createScheduleContext(fleet({ clusters: [cluster(name, region !== undefined ? { region } : {})] })).clusters[0]!;
  return {
    view,
    info: {
      name,
      score,
      availableReplicas: available,
      estimatedReplicas: available,
      limitedBy: 'pods',
      previousReplicas: 0,
      keptByPreviousPlacement: [],
    },
  };
}

const names = (cs: readonly { info: { name: string } }[]) => cs.map((c) => c.info.name);

describe('selectGroups (Karmada TestSelectGroups)', () => {
  const g = (name: string, value: number, weight: number): GroupInfo => ({ name, value, weight });
  it.each<{ name: string; groups: GroupInfo[]; min: number; max: number; target: number; want: string[] | null }>([
    { name: 'empty groups', groups: [], min: 2, max: 3, target: 1, want: null },
    { name: 'no enough groups', groups: [g('R1', 1, 80)], min: 2, max: 3, target: 1, want: null },
    { name: 'no enough value', groups: [g('R1', 1, 80), g('R2', 2, 30)], min: 2, max: 3, target: 4, want: null },
    { name: 'select one group', groups: [g('R1', 1, 80)], min: 1, max: 3, target: 1, want: ['R1'] },
    {
      name: 'prioritize one path',
      groups: [g('R1', 1, 80), g('R3', 1, 80), g('R2', 1, 60), g('R5', 2, 60), g('R4', 5, 50), g('R6', 3, 50)],
      min: 1,
      max: 3,
      target: 10,
      want: ['R5', 'R4', 'R6'],
    },
    {
      name: 'select groups with less total number',
      groups: [g('R1', 1, 80), g('R2', 4, 40), g('R3', 1, 30), g('R4', 3, 30), g('R5', 3, 20), g('R6', 5, 10)],
      min: 2,
      max: 6,
      target: 5,
      want: ['R1', 'R2'],
    },
    {
      name: 'select groups with the highest score',
      groups: [g('R1', 1, 60), g('R2', 1, 50), g('R3', 1, 40), g('R4', 3, 30), g('R5', 3, 20), g('R6', 3, 10)],
      min: 1,
      max: 3,
      target: 6,
      want: ['R1', 'R4', 'R5'],
    },
    {
      name: 'select groups that are chosen earlier',
      groups: [g('R1', 1, 60), g('R2', 2, 50), g('R3', 3, 40), g('R4', 4, 30)],
      min: 1,
      max: 2,
      target: 5,
      want: ['R1', 'R4'],
    },
    {
      name: 'select groups with greater value',
      groups: [g('R4', 1, 60), g('R3', 3, 50), g('R1', 3, 40), g('R2', 4, 30)],
      min: 1,
      max: 2,
      target: 5,
      want: ['R3', 'R1'],
    },
  ])('$name', ({ groups, min, max, target, want }) => {
    const got = selectGroups(groups, min, max, target);
    expect(got === null ? null : got.map((x) => x.name)).toEqual(want);
  });
});

describe('selectClusters: cluster spread (Karmada TestSelectBestClusters)', () => {
  // Ranked as Karmada's generateClusterInfo: member4, member2, member3, member1.
  const ranked = () => [candidate('member4', 60, 50), candidate('member2', 40, 60), candidate('member3', 30, 80), candidate('member1', 20, 40)];
  const spread = (min: number, max: number): SpreadConstraint[] => [{ spreadByField: 'cluster', minGroups: min, maxGroups: max }];
  const divided: Placement['replicaScheduling'] = { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } };
  it.each<{ name: string; placement: Placement; replicas: number; want: string[] | string }>([
    { name: 'no replicaScheduling ignores capacity', placement: { spreadConstraints: spread(1, 2) }, replicas: 100, want: ['member4', 'member2'] },
    {
      name: 'Duplicated ignores capacity',
      placement: { spreadConstraints: spread(1, 2), replicaScheduling: { replicaSchedulingType: 'Duplicated' } },
      replicas: 120,
      want: ['member4', 'member2'],
    },
    {
      name: 'static weights ignore spread constraints',
      placement: {
        spreadConstraints: spread(1, 2),
        replicaScheduling: {
          replicaSchedulingType: 'Divided',
          replicaDivisionPreference: 'Weighted',
          weightPreference: { staticWeightList: [{ targetCluster: { clusterNames: ['member1'] }, weight: 2 }] },
        },
      },
      replicas: 120,
      want: ['member4', 'member2', 'member3', 'member1'],
    },
    { name: 'swaps in a larger cluster to fit the replicas', placement: { spreadConstraints: spread(1, 2), replicaScheduling: divided }, replicas: 120, want: ['member4', 'member3'] },
    { name: 'fails when no swap fits', placement: { spreadConstraints: spread(1, 2), replicaScheduling: divided }, replicas: 200, want: 'no enough resource when selecting 2 clusters' },
    { name: 'fails below minGroups', placement: { spreadConstraints: spread(7, 7) }, replicas: 30, want: 'the number of feasible clusters is less than spreadConstraint.MinGroups' },
    { name: 'maxGroups 0 selects nothing', placement: { spreadConstraints: [{ spreadByField: 'cluster', minGroups: 0 }] }, replicas: 1, want: [] },
    {
      name: 'zone and provider constraints are not selection paths',
      placement: { spreadConstraints: [{ spreadByField: 'zone', minGroups: 1, maxGroups: 2 }] },
      replicas: 1,
      want: 'just support cluster and region spread constraint',
    },
    {
      name: 'a zone constraint next to a cluster constraint selects by cluster',
      placement: { spreadConstraints: [{ spreadByField: 'zone', minGroups: 2, maxGroups: 2 }, ...spread(1, 3)] },
      replicas: 1,
      want: ['member4', 'member2', 'member3'],
    },
    { name: 'no constraints selects every candidate', placement: {}, replicas: 1, want: ['member4', 'member2', 'member3', 'member1'] },
  ])('$name', ({ placement, replicas, want }) => {
    const out = selectClusters(placement, ranked(), replicas);
    if (typeof want === 'string') {
      expect(out.ok).toBe(false);
      expect(out.failure).toBe(want);
    } else {
      expect(out.ok).toBe(true);
      expect(names(out.selected)).toEqual(want);
      expect(out.explanation.selected).toEqual(want);
    }
  });

  it('records the swaps', () => {
    const out = selectClusters({ spreadConstraints: spread(1, 2), replicaScheduling: divided }, ranked(), 120);
    expect(out.explanation.swaps).toEqual([{ out: 'member2', in: 'member3' }]);
  });
});

describe('chooseFromRegions (Karmada Test_selectBestClustersByRegion)', () => {
  const region = (name: string, score: number, clusters: [string, number, number][]): RegionGroup => ({
    name,
    score,
    clusters: clusters.map(([n, s, a]) => candidate(n, s, a, name)).sort(compareCandidates),
  });
  const c = (kind: 'region' | 'cluster', min: number, max: number): SpreadConstraint => ({ spreadByField: kind, minGroups: min, maxGroups: max });
  const base = { availabilityConsidered: true, constraints: [] };
  const twoRegions = () => [
    region('R1', 100, [['member1', 100, 40], ['member2', 80, 40]]),
    region('R2', 80, [['member3', 80, 40], ['member4', 80, 40], ['member5', 60, 40]]),
  ];
  it.each<{ name: string; regions: () => RegionGroup[]; region: SpreadConstraint; cluster: SpreadConstraint; want: string[] | string }>([
    { name: 'the region with the higher score', regions: twoRegions, region: c('region', 1, 1), cluster: c('cluster', 2, 2), want: ['member1', 'member2'] },
    { name: 'the region with enough clusters', regions: twoRegions, region: c('region', 1, 1), cluster: c('cluster', 3, 3), want: ['member3', 'member4', 'member5'] },
    {
      name: 'regions with enough clusters and higher score',
      regions: () => [
        region('R1', 90, [['member1', 90, 40]]),
        region('R2', 70, [['member2', 70, 40], ['member3', 60, 40], ['member4', 30, 40]]),
        region('R3', 80, [['member5', 80, 40], ['member6', 50, 60]]),
        region('R4', 50, [['member7', 50, 50], ['member8', 40, 50], ['member9', 10, 50], ['member10', 0, 50]]),
      ],
      region: c('region', 2, 2),
      cluster: c('cluster', 4, 5),
      want: ['member1', 'member2', 'member3', 'member4'],
    },
    {
      name: 'more than minGroups regions',
      regions: () => [
        region('R1', 70, [['member1', 70, 40]]),
        region('R2', 40, [['member2', 40, 40], ['member3', 40, 40], ['member4', 40, 40]]),
        region('R3', 60, [['member5', 60, 40], ['member6', 50, 60]]),
        region('R4', 70, [['member7', 70, 100]]),
        region('R5', 50, [['member8', 50, 50]]),
      ],
      region: c('region', 1, 3),
      cluster: c('cluster', 6, 8),
      want: ['member1', 'member5', 'member2', 'member6', 'member3', 'member4'],
    },
    { name: 'not enough regions', regions: twoRegions, region: c('region', 3, 3), cluster: c('cluster', 3, 3), want: 'the number of feasible region is less than spreadConstraint.MinGroups' },
    { name: 'not enough clusters', regions: twoRegions, region: c('region', 1, 1), cluster: c('cluster', 4, 4), want: 'the number of clusters is less than the cluster spreadConstraint.MinGroups' },
  ])('$name', ({ regions, region: rc, cluster: cc, want }) => {
    const out = chooseFromRegions(regions(), rc, cc, base);
    if (typeof want === 'string') expect(out.failure).toBe(want);
    else expect(names(out.selected)).toEqual(want);
  });
});

describe('regionScore (Karmada calcGroupScore)', () => {
  const dup: Placement = { replicaScheduling: { replicaSchedulingType: 'Duplicated' } };
  const div: Placement = { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' } };
  const clusters = (list: [number, number][]) => list.map(([score, avail], i) => candidate(`m${i}`, score, avail)).sort(compareCandidates);
  it.each([
    // Karmada's documented examples (replicas 50 Duplicated; replicas 100, region minGroups 2, cluster minGroups 1 Divided).
    { name: 'Duplicated: clusters able to host all replicas first', placement: dup, list: [[100, 60], [100, 70], [100, 40], [100, 30], [100, 10]] as [number, number][], replicas: 50, want: 2100 },
    { name: 'Duplicated: more able clusters beat a higher score', placement: dup, list: [[0, 60], [0, 60], [0, 60], [0, 60]] as [number, number][], replicas: 50, want: 4000 },
    { name: 'Duplicated: no able cluster', placement: dup, list: [[100, 10]] as [number, number][], replicas: 50, want: 0 },
    { name: 'Divided: insufficient capacity scores by capacity', placement: div, list: [[100, 10], [100, 10], [100, 10], [100, 10], [100, 5]] as [number, number][], replicas: 100, want: 45100 },
    { name: 'Divided: sufficient capacity scores the target', placement: div, list: [[0, 40], [0, 30], [0, 10], [0, 10]] as [number, number][], replicas: 100, want: 50000 },
    { name: 'Divided: sufficient capacity and better locality', placement: div, list: [[100, 40], [100, 40], [100, 10], [100, 10], [100, 5]] as [number, number][], replicas: 100, want: 50100 },
  ])('$name', ({ placement, list, replicas, want }) => {
    expect(regionScore(clusters(list), placement, replicas, 2, 1)).toBe(want);
  });
});
