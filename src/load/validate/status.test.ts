import { describe, expect, it } from 'vitest';
import { loadTexts, positionOf, yamlLines } from '../testing.js';

const CLUSTER_STATUS = yamlLines(
  'apiVersion: flotilla.dev/v1alpha1',
  'kind: ClusterStatus',
  'metadata: {name: member1}',
  'status:',
  '  conditions: [{type: Ready, status: "True", reason: ClusterReady, message: "", lastTransitionTime: "2026-01-01T00:00:00Z"}]',
  '  kubernetesVersion: v1.34.2',
  '  nodeSummary: {totalNum: 3, readyNum: 3}',
  '  resourceSummary:',
  '    allocatable: {cpu: 12, memory: 48Gi, pods: "330"}',
  '    allocated:   {cpu: 2500m, memory: 6Gi, pods: "21"}',
  '    allocating:  {}',
  '  apiEnablements:',
  '    - {groupVersion: apps/v1, resources: [{name: deployments, kind: Deployment}]}',
  '  somethingNew: true',
);

const PLACEMENT = yamlLines(
  'apiVersion: flotilla.dev/v1alpha1',
  'kind: Placement',
  'metadata: {name: deployment.apps-web, namespace: default}',
  'spec:',
  '  resource: {apiVersion: apps/v1, kind: Deployment, namespace: default, name: web}',
  '  policy: {kind: PropagationPolicy, namespace: default, name: web}',
  '  clusters: [{name: member1, replicas: 2}, {name: member2, replicas: 1}]',
  'status:',
  '  conditions: [{type: Scheduled, status: "True", reason: Success, message: ""}]',
  '  observedAffinityName: primary',
  '  clusters: [{name: member1, applied: true, health: Healthy}, {name: member2, applied: true, health: Progressing, drift: true}]',
  '  aggregated: {health: Progressing, replicas: 3, readyReplicas: 2}',
);

describe('status/clusters', () => {
  it('reads the contract example, quantities as strings, unknown fields ignored', () => {
    const fleet = loadTexts({ 'status/clusters/member1.yaml': CLUSTER_STATUS });
    expect(fleet.errors).toEqual([]);
    expect(fleet.warnings).toEqual([]);
    expect([...fleet.clusterStatuses]).toEqual([
      [
        'member1',
        {
          conditions: [{ type: 'Ready', status: 'True', reason: 'ClusterReady', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }],
          kubernetesVersion: 'v1.34.2',
          nodeSummary: { totalNum: 3, readyNum: 3 },
          resourceSummary: { allocatable: { cpu: '12', memory: '48Gi', pods: '330' }, allocated: { cpu: '2500m', memory: '6Gi', pods: '21' }, allocating: {} },
          apiEnablements: [{ groupVersion: 'apps/v1', resources: [{ name: 'deployments', kind: 'Deployment' }] }],
        },
      ],
    ]);
  });

  it.each([
    ['a condition status outside the enum', CLUSTER_STATUS.replace('status: "True"', 'status: Yes'), 'status.conditions[0].status: expected True, False or Unknown, got "Yes"', 'Yes'],
    ['a node count that is not a number', CLUSTER_STATUS.replace('totalNum: 3', 'totalNum: three'), 'status.nodeSummary.totalNum: expected an integer between 0 and 2147483647, got "three"', 'three'],
    ['a name that is not the file name', CLUSTER_STATUS.replace('name: member1', 'name: member2'), 'metadata.name: must be the cluster the file is named after ("member1"), got "member2"', 'member2'],
    ['a taint effect outside the enum', `${CLUSTER_STATUS}  taints: [{key: outage, effect: NoRun}]\n`, 'status.taints[0].effect: expected NoSchedule, PreferNoSchedule or NoExecute, got "NoRun"', 'NoRun'],
    ['a taint without key', `${CLUSTER_STATUS}  taints: [{effect: NoSchedule, timeAdded: "2026-01-01T00:00:00Z"}]\n`, 'status.taints[0].key: is required', '{effect'],
    ['another kind', CLUSTER_STATUS.replace('kind: ClusterStatus', 'kind: Placement'), 'kind: expected flotilla.dev/v1alpha1 ClusterStatus here, got flotilla.dev/v1alpha1 Placement', 'Placement'],
  ])('ignores a hand-edited file with %s, with an error', (_, text, message, needle) => {
    const fleet = loadTexts({ 'status/clusters/member1.yaml': text, 'status/clusters/member2.yaml': CLUSTER_STATUS.replace('name: member1', 'name: member2') });
    expect(fleet.errors).toEqual([{ file: 'status/clusters/member1.yaml', ...positionOf(text, needle), message }]);
    expect([...fleet.clusterStatuses.keys()]).toEqual(['member2']);
  });

  it('ignores a broken status file and marks it broken', () => {
    const fleet = loadTexts({ 'status/clusters/member1.yaml': 'status: [\n' });
    expect(fleet.errors).toHaveLength(1);
    expect(fleet.clusterStatuses.size).toBe(0);
    expect(fleet.brokenFiles).toEqual(['status/clusters/member1.yaml']);
  });

  it('refuses two status files for one cluster', () => {
    const fleet = loadTexts({ 'status/clusters/member1.yaml': CLUSTER_STATUS, 'status/clusters/member1.yml': CLUSTER_STATUS });
    expect(fleet.errors.map((e) => e.file)).toEqual(['status/clusters/member1.yaml', 'status/clusters/member1.yml']);
    expect(fleet.clusterStatuses.size).toBe(0);
  });

  it('ignores what is not a status file: inventory and nested paths', () => {
    const fleet = loadTexts({ 'status/inventory/member1.yaml': 'not: [valid', 'status/clusters/eu/member1.yaml': 'x: [' });
    expect(fleet.errors).toEqual([]);
    expect(fleet.brokenFiles).toEqual([]);
  });
});

