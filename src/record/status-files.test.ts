import { describe, expect, it } from 'vitest';
import type { PlacementDecision } from '../model/placement.js';
import { placementPath } from './paths.js';
import { clusterStatusFile, inventoryFile, parseInventory, placementFile, readStatusDocument, statusWrites, toStatusYaml, withTransitionTimes } from './status-files.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('placementPath', () => {
  it.each([
    [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' }, 'status/placements/default/deployment.apps-web.yaml'],
    [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'cfg' }, 'status/placements/shop/configmap-cfg.yaml'],
    [{ apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'shop' }, 'status/placements/_cluster/namespace-shop.yaml'],
  ])('%j → %s', (ref, path) => expect(placementPath(ref)).toBe(path));
});

describe('withTransitionTimes', () => {
  const prev = [{ type: 'Ready', status: 'True' as const, reason: 'ClusterReady', lastTransitionTime: '2026-01-01T00:00:00Z' }];
  it('keeps the old time while the status is unchanged, so a quiet fleet makes no commits', () => {
    expect(withTransitionTimes([{ type: 'Ready', status: 'True', reason: 'ClusterReady' }], prev, '2026-02-02T00:00:00Z')[0]!.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
  });
  it('stamps a real transition', () => {
    expect(withTransitionTimes([{ type: 'Ready', status: 'False', reason: 'ClusterNotReachable' }], prev, '2026-02-02T00:00:00Z')[0]!.lastTransitionTime).toBe('2026-02-02T00:00:00Z');
  });
});

describe('status files', () => {
  it('writes the contract shape of a placement, deterministically', () => {
    const d: PlacementDecision = {
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
      policy: { kind: 'PropagationPolicy', namespace: 'default', name: 'web' },
      scheduled: true,
      reason: 'Success',
      message: '',
      clusters: [{ name: 'member1', replicas: 2 }, { name: 'member2', replicas: 1 }],
      observedAffinityName: 'primary',
    };
    const obs = { clusters: [{ name: 'member1', applied: true, health: 'Healthy' as const }], aggregated: { replicas: 3, health: 'Progressing' as const, readyReplicas: 2 } };
    const a = placementFile(d, obs);
    expect(a).toEqual(placementFile(structuredClone(d), structuredClone(obs)));
    expect(a.path).toBe('status/placements/default/deployment.apps-web.yaml');
    expect(a.content).toBe(`apiVersion: flotilla.dev/v1alpha1
kind: Placement
metadata:
  name: deployment.apps-web
  namespace: default
spec:
  resource:
    apiVersion: apps/v1
    kind: Deployment
    namespace: default
    name: web
  policy:
    kind: PropagationPolicy
    namespace: default
    name: web
  clusters:
    - name: member1
      replicas: 2
    - name: member2
      replicas: 1
status:
  conditions:
    - type: Scheduled
      status: "True"
      reason: Success
      message: ""
  observedAffinityName: primary
  clusters:
    - name: member1
      applied: true
      health: Healthy
  aggregated:
    health: Progressing
    readyReplicas: 2
    replicas: 3
`);
  });

  it('writes status.taints in a fixed field order, and no taints field when there are none', () => {
    const status = { conditions: [{ type: 'Ready', status: 'False' as const, reason: 'ClusterNotReachable', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    const taints = [
      { timeAdded: '2026-01-01T00:00:00Z', effect: 'NoSchedule' as const, key: 'cluster.karmada.io/not-ready' },
      { effect: 'NoExecute' as const, value: 'eu', key: 'outage', timeAdded: '2026-01-01T00:01:00Z' },
    ];
    expect(clusterStatusFile('m1', { ...status, taints }).content).toBe(`apiVersion: flotilla.dev/v1alpha1
kind: ClusterStatus
metadata:
  name: m1
status:
  conditions:
    - type: Ready
      status: "False"
      reason: ClusterNotReachable
      message: ""
      lastTransitionTime: 2026-01-01T00:00:00Z
  taints:
    - key: cluster.karmada.io/not-ready
      effect: NoSchedule
      timeAdded: 2026-01-01T00:00:00Z
    - key: outage
      value: eu
      effect: NoExecute
      timeAdded: 2026-01-01T00:01:00Z
`);
    expect(clusterStatusFile('m1', { ...status, taints: [] }).content).toBe(clusterStatusFile('m1', status).content);
    expect(clusterStatusFile('m1', status).content).not.toContain('taints');
  });

  it('writes graceful eviction tasks in a fixed field order and degradedSince per cluster', () => {
    const d: PlacementDecision = {
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      policy: { kind: 'PropagationPolicy', namespace: 'shop', name: 'web' },
      scheduled: true,
      reason: 'Success',
      message: '',
      clusters: [{ name: 'member3', replicas: 2 }],
      gracefulEvictionTasks: [
        {
          creationTimestamp: '2026-03-01T12:05:00.000Z',
          clustersBeforeFailover: ['member1', 'member3'],
          producer: 'TaintManager',
          reason: 'TaintUntolerated',
          message: 'taint cluster.karmada.io/not-ready:NoExecute tolerated for 30s',
          replicas: 2,
          purgeMode: 'Gracefully',
          fromCluster: 'member1',
        },
        { suppressDeletion: true, gracePeriodSeconds: 60, purgeMode: 'Never', producer: 'ResourceBindingApplicationFailoverController', reason: 'ApplicationFailure', fromCluster: 'member2' },
      ],
    };
    const obs = { clusters: [{ name: 'member3', applied: true, health: 'Degraded' as const, message: 'crash loop', degradedSince: '2026-03-01T12:06:00.000Z' }] };
    const text = placementFile(d, obs).content;
    expect(text).toContain(`  gracefulEvictionTasks:
    - fromCluster: member1
      purgeMode: Gracefully
      replicas: 2
      reason: TaintUntolerated
      message: taint cluster.karmada.io/not-ready:NoExecute tolerated for 30s
      producer: TaintManager
      clustersBeforeFailover:
        - member1
        - member3
      creationTimestamp: 2026-03-01T12:05:00.000Z
    - fromCluster: member2
      purgeMode: Never
      reason: ApplicationFailure
      producer: ResourceBindingApplicationFailoverController
      gracePeriodSeconds: 60
      suppressDeletion: true
status:
`);
    expect(text).toContain(`    - name: member3
      applied: true
      health: Degraded
      message: crash loop
      degradedSince: 2026-03-01T12:06:00.000Z
`);
    expect(placementFile({ ...d, gracefulEvictionTasks: [] }, undefined).content).not.toContain('gracefulEvictionTasks');
  });

  it('round-trips an inventory and refuses a damaged one', () => {
    const inv = { cluster: 'm1', entries: [{ ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'b' }, hash: 'abc', source: 'workloads/b.yaml' }] };
    expect(parseInventory('m1', enc(inventoryFile(inv).content))).toEqual(inv);
    expect(parseInventory('m1', enc('kind: Inventory\nentries: [unclosed'))).toBeUndefined();
    expect(parseInventory('m1', enc('kind: Something\n'))).toBeUndefined();
  });

  it('reads back an inventory larger than the size limit of fleet files (the controller wrote it)', () => {
    const entries = Array.from({ length: 8000 }, (_, i) => ({ ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: `app-${i}-${'x'.repeat(60)}` }, hash: 'f'.repeat(64), source: `workloads/shop/app-${i}.yaml` }));
    const text = inventoryFile({ cluster: 'm1', entries }).content;
    expect(text.length).toBeGreaterThan(1024 * 1024);
    expect(parseInventory('m1', enc(text))?.entries).toEqual(entries);
  });

  it('reads a status file back as written, awkward strings included', () => {
    const doc = { kind: 'Placement', status: { clusters: [{ name: 'm1', applied: false, health: 'Unknown', message: 'a: "quoted" # not a comment\nsecond line' }, { name: 'm2', message: "it's 'yes', no, 0x1F, 1e3, ~" }] } };
    expect(readStatusDocument('status/placements/x.yaml', toStatusYaml(doc))).toEqual(doc);
    expect(readStatusDocument('status/placements/x.yaml', 'a: [unclosed')).toBeUndefined();
  });

  it('computes only the writes that change something, and deletes stale files it owns', () => {
    const cluster = clusterStatusFile('m1', { kubernetesVersion: 'v1.36.3' });
    const current = new Map([
      [cluster.path, enc(cluster.content)],
      ['status/placements/default/old.yaml', enc('x')],
      ['status/inventory/gone.yaml', enc('y')],
    ]);
    const wanted = new Map([[cluster.path, cluster.content], ['status/placements/default/new.yaml', 'n: 1\n']]);
    const writes = statusWrites(current, wanted, ['status/clusters/', 'status/placements/']);
    expect(writes.map((w) => [w.path, w.content === null ? null : 'write'])).toEqual([
      ['status/placements/default/new.yaml', 'write'],
      ['status/placements/default/old.yaml', null],
    ]);
  });
});
