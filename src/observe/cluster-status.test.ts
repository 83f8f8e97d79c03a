import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../model/kube.js';
import { formatQuantity, summarizeResources } from './cluster-status.js';

const node = (ready: boolean, alloc: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n' },
  status: { allocatable: alloc, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const pod = (nodeName: string | undefined, cpu: string, memory: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', resources: { requests: { cpu, memory } } }] },
});

describe('summarizeResources', () => {
  it('sums Ready nodes, bound pods as allocated and unbound pods as allocating', () => {
    const s = summarizeResources(
      [node(true, { cpu: '8', memory: '32Gi', pods: '110' }), node(true, { cpu: '4', memory: '16Gi', pods: '110' }), node(false, { cpu: '64', memory: '1Ti', pods: '500' })],
      [pod('n1', '500m', '1Gi'), pod('n2', '2', '512Mi'), pod(undefined, '250m', '256Mi')],
    );
    expect(s).toEqual({
      allocatable: { cpu: '12', memory: '48Gi', pods: '220' },
      allocated: { cpu: '2500m', memory: '1536Mi', pods: '2' },
      allocating: { cpu: '250m', memory: '256Mi', pods: '1' },
    });
  });

  it.each([
    ['cpu', 2500, '2500m'],
    ['cpu', 3000, '3'],
    ['memory', 3 * 2 ** 30, '3Gi'],
    ['memory', 1000, '1000'],
    ['pods', 7, '7'],
  ])('formats %s %d as %s', (r, n, want) => expect(formatQuantity(r, n)).toBe(want));
});
