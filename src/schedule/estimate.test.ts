import { describe, expect, it } from 'vitest';
import { clusterCapacity, estimateAvailableReplicas } from './estimate.js';
import { podRequests } from './replicas.js';
import { status, type StatusOptions } from './testing.js';

const requests = (r: Record<string, string>) => podRequests({ containers: [{ name: 'c', resources: { requests: r } }] });

interface Case {
  name: string;
  summary: StatusOptions;
  request: Record<string, string>;
  want: number;
  limitedBy: string;
}

describe('estimateAvailableReplicas (general estimator)', () => {
  it.each<Case>([
    {
      name: 'cpu bound: (12 - 2.5) cores / 500m',
      summary: { allocatable: { cpu: '12', memory: '48Gi', pods: '330' }, allocated: { cpu: '2500m', memory: '6Gi', pods: '21' } },
      request: { cpu: '500m' },
      want: 19,
      limitedBy: 'cpu',
    },
    {
      name: 'memory bound',
      summary: { allocatable: { cpu: '12', memory: '8Gi', pods: '330' }, allocated: { memory: '6Gi' } },
      request: { cpu: '100m', memory: '512Mi' },
      want: 4,
      limitedBy: 'memory',
    },
    {
      name: 'allocating counts as used',
      summary: { allocatable: { cpu: '4', pods: '100' }, allocating: { cpu: '1' } },
      request: { cpu: '1' },
      want: 3,
      limitedBy: 'cpu',
    },
    {
      name: 'pod count bound',
      summary: { allocatable: { cpu: '100', pods: '110' }, allocated: { pods: '105' } },
      request: { cpu: '1' },
      want: 5,
      limitedBy: 'pods',
    },
    {
      name: 'no requests: free pod slots',
      summary: { allocatable: { cpu: '1', pods: '110' }, allocated: { pods: '10' } },
      request: {},
      want: 100,
      limitedBy: 'pods',
    },
    {
      name: 'no pods reported: nothing fits',
      summary: { allocatable: { cpu: '100' } },
      request: { cpu: '1' },
      want: 0,
      limitedBy: 'pods',
    },
    {
      name: 'requested resource the cluster lacks',
      summary: { allocatable: { cpu: '100', pods: '100' } },
      request: { 'nvidia.com/gpu': '1' },
      want: 0,
      limitedBy: 'nvidia.com/gpu not reported as allocatable',
    },
    {
      name: 'over-committed cluster',
      summary: { allocatable: { cpu: '4', pods: '100' }, allocated: { cpu: '5' } },
      request: { cpu: '1' },
      want: 0,
      limitedBy: 'cpu',
    },
  ])('$name', ({ summary, request, want, limitedBy }) => {
    const capacity = clusterCapacity(status(summary));
    const e = estimateAvailableReplicas(capacity, requests(request));
    expect(e.replicas).toBe(want);
    expect(e.limitedBy).toBe(limitedBy);
  });

  it.each([
    { name: 'no status file', s: undefined, limitedBy: 'no status file' },
    { name: 'status without resourceSummary', s: status({ ready: 'True' }), limitedBy: 'no resourceSummary in status' },
  ])('counts 0 available with $name', ({ s, limitedBy }) => {
    expect(estimateAvailableReplicas(clusterCapacity(s), requests({}))).toEqual({ replicas: 0, limitedBy });
  });

  it('reports unparseable status quantities', () => {
    const capacity = clusterCapacity(status({ allocatable: { cpu: 'twelve', pods: '10' } }));
    expect(capacity.problems).toEqual(['status.resourceSummary.allocatable.cpu: not a valid quantity: "twelve"']);
  });
});

describe('quantities too large for a number', () => {
  const huge = '9'.repeat(400);

  it('are reported and read as absent, so no estimate is NaN', () => {
    const capacity = clusterCapacity(status({ allocatable: { cpu: '4', pods: huge }, allocated: { pods: huge } }));
    // Pods are read twice (the pod count and the free amounts); the scheduler removes duplicate problems.
    expect([...new Set(capacity.problems)]).toEqual([
      `status.resourceSummary.allocatable.pods: too large: "${huge}"`,
      `status.resourceSummary.allocated.pods: too large: "${huge}"`,
    ]);
    expect(estimateAvailableReplicas(capacity, requests({ cpu: '1' }))).toEqual({ replicas: 0, limitedBy: 'pods' });
  });

  it('leave the other resources estimated', () => {
    const capacity = clusterCapacity(status({ allocatable: { cpu: '4', memory: huge, pods: '10' } }));
    expect(capacity.problems).toEqual([`status.resourceSummary.allocatable.memory: too large: "${huge}"`]);
    expect(estimateAvailableReplicas(capacity, requests({ cpu: '1' }))).toEqual({ replicas: 4, limitedBy: 'cpu' });
  });
});
