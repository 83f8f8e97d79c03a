import { describe, expect, it } from 'vitest';
import { componentSetsApply, estimateComponentSets, perSetRequests, type ComponentRequests } from './component-sets.js';
import { clusterCapacity } from './estimate.js';
import { resourceListRequests } from './replicas.js';
import { status, type StatusOptions } from './testing.js';

const part = (name: string, replicas: number, request: Record<string, string>): ComponentRequests => ({ name, replicas, requests: resourceListRequests(request, name) });

// A Flink-like set: one job manager (1 cpu, 2Gi) and two task managers (1 cpu, 1Gi each): 3 cpu, 4Gi, 3 pods.
const flink = [part('jobmanager', 1, { cpu: '1', memory: '2Gi' }), part('taskmanager', 2, { cpu: '1', memory: '1Gi' })];

interface Case {
  name: string;
  summary: StatusOptions;
  components: ComponentRequests[];
  sets: number;
  limitedBy: string;
}

describe('estimateComponentSets (general estimator, complete sets)', () => {
  it.each<Case>([
    {
      name: 'the proposal example: 6 cpu and 8Gi hold two sets of 3 cpu and 4Gi',
      summary: { allocatable: { cpu: '6', memory: '8Gi', pods: '100' } },
      components: flink,
      sets: 2,
      limitedBy: 'cpu',
    },
    {
      name: 'allocated and allocating are used up',
      summary: { allocatable: { cpu: '16', memory: '64Gi', pods: '100' }, allocated: { cpu: '6' }, allocating: { cpu: '1' } },
      components: flink,
      sets: 3,
      limitedBy: 'cpu',
    },
    {
      name: 'memory bound',
      summary: { allocatable: { cpu: '100', memory: '10Gi', pods: '100' } },
      components: flink,
      sets: 2,
      limitedBy: 'memory',
    },
    {
      name: 'pods bound: free pods divided by the pods in one set',
      summary: { allocatable: { cpu: '100', memory: '100Gi', pods: '110' }, allocated: { pods: '102' } },
      components: flink,
      sets: 2,
      limitedBy: 'pods',
    },
    {
      name: 'room for part of a set is room for no set',
      summary: { allocatable: { cpu: '2', memory: '100Gi', pods: '100' } },
      components: flink,
      sets: 0,
      limitedBy: 'cpu',
    },
    {
      name: 'no requests: free pods divided by the pods in one set',
      summary: { allocatable: { cpu: '1', pods: '10' } },
      components: [part('head', 1, {}), part('worker', 3, {})],
      sets: 2,
      limitedBy: 'pods',
    },
    {
      name: 'a set without pods leaves the free pod count',
      summary: { allocatable: { cpu: '1', pods: '10' } },
      components: [part('idle', 0, { cpu: '1' })],
      sets: 10,
      limitedBy: 'pods',
    },
    {
      name: 'no free pods',
      summary: { allocatable: { cpu: '10', pods: '10' }, allocated: { pods: '10' } },
      components: flink,
      sets: 0,
      limitedBy: 'pods',
    },
    {
      name: 'a requested resource the cluster does not report',
      summary: { allocatable: { cpu: '100', memory: '100Gi', pods: '100' } },
      components: [...flink, part('trainer', 1, { 'nvidia.com/gpu': '1' })],
      sets: 0,
      limitedBy: 'nvidia.com/gpu not reported as allocatable',
    },
    {
      name: 'an over-committed resource',
      summary: { allocatable: { cpu: '4', memory: '100Gi', pods: '100' }, allocated: { cpu: '5' } },
      components: flink,
      sets: 0,
      limitedBy: 'cpu',
    },
  ])('$name', ({ summary, components, sets, limitedBy }) => {
    expect(estimateComponentSets(clusterCapacity(status(summary)), components)).toEqual({ replicas: sets, limitedBy });
  });

  it.each([
    { name: 'no status file', s: undefined, limitedBy: 'no status file' },
    { name: 'status without resourceSummary', s: status({ ready: 'True' }), limitedBy: 'no resourceSummary in status' },
  ])('counts 0 sets with $name', ({ s, limitedBy }) => {
    expect(estimateComponentSets(clusterCapacity(s), flink)).toEqual({ replicas: 0, limitedBy });
  });

  it('totals one set as replicas × per-replica request per resource', () => {
    expect(perSetRequests(flink)).toEqual(new Map([
      ['cpu', 3000],
      ['memory', 4 * 1024 ** 3],
    ]));
  });
});

describe('componentSetsApply', () => {
  it.each([
    { constraints: [{ spreadByField: 'cluster' as const, minGroups: 1, maxGroups: 1 }], applies: true },
    { constraints: [{ spreadByField: 'region' as const, minGroups: 1, maxGroups: 1 }, { spreadByField: 'cluster' as const, minGroups: 1, maxGroups: 1 }], applies: true },
    { constraints: [{ spreadByField: 'cluster' as const, minGroups: 1, maxGroups: 2 }], applies: false },
    { constraints: [{ spreadByField: 'region' as const, minGroups: 1, maxGroups: 1 }], applies: false },
    { constraints: undefined, applies: false },
  ])('only a placement onto exactly one cluster: $constraints → $applies', ({ constraints, applies }) => {
    expect(componentSetsApply(constraints ? { spreadConstraints: constraints } : {})).toBe(applies);
  });
});
