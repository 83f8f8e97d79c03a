/**
 * Smoke tests of the testbed: every member is a real Kubernetes control plane whose controllers and
 * KWOK nodes make workloads actually become available.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pollUntil } from '../../src/util/poll.js';
import { testbedStartMember, testbedStopMember, FAULT_LABEL } from '../../src/testbed/index.js';
import type { KubeObject } from '../../src/model/kube.js';
import { getObject, memberClient, serverSideApply } from './helpers.js';

type Client = Awaited<ReturnType<typeof memberClient>>;
const members = inject('members');
const clients = new Map<string, Client>();

beforeAll(async () => {
  for (const m of members) clients.set(m, await memberClient(m));
});
afterAll(() => {
  for (const c of clients.values()) c.transport.close();
});

const ns = `smoke-${Date.now().toString(36)}`;

function deployment(name: string, replicas: number, podLabels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...podLabels } },
        spec: { containers: [{ name: 'web', image: 'registry.example/web:1.0', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    },
  };
}

describe.each(members)('member %s', (member) => {
  const c = () => clients.get(member)!;

  it('has Ready KWOK nodes labelled with region and zone', async () => {
    const nodes = await c().transport.requestOk<{ items: KubeObject[] }>('/api/v1/nodes');
    expect(nodes.items.length).toBeGreaterThanOrEqual(2);
    for (const n of nodes.items) {
      const labels = n.metadata.labels ?? {};
      expect(labels['topology.kubernetes.io/region']).toMatch(/^(eu-west|us-east)$/);
      expect(labels['topology.kubernetes.io/zone']).toMatch(new RegExp(`^${labels['topology.kubernetes.io/region']}-[ab]$`));
      const status = n.status as { allocatable: Record<string, string>; conditions: { type: string; status: string }[] };
      expect(status.allocatable.cpu).toBe('8');
      expect(status.conditions.find((x) => x.type === 'Ready')?.status).toBe('True');
    }
  });

  it('reports the pinned Kubernetes version', async () => {
    const v = await c().transport.requestOk<{ gitVersion: string }>('/version');
    expect(v.gitVersion).toBe('v1.36.3');
  });

  it('runs a Deployment until availableReplicas equals spec.replicas', async () => {
    await serverSideApply(c(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await serverSideApply(c(), deployment('web', 3));
    const status = await pollUntil(
      'Deployment web available',
      async () => {
        const d = await getObject(c(), 'apps/v1', 'Deployment', ns, 'web');
        const s = d?.status as { availableReplicas?: number } | undefined;
        return s?.availableReplicas === 3 ? s : undefined;
      },
      120_000,
      500,
    );
    expect(status.availableReplicas).toBe(3);
  });

  it('keeps pods labelled with a testbed fault unready (CrashLoopBackOff)', async () => {
    await serverSideApply(c(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await serverSideApply(c(), deployment('broken', 2, { [FAULT_LABEL]: 'crashloop' }));
    const pods = await pollUntil(
      'broken pods in CrashLoopBackOff',
      async () => {
        const list = await c().transport.requestOk<{ items: KubeObject[] }>(`/api/v1/namespaces/${ns}/pods`, { query: { labelSelector: 'app=broken' } });
        const waiting = list.items.filter((p) =>
          ((p.status as { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] }).containerStatuses ?? []).some(
            (s) => s.state?.waiting?.reason === 'CrashLoopBackOff',
          ),
        );
        return waiting.length === 2 ? list.items : undefined;
      },
      120_000,
      500,
    );
    expect(pods).toHaveLength(2);
    const d = await getObject(c(), 'apps/v1', 'Deployment', ns, 'broken');
    expect((d?.status as { availableReplicas?: number }).availableReplicas ?? 0).toBe(0);
  });

  it('round-trips a Namespace, ConfigMap, CRD and custom resource unchanged', async () => {
    await serverSideApply(c(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: 'smoke' } } });
    const cmData = { 'app.yaml': 'a: 1\nlist: [x, y]\n', empty: '', unicode: 'grüße ✓' };
    await serverSideApply(c(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: ns }, data: cmData });
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.smoke.flotilla.dev' },
      spec: {
        group: 'smoke.flotilla.dev',
        names: { plural: 'widgets', singular: 'widget', kind: 'Deployment', listKind: 'DeploymentList' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: {
                      size: { 'x-kubernetes-int-or-string': true },
                      tags: { type: 'array', items: { type: 'string' } },
                      nested: { type: 'object', properties: { enabled: { type: 'boolean' } } },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    await serverSideApply(c(), crd);
    await pollUntil(
      'CRD established',
      async () => {
        const got = await getObject(c(), 'apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'widgets.smoke.flotilla.dev');
        const conds = (got?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
        return conds.some((x) => x.type === 'Established' && x.status === 'True') ? true : undefined;
      },
      60_000,
    );
    c().discovery.invalidate();
    // The kind deliberately shadows a built-in: client-node's typed serializer would blank this spec.
    const widgetSpec = { size: '10Gi', tags: ['a', 'b'], nested: { enabled: true } };
    await serverSideApply(c(), { apiVersion: 'smoke.flotilla.dev/v1', kind: 'Deployment', metadata: { name: 'w1', namespace: ns }, spec: widgetSpec });

    const gotNs = await getObject(c(), 'v1', 'Namespace', undefined, ns);
    expect(gotNs?.metadata.labels).toMatchObject({ team: 'smoke' });
    const gotCm = await getObject(c(), 'v1', 'ConfigMap', ns, 'settings');
    expect(gotCm?.data).toEqual(cmData);
    const gotCr = await getObject(c(), 'smoke.flotilla.dev/v1', 'Deployment', ns, 'w1');
    expect(gotCr?.spec).toEqual(widgetSpec);
  });
});

describe('a stopped member', () => {
  it('fails /readyz while the others keep answering, and recovers when started again', async () => {
    const stateDir = inject('testbedStateDir');
    const [victim, ...others] = members as [string, ...string[]];
    await testbedStopMember(victim, stateDir);
    try {
      await expect(clients.get(victim)!.transport.request('/readyz', { timeoutMs: 3000 })).rejects.toThrow();
      for (const m of others) {
        const res = await clients.get(m)!.transport.request('/readyz');
        expect(res.status).toBe(200);
      }
    } finally {
      await testbedStartMember(victim, stateDir);
    }
    const res = await pollUntil(
      `${victim} /readyz after restart`,
      async () => {
        const r = await clients.get(victim)!.transport.request('/readyz', { timeoutMs: 3000 });
        return r.status === 200 ? r : undefined;
      },
      60_000,
    );
    expect(res.status).toBe(200);
    const nodes = await clients.get(victim)!.transport.requestOk<{ items: unknown[] }>('/api/v1/nodes');
    expect(nodes.items.length).toBeGreaterThanOrEqual(2);
  });
});
