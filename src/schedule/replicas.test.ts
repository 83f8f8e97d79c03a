import { describe, expect, it } from 'vitest';
import { podRequests, templateReplicas, templateRequests } from './replicas.js';
import { deployment, template } from './testing.js';
import type { KubeObject } from '../model/kube.js';

const obj = (apiVersion: string, kind: string, spec?: Record<string, unknown>): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'default' },
  ...(spec ? { spec } : {}),
});

describe('templateReplicas', () => {
  it.each([
    { name: 'Deployment with replicas', object: obj('apps/v1', 'Deployment', { replicas: 5 }), want: 5 },
    { name: 'Deployment defaults to 1', object: obj('apps/v1', 'Deployment', {}), want: 1 },
    { name: 'Deployment scaled to zero', object: obj('apps/v1', 'Deployment', { replicas: 0 }), want: 0 },
    { name: 'StatefulSet', object: obj('apps/v1', 'StatefulSet', { replicas: 3 }), want: 3 },
    { name: 'ReplicaSet defaults to 1', object: obj('apps/v1', 'ReplicaSet', {}), want: 1 },
    { name: 'Job parallelism', object: obj('batch/v1', 'Job', { parallelism: 4 }), want: 4 },
    { name: 'Job parallelism defaults to 1', object: obj('batch/v1', 'Job', { completions: 10 }), want: 1 },
    { name: 'Job bounded by completions', object: obj('batch/v1', 'Job', { parallelism: 5, completions: 2 }), want: 2 },
    { name: 'Pod is one replica', object: obj('v1', 'Pod', { containers: [] }), want: 1 },
    { name: 'DaemonSet has none', object: obj('apps/v1', 'DaemonSet', {}), want: 0 },
    { name: 'ConfigMap has none', object: obj('v1', 'ConfigMap'), want: 0 },
    { name: 'the int32 maximum', object: obj('apps/v1', 'Deployment', { replicas: 2147483647 }), want: 2147483647 },
    { name: 'custom resource has none', object: obj('example.com/v1', 'Deployment', { replicas: 7 }), want: 0 },
  ])('$name', ({ object, want }) => {
    const r = templateReplicas(template(object));
    expect(r.count).toBe(want);
    expect(r.error).toBeUndefined();
  });

  it.each([
    { field: 'replicas', object: obj('apps/v1', 'Deployment', { replicas: -1 }) },
    { field: 'replicas', object: obj('apps/v1', 'Deployment', { replicas: '3' }) },
    { field: 'parallelism', object: obj('batch/v1', 'Job', { parallelism: 1.5 }) },
    { field: 'replicas', object: obj('apps/v1', 'Deployment', { replicas: 2147483648 }) },
    { field: 'replicas', object: obj('apps/v1', 'Deployment', { replicas: 2 ** 53 + 1 }) },
    { field: 'replicas', object: obj('apps/v1', 'StatefulSet', { replicas: 1e308 }) },
    { field: 'replicas', object: obj('apps/v1', 'ReplicaSet', { replicas: Infinity }) },
    { field: 'completions', object: obj('batch/v1', 'Job', { completions: 1e308 }) },
  ])('reports a malformed spec.$field', ({ field, object }) => {
    expect(templateReplicas(template(object)).error).toMatch(new RegExp(`^spec\\.${field}: expected a non-negative integer`));
  });
});

describe('podRequests', () => {
  const container = (requests?: Record<string, unknown>, limits?: Record<string, unknown>): Record<string, unknown> => ({
    name: 'c',
    resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
  });

  it.each([
    {
      name: 'sums containers, cpu in millicores',
      pod: { containers: [container({ cpu: '250m', memory: '64Mi' }), container({ cpu: '0.5', memory: '64Mi' })] },
      want: { cpu: 750, memory: 134217728 },
    },
    {
      name: 'limits stand in for missing requests',
      pod: { containers: [container({ memory: '1Gi' }, { cpu: '2', memory: '4Gi' })] },
      want: { cpu: 2000, memory: 1073741824 },
    },
    {
      name: 'an init container raises a resource to its own request',
      pod: { containers: [container({ cpu: '100m', memory: '1Gi' })], initContainers: [container({ cpu: '1' }), container({ memory: '512Mi' })] },
      want: { cpu: 1000, memory: 1073741824 },
    },
    {
      name: 'overhead is added',
      pod: { containers: [container({ cpu: '100m' })], overhead: { cpu: '50m' } },
      want: { cpu: 150 },
    },
    {
      name: 'extended resources count, untracked names do not',
      pod: { containers: [container({ 'nvidia.com/gpu': '1', storage: '10Gi', 'hugepages-2Mi': '4Mi' })] },
      want: { 'hugepages-2Mi': 4194304, 'nvidia.com/gpu': 1 },
    },
    { name: 'no requests', pod: { containers: [{ name: 'c' }] }, want: {} },
    { name: 'zero requests are dropped', pod: { containers: [container({ cpu: '0' })] }, want: {} },
  ])('$name', ({ pod, want }) => {
    const r = podRequests(pod);
    expect(Object.fromEntries(r.amounts)).toEqual(want);
    expect(r.problems).toEqual([]);
  });

  it('rounds each container up before summing, as Karmada does', () => {
    const r = podRequests({ containers: [container({ cpu: '0.0001' }), container({ cpu: '0.0001' })] });
    expect(r.amounts.get('cpu')).toBe(2);
  });

  it('reports unparseable quantities with their field path', () => {
    const t = deployment('web', { podSpec: { containers: [container({ cpu: 'lots' })] } });
    expect(templateRequests(t).problems).toEqual(['spec.template.spec.containers[0].resources.requests.cpu: not a valid quantity: "lots"']);
  });

  it('gives pods with the same requests the same key', () => {
    const a = podRequests({ containers: [container({ memory: '1Gi', cpu: '1' })] });
    const b = podRequests({ containers: [container({ cpu: '1000m', memory: '1024Mi' })] });
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(podRequests({ containers: [container({ cpu: '2' })] }).key);
  });
});