describe('status/placements', () => {
  it('reads the contract example into a PlacementRecord keyed by identity', () => {
    const fleet = loadTexts({ 'status/placements/default/deployment.apps-web.yaml': PLACEMENT });
    expect(fleet.errors).toEqual([]);
    expect([...fleet.placements]).toEqual([
      [
        'apps/Deployment/default/web',
        {
          resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
          policy: { kind: 'PropagationPolicy', namespace: 'default', name: 'web' },
          clusters: [
            { name: 'member1', replicas: 2 },
            { name: 'member2', replicas: 1 },
          ],
          conditions: [{ type: 'Scheduled', status: 'True', reason: 'Success', message: '' }],
          observedAffinityName: 'primary',
          clusterStatuses: [
            { name: 'member1', applied: true, health: 'Healthy' },
            { name: 'member2', applied: true, health: 'Progressing', drift: true },
          ],
          aggregated: { health: 'Progressing', replicas: 3, readyReplicas: 2 },
        },
      ],
    ]);
  });

  it('reads a placement without policy and status, and a cluster-scoped resource', () => {
    const text = yamlLines('apiVersion: flotilla.dev/v1alpha1', 'kind: Placement', 'metadata: {name: namespace-shop}', 'spec:', '  resource: {apiVersion: v1, kind: Namespace, namespace: "", name: shop}', '  policy: null', '  clusters: []');
    const fleet = loadTexts({ 'status/placements/_cluster/namespace-shop.yaml': text });
    expect(fleet.errors).toEqual([]);
    expect(fleet.placements.get('/Namespace//shop')).toEqual({ resource: { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'shop' }, policy: null, clusters: [] });
  });

  it.each([
    ['without clusters', PLACEMENT.replace('  clusters: [{name: member1, replicas: 2}, {name: member2, replicas: 1}]\n', ''), 'spec.clusters: is required', 'spec:'],
    ['with negative replicas', PLACEMENT.replace('replicas: 2', 'replicas: -2'), 'spec.clusters[0].replicas: expected an integer between 0 and 2147483647, got -2', '-2'],
    ['with a cluster without name', PLACEMENT.replace('{name: member1, replicas: 2}', '{replicas: 2}'), 'spec.clusters[0].name: is required', '{replicas: 2}'],
    ['with a policy kind outside the enum', PLACEMENT.replace('kind: PropagationPolicy', 'kind: OverridePolicy'), 'spec.policy.kind: expected PropagationPolicy or ClusterPropagationPolicy, got "OverridePolicy"', 'OverridePolicy'],
    ['with a resource without name', PLACEMENT.replace(', name: web}', '}'), 'spec.resource.name: is required', 'resource'],
    ['with an unknown health', PLACEMENT.replace('health: Healthy', 'health: Fine'), 'status.clusters[0].health: expected Healthy, Progressing, Degraded, Suspended, Missing or Unknown, got "Fine"', 'Fine'],
    ['with an unknown aggregated health', PLACEMENT.replace('{health: Progressing, replicas', '{health: Great, replicas'), 'status.aggregated.health: expected Healthy, Progressing, Degraded, Suspended, Missing or Unknown, got "Great"', 'Great'],
  ])('ignores a placement %s, with an error', (_, text, message, needle) => {
    const fleet = loadTexts({ 'status/placements/default/deployment.apps-web.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'status/placements/default/deployment.apps-web.yaml', ...positionOf(text, needle), message }]);
    expect(fleet.placements.size).toBe(0);
  });

  it('refuses two records of one resource', () => {
    const fleet = loadTexts({ 'status/placements/default/a.yaml': PLACEMENT, 'status/placements/default/b.yaml': PLACEMENT.replace('apps/v1', 'apps/v1beta2') });
    expect(fleet.errors.map((e) => e.message)).toEqual([
      'placement of apps/Deployment/default/web is recorded more than once (status/placements/default/a.yaml, status/placements/default/b.yaml); none is used',
      'placement of apps/Deployment/default/web is recorded more than once (status/placements/default/a.yaml, status/placements/default/b.yaml); none is used',
    ]);
    expect(fleet.placements.size).toBe(0);
  });
});

describe('status/placements spec.gracefulEvictionTasks', () => {
  const FILE = 'status/placements/default/deployment.apps-web.yaml';
  const withTasks = (...lines: string[]) =>
    PLACEMENT.replace('status:\n', `  gracefulEvictionTasks:\n${lines.map((l) => `    ${l}\n`).join('')}status:\n`);

  it('reads every field, legacy purge modes as their current names, and keeps the order', () => {
    const text = withTasks(
      '- fromCluster: member3',
      '  replicas: 2',
      '  reason: TaintUntolerated',
      '  message: "taint outage:NoExecute"',
      '  producer: TaintManager',
      '  purgeMode: Graciously',
      '  gracePeriodSeconds: 120',
      '  creationTimestamp: "2026-01-01T00:00:00Z"',
      '  clustersBeforeFailover: [member1, member3]',
      '- {fromCluster: member0, reason: ApplicationFailure, producer: ResourceBindingApplicationFailoverController, purgeMode: Immediately, suppressDeletion: false}',
      '- {fromCluster: member4, reason: TaintUntolerated, producer: TaintManager}',
    );
    const fleet = loadTexts({ [FILE]: text });
    expect(fleet.errors).toEqual([]);
    expect(fleet.placements.get('apps/Deployment/default/web')?.gracefulEvictionTasks).toEqual([
      {
        fromCluster: 'member3',
        replicas: 2,
        reason: 'TaintUntolerated',
        message: 'taint outage:NoExecute',
        producer: 'TaintManager',
        purgeMode: 'Gracefully',
        gracePeriodSeconds: 120,
        creationTimestamp: '2026-01-01T00:00:00Z',
        clustersBeforeFailover: ['member1', 'member3'],
      },
      { fromCluster: 'member0', reason: 'ApplicationFailure', producer: 'ResourceBindingApplicationFailoverController', purgeMode: 'Directly', suppressDeletion: false },
      { fromCluster: 'member4', reason: 'TaintUntolerated', producer: 'TaintManager', purgeMode: 'Gracefully' },
    ]);
  });

  it('reads a task into one key order, however the file orders it', () => {
    const fleet = loadTexts({ [FILE]: withTasks('- {purgeMode: Never, producer: TaintManager, reason: TaintUntolerated, replicas: 1, fromCluster: member2}') });
    const task = fleet.placements.get('apps/Deployment/default/web')?.gracefulEvictionTasks?.[0];
    expect(Object.keys(task ?? {})).toEqual(['fromCluster', 'replicas', 'reason', 'producer', 'purgeMode']);
  });

  it('leaves gracefulEvictionTasks out of a record without tasks', () => {
    const fleet = loadTexts({ [FILE]: PLACEMENT.replace('status:\n', '  gracefulEvictionTasks: []\nstatus:\n') });
    expect(fleet.errors).toEqual([]);
    expect(fleet.placements.get('apps/Deployment/default/web')).not.toHaveProperty('gracefulEvictionTasks');
  });

  const GOOD = '- {fromCluster: member2, reason: TaintUntolerated, producer: TaintManager}';
  it.each([
    ['without fromCluster', '- {reason: TaintUntolerated, producer: TaintManager}', 'spec.gracefulEvictionTasks[0].fromCluster: is required', '{reason'],
    ['with an unknown reason', '- {fromCluster: member1, reason: Bored, producer: TaintManager}', 'spec.gracefulEvictionTasks[0].reason: expected TaintUntolerated or ApplicationFailure, got "Bored"', 'Bored'],
    ['with negative replicas', '- {fromCluster: member1, replicas: -1, reason: TaintUntolerated, producer: TaintManager}', 'spec.gracefulEvictionTasks[0].replicas: expected an integer between 0 and 2147483647, got -1', '-1'],
    ['with an unknown purge mode', '- {fromCluster: member1, reason: TaintUntolerated, producer: TaintManager, purgeMode: Later}', 'spec.gracefulEvictionTasks[0].purgeMode: expected Directly, Gracefully, Never, Immediately or Graciously, got "Later"', 'Later'],
    ['with a grace period of 0', '- {fromCluster: member1, reason: TaintUntolerated, producer: TaintManager, gracePeriodSeconds: 0}', 'spec.gracefulEvictionTasks[0].gracePeriodSeconds: expected an integer between 1 and 2147483647, got 0', '0}'],
    ['with a creationTimestamp that is not a time', '- {fromCluster: member1, reason: TaintUntolerated, producer: TaintManager, creationTimestamp: yesterday}', 'spec.gracefulEvictionTasks[0].creationTimestamp: expected an RFC 3339 time such as 2026-01-01T00:00:00Z, got "yesterday"', 'yesterday'],
    ['that is not a mapping', '- member1', 'spec.gracefulEvictionTasks[0]: expected a mapping, got "member1"', 'member1\n'],
  ])('drops a task %s with an error at its line, and keeps the placement and the other tasks', (_, bad, message, needle) => {
    const text = withTasks(bad, GOOD);
    const fleet = loadTexts({ [FILE]: text });
    expect(fleet.errors).toEqual([{ file: FILE, ...positionOf(text, needle), message }]);
    const record = fleet.placements.get('apps/Deployment/default/web');
    expect(record?.clusters).toEqual([
      { name: 'member1', replicas: 2 },
      { name: 'member2', replicas: 1 },
    ]);
    expect(record?.gracefulEvictionTasks).toEqual([{ fromCluster: 'member2', reason: 'TaintUntolerated', producer: 'TaintManager', purgeMode: 'Gracefully' }]);
  });

  it('keeps the first of two tasks for one cluster', () => {
    const text = withTasks(GOOD, GOOD.replace('TaintUntolerated, producer: TaintManager', 'ApplicationFailure, producer: ResourceBindingApplicationFailoverController'));
    const fleet = loadTexts({ [FILE]: text });
    expect(fleet.errors.map((e) => [e.line, e.message])).toEqual([[text.split('\n').findIndex((l) => l.includes('ApplicationFailure')) + 1, 'spec.gracefulEvictionTasks[1].fromCluster: only one task per cluster; "member2" already has one']]);
    expect(fleet.placements.get('apps/Deployment/default/web')?.gracefulEvictionTasks?.map((t) => t.reason)).toEqual(['TaintUntolerated']);
  });

  it('reports a task list that is not a list', () => {
    const text = PLACEMENT.replace('status:\n', '  gracefulEvictionTasks: member2\nstatus:\n');
    const fleet = loadTexts({ [FILE]: text });
    expect(fleet.errors.map((e) => e.message)).toEqual(['spec.gracefulEvictionTasks: expected a list, got "member2"']);
    expect(fleet.placements.get('apps/Deployment/default/web')?.clusters).toHaveLength(2);
  });
});

describe('status files as the record stage writes them', () => {
  it('reads back placements and cluster statuses without a problem', async () => {
    const { clusterStatusFile, placementFile } = await import('../../record/status-files.js');
    const namespace = placementFile(
      { resource: { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'shop' }, policy: { kind: 'ClusterPropagationPolicy', namespace: '', name: 'all' }, scheduled: true, reason: 'Success', message: '', clusters: [{ name: 'y', replicas: 0 }] },
      { clusters: [{ name: 'y', applied: true, health: 'Healthy' }] },
    );
    const web = placementFile(
      { resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }, policy: null, scheduled: false, reason: 'NoPolicyMatched', message: 'no', clusters: [] },
      undefined,
    );
    const taints = [
      { key: 'cluster.karmada.io/not-ready', effect: 'NoSchedule' as const, timeAdded: '2026-01-01T00:00:00Z' },
      { key: 'outage', value: 'eu', effect: 'NoExecute' as const, timeAdded: '2026-01-01T00:01:00Z' },
    ];
    const status = clusterStatusFile('y', { conditions: [{ type: 'Ready', status: 'True', reason: 'ClusterReady', message: 'yes', lastTransitionTime: '2026-01-01T00:00:00Z' }], resourceSummary: { allocatable: { cpu: '4' } }, taints });
    const fleet = loadTexts({ [namespace.path]: namespace.content, [web.path]: web.content, [status.path]: status.content });
    expect(fleet.errors).toEqual([]);
    expect(fleet.warnings).toEqual([]);
    expect(fleet.placements.get('/Namespace//shop')).toEqual({
      resource: { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'shop' },
      policy: { kind: 'ClusterPropagationPolicy', namespace: '', name: 'all' },
      clusters: [{ name: 'y', replicas: 0 }],
      conditions: [{ type: 'Scheduled', status: 'True', reason: 'Success', message: '' }],
      clusterStatuses: [{ name: 'y', applied: true, health: 'Healthy' }],
    });
    expect(fleet.placements.get('apps/Deployment/shop/web')?.policy).toBeNull();
    expect(fleet.clusterStatuses.get('y')?.conditions?.[0]?.message).toBe('yes');
    expect(fleet.clusterStatuses.get('y')?.taints).toEqual(taints);
  });
});
