import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../model/kube.js';
import { MemoryCluster } from '../kube/memory-cluster.js';
import { formatQuantity, probeCluster, summarizeResources } from './cluster-status.js';

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

describe('probeCluster', () => {
  const nodeRef = (name: string) => ({ apiVersion: 'v1', kind: 'Node', namespace: '', name });
  const podRef = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name });

  async function seeded(): Promise<MemoryCluster> {
    const c = new MemoryCluster('m1', { kubernetesVersion: 'v1.36.1' });
    for (const [name, ready] of [['n1', true], ['n2', false]] as const) {
      c.put({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
      c.setStatus(nodeRef(name), { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] });
    }
    for (const [name, phase] of [['running', 'Running'], ['done', 'Succeeded']] as const) {
      c.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }] } });
      c.setStatus(podRef(name), { phase });
    }
    return c;
  }

  it('reports version, nodes, resources of pods still running, and the served APIs', async () => {
    const c = await seeded();
    const probe = await probeCluster(c);
    expect(probe).toMatchObject({ ready: true, reason: 'ClusterReady' });
    expect(probe.status.kubernetesVersion).toBe('v1.36.1');
    expect(probe.status.nodeSummary).toEqual({ totalNum: 2, readyNum: 1 });
    expect(probe.status.resourceSummary?.allocated).toEqual({ cpu: '1', pods: '1' });
    expect(probe.status.apiEnablements?.find((g) => g.groupVersion === 'apps/v1')?.resources).toContainEqual({ name: 'deployments', kind: 'Deployment' });
  });

  it('tells unreachable, not ready, and failed status collection apart', async () => {
    const c = await seeded();
    c.unreachable = true;
    expect(await probeCluster(c)).toMatchObject({ ready: false, reason: 'ClusterNotReachable', message: expect.stringContaining('ECONNREFUSED') });
    c.unreachable = false;
    c.health = { status: 500, body: '[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n' };
    expect(await probeCluster(c)).toMatchObject({ ready: false, reason: 'ClusterNotReady', message: 'readyz returned HTTP 500: [+]ping ok; [-]etcd failed: reason withheld; readyz check failed' });
    c.health = { status: 200, body: 'ok' };
    c.forbid({ kind: 'Node' });
    const probe = await probeCluster(c);
    expect(probe).toMatchObject({ ready: false, reason: 'ClusterNotReady' });
    expect(probe.message).toMatch(/^readyz ok but status collection failed: GET \/api\/v1\/nodes: 403 nodes is forbidden/);
    expect(probe.status.kubernetesVersion).toBe('v1.36.1');
  });
});
