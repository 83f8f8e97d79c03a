import { describe, expect, it } from 'vitest';
import type { Fleet } from '../model/fleet.js';
import type { Placement } from '../model/karmada.js';
import { identityKey } from '../model/refs.js';
import { scheduleFleet } from './schedule-fleet.js';
import {
  capacityFor,
  cluster,
  configMap,
  cpp,
  deployment,
  fleet,
  invalidPolicy,
  placed,
  pp,
  ppRef,
  record,
  replicasByCluster,
  selectByName,
  selectKind,
  status,
  template,
} from './testing.js';

const web = deployment('web', { replicas: 3, cpu: '1' });
const only = (f: Fleet) => {
  const r = scheduleFleet(f);
  expect(r.decisions).toHaveLength(1);
  return { decision: r.decisions[0]!, result: r };
};
const policyFor = (placement: Placement, extra: Partial<Parameters<typeof pp>[2]> = {}) =>
  pp('web', 'default', { resourceSelectors: [selectByName('Deployment', 'web')], placement, ...extra });

describe('scheduleFleet: decision shape', () => {
  it('a template no policy claims gets policy null, NoPolicyMatched and no clusters', () => {
    const { decision } = only(fleet({ clusters: [cluster('a')], templates: [web] }));
    expect(decision).toEqual({
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
      policy: null,
      scheduled: false,
      reason: 'NoPolicyMatched',
      message: 'no propagation policy matches this resource',
      clusters: [],
    });
  });

  it('a successful decision has an empty message and clusters sorted by name', () => {
    const { decision } = only(fleet({ clusters: [cluster('b'), cluster('a')], policies: [policyFor({})], templates: [web] }));
    expect(decision).toEqual({
      resource: web.ref,
      policy: ppRef('web'),
      scheduled: true,
      reason: 'Success',
      message: '',
      clusters: placed(['a', 3], ['b', 3]),
      appliedPlacement: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
    });
  });

  it('decisions come out sorted by apiVersion, kind, namespace, name', () => {
    const templates = [deployment('b'), configMap('z'), deployment('a', { namespace: 'alpha' }), configMap('a', 'zeta')];
    const r = scheduleFleet(fleet({ templates }));
    expect(r.decisions.map((d) => `${d.resource.apiVersion} ${d.resource.kind} ${d.resource.namespace}/${d.resource.name}`)).toEqual([
      'apps/v1 Deployment alpha/a',
      'apps/v1 Deployment default/b',
      'v1 ConfigMap default/z',
      'v1 ConfigMap zeta/a',
    ]);
  });
});

describe('scheduleFleet: replicas', () => {
  const divided: Placement = { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } } };
  it('divides by estimated availability from status/clusters (6/12/18 ⇒ 2/4/6)', () => {
    const t = deployment('web', { replicas: 12, cpu: '1' });
    const { decision } = only(
      fleet({
        clusters: [cluster('a'), cluster('b'), cluster('c')],
        statuses: { a: capacityFor(6), b: capacityFor(12), c: capacityFor(18) },
        policies: [policyFor(divided)],
        templates: [t],
      }),
    );
    expect(replicasByCluster(decision.clusters)).toEqual({ a: 2, b: 4, c: 6 });
  });

  it('counts a cluster without a status file as 0 available for dynamic division', () => {
    const t = deployment('web', { replicas: 4, cpu: '1' });
    const { decision } = only(fleet({ clusters: [cluster('a'), cluster('blind')], statuses: { a: capacityFor(10) }, policies: [policyFor(divided)], templates: [t] }));
    expect(replicasByCluster(decision.clusters)).toEqual({ a: 4 });
  });

  it('scaling to zero lists every selected cluster with 0', () => {
    const t = deployment('web', { replicas: 0 });
    const { decision } = only(fleet({ clusters: [cluster('a'), cluster('b')], policies: [policyFor(divided)], templates: [t], placements: [record(t, ppRef('web'), placed(['a', 2]))] }));
    expect(decision.clusters).toEqual(placed(['a', 0], ['b', 0]));
    expect(decision.scheduled).toBe(true);
  });

  it('objects without replicas get 0 on every cluster', () => {
    const cm = configMap('settings');
    const { decision } = only(fleet({ clusters: [cluster('a'), cluster('b')], policies: [pp('cm', 'default', { resourceSelectors: [selectKind('ConfigMap')] })], templates: [cm] }));
    expect(decision.clusters).toEqual(placed(['a', 0], ['b', 0]));
  });

  it('divides a Job by parallelism', () => {
    const job = template({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'batch' }, spec: { parallelism: 4, completions: 10, template: { spec: { containers: [] } } } });
    const placement: Placement = { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' } };
    const { decision } = only(fleet({ clusters: [cluster('a'), cluster('b')], policies: [pp('job', 'default', { resourceSelectors: [{ apiVersion: 'batch/v1', kind: 'Job' }], placement })], templates: [job] }));
    expect(replicasByCluster(decision.clusters)).toEqual({ a: 2, b: 2 });
  });

  it('reports a malformed replica count and keeps the previous placement', () => {
    const t = template({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 'three' } });
    const r = scheduleFleet(fleet({ clusters: [cluster('a')], policies: [policyFor({})], templates: [t], placements: [record(t, ppRef('web'), placed(['old', 1]))] }));
    expect(r.decisions[0]).toMatchObject({ reason: 'Unschedulable', clusters: placed(['old', 1]) });
    expect(r.errors).toEqual([{ file: 'workloads/web.yaml', line: 1, column: 1, message: 'spec.replicas: expected a non-negative integer up to 2147483647, got "three"' }]);
  });
});

describe('scheduleFleet: Unschedulable keeps the previous placement', () => {
  it.each([
    { name: 'with a previous placement', previous: placed(['gone', 2], ['old', 1]), want: placed(['gone', 2], ['old', 1]) },
    { name: 'without one', previous: undefined, want: [] },
  ])('$name', ({ previous, want }) => {
    const f = fleet({
      clusters: [cluster('a')],
      policies: [policyFor({ clusterAffinity: { clusterNames: ['nowhere'] } })],
      templates: [web],
      placements: previous ? [record(web, ppRef('web'), previous)] : [],
    });
    const { decision } = only(f);
    expect(decision.scheduled).toBe(false);
    expect(decision.reason).toBe('Unschedulable');
    expect(decision.message).toBe('no cluster fits (0/1 available): ClusterAffinity rejects 1');
    expect(decision.clusters).toEqual(want);
  });

  it('says when capacity is short', () => {
    const placement: Placement = { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' } };
    const { decision } = only(fleet({ clusters: [cluster('a')], statuses: { a: capacityFor(2) }, policies: [policyFor(placement)], templates: [web] }));
    expect(decision.message).toBe('replica division: Clusters available replicas 2 are not enough to schedule.');
  });

  it('holds a template an invalid policy selects, naming the file', () => {
    const f = fleet({
      clusters: [cluster('a'), cluster('b')],
      policies: [policyFor({})],
      invalidPolicies: [invalidPolicy('PropagationPolicy', 'broken', 'default', [selectByName('Deployment', 'web')])],
      templates: [web],
      placements: [record(web, ppRef('web'), placed(['a', 3]))],
    });
    const { decision } = only(f);
    expect(decision).toMatchObject({ policy: ppRef('web'), scheduled: false, reason: 'Unschedulable', clusters: placed(['a', 3]) });
    expect(decision.message).toContain('policies/broken.yaml');
  });
});

describe('scheduleFleet: scoring keeps placements stable', () => {
  it('a previously placed cluster wins a single-cluster spread', () => {
    const placement: Placement = { spreadConstraints: [{ spreadByField: 'cluster', minGroups: 1, maxGroups: 1 }] };
    const f = fleet({ clusters: [cluster('a'), cluster('b'), cluster('c')], policies: [policyFor(placement)], templates: [web], placements: [record(web, ppRef('web'), placed(['b', 3]))] });
    expect(only(f).decision.clusters).toEqual(placed(['b', 3]));
    const fresh = fleet({ clusters: [cluster('a'), cluster('b'), cluster('c')], policies: [policyFor(placement)], templates: [web] });
    expect(only(fresh).decision.clusters).toEqual(placed(['a', 3]));
  });

  it('keeps a NotReady cluster that already holds the template, but adds no new one', () => {
    const f = fleet({
      clusters: [cluster('down'), cluster('new-down')],
      statuses: { down: status({ ready: 'False' }), 'new-down': status({ ready: 'Unknown' }) },
      policies: [policyFor({})],
      templates: [web],
      placements: [record(web, ppRef('web'), placed(['down', 3]))],
    });
    expect(only(f).decision.clusters).toEqual(placed(['down', 3]));
  });
});

describe('scheduleFleet: ordered clusterAffinities', () => {
  const affinities: Placement = {
    clusterAffinities: [
      { affinityName: 'primary', clusterNames: ['p1'] },
      { affinityName: 'backup', clusterNames: ['b1'] },
    ],
  };
  const clusters = [cluster('p1'), cluster('b1')];

  it('uses the first term that schedules and records it', () => {
    const { decision } = only(fleet({ clusters, statuses: { p1: status({ ready: 'False' }) }, policies: [policyFor(affinities)], templates: [web] }));
    expect(decision).toMatchObject({ scheduled: true, observedAffinityName: 'backup', clusters: placed(['b1', 3]) });
  });

  it('never moves back to an earlier term by itself', () => {
    const f = fleet({ clusters, policies: [policyFor(affinities)], templates: [web], placements: [record(web, ppRef('web'), placed(['b1', 3]), 'backup')] });
    const { decision, result } = only(f);
    expect(decision).toMatchObject({ observedAffinityName: 'backup', clusters: placed(['b1', 3]) });
    expect(result.explanations.get(identityKey(web.ref))?.skippedTerms).toEqual(['primary']);
  });

  it('starts from the first term when the recorded term no longer exists', () => {
    const f = fleet({ clusters, policies: [policyFor(affinities)], templates: [web], placements: [record(web, ppRef('web'), placed(['b1', 3]), 'renamed')] });
    expect(only(f).decision).toMatchObject({ observedAffinityName: 'primary', clusters: placed(['p1', 3]) });
  });

  it('reports every term when none schedules and keeps the recorded term', () => {
    const f = fleet({
      clusters,
      statuses: { p1: status({ ready: 'False' }), b1: status({ ready: 'False' }) },
      policies: [policyFor(affinities)],
      templates: [web],
      placements: [record(web, ppRef('web'), placed(['old', 3]), 'primary')],
    });
    const { decision } = only(f);
    expect(decision).toMatchObject({ scheduled: false, reason: 'Unschedulable', observedAffinityName: 'primary', clusters: placed(['old', 3]) });
    expect(decision.message).toBe(
      'clusterAffinities term "primary": no cluster fits (0/2 available): ClusterAffinity rejects 1, TaintToleration rejects 2; ' +
        'clusterAffinities term "backup": no cluster fits (0/2 available): ClusterAffinity rejects 1, TaintToleration rejects 2',
    );
  });
});

describe('scheduleFleet: spread constraints end to end', () => {
  it('spreads over two regions, one cluster each', () => {
    const placement: Placement = {
      replicaScheduling: { replicaSchedulingType: 'Duplicated' },
      spreadConstraints: [
        { spreadByField: 'region', minGroups: 2, maxGroups: 2 },
        { spreadByField: 'cluster', minGroups: 2, maxGroups: 2 },
      ],
    };
    const f = fleet({
      clusters: [cluster('eu1', { region: 'eu' }), cluster('eu2', { region: 'eu' }), cluster('us1', { region: 'us' }), cluster('noregion')],
      statuses: { eu1: capacityFor(10), eu2: capacityFor(10), us1: capacityFor(10) },
      policies: [policyFor(placement)],
      templates: [web],
    });
    const { decision, result } = only(f);
    expect(decision.clusters).toEqual(placed(['eu1', 3], ['us1', 3]));
    const term = result.explanations.get(identityKey(web.ref))!.terms[0]!;
    expect(term.filtered.map((c) => c.name)).toEqual(['noregion']);
    expect(term.selection?.regions?.map((r) => [r.name, r.chosen])).toEqual([
      ['eu', true],
      ['us', true],
    ]);
  });
});

describe('scheduleFleet: propagateDeps', () => {
  const withDeps = (name: string, cm: string) =>
    deployment(name, { podSpec: { containers: [{ name: 'c', envFrom: [{ configMapRef: { name: cm } }] }] } });
  const depsPolicy = (name: string, clusters: string[]) =>
    pp(name, 'default', { resourceSelectors: [selectByName('Deployment', name)], propagateDeps: true, placement: { clusterAffinity: { clusterNames: clusters } } });
  const clusters = [cluster('a'), cluster('b'), cluster('c')];

  it('an unclaimed dependency follows the union of its workloads', () => {
    const r = scheduleFleet(
      fleet({
        clusters,
        policies: [depsPolicy('w1', ['a']), depsPolicy('w2', ['b'])],
        templates: [withDeps('w1', 'shared'), withDeps('w2', 'shared'), configMap('shared'), configMap('unrelated')],
      }),
    );
    const shared = r.decisions.find((d) => d.resource.name === 'shared')!;
    expect(shared).toEqual({
      resource: configMap('shared').ref,
      policy: null,
      scheduled: true,
      reason: 'Success',
      message: 'follows Deployment/default/w1, Deployment/default/w2 (propagateDeps)',
      clusters: placed(['a', 0], ['b', 0]),
      requiredBy: [withDeps('w1', 'x').ref, withDeps('w2', 'x').ref],
    });
    expect(r.decisions.find((d) => d.resource.name === 'unrelated')?.reason).toBe('NoPolicyMatched');
  });

  it('a dependency with its own policy is placed on the union of both', () => {
    const r = scheduleFleet(
      fleet({
        clusters,
        policies: [depsPolicy('w1', ['a']), pp('cms', 'default', { resourceSelectors: [selectKind('ConfigMap')], placement: { clusterAffinity: { clusterNames: ['c'] } } })],
        templates: [withDeps('w1', 'shared'), configMap('shared')],
      }),
    );
    const shared = r.decisions.find((d) => d.resource.name === 'shared')!;
    expect(shared).toMatchObject({ policy: ppRef('cms'), reason: 'Success', clusters: placed(['a', 0], ['c', 0]), requiredBy: [withDeps('w1', 'x').ref] });
  });

  it('nothing follows a workload whose policy does not propagate dependencies', () => {
    const noDeps = pp('w1', 'default', { resourceSelectors: [selectByName('Deployment', 'w1')] });
    const r = scheduleFleet(fleet({ clusters, policies: [noDeps], templates: [withDeps('w1', 'shared'), configMap('shared')] }));
    expect(r.decisions.find((d) => d.resource.name === 'shared')).toMatchObject({ reason: 'NoPolicyMatched', clusters: [] });
  });
});

describe('scheduleFleet: suspension', () => {
  it.each([
    { name: 'dispatching suspends every placed cluster', suspension: { dispatching: true }, want: ['a', 'b'] },
    { name: 'dispatchingOnClusters suspends the placed ones it names', suspension: { dispatchingOnClusters: { clusterNames: ['b', 'elsewhere'] } }, want: ['b'] },
  ])('$name', ({ suspension, want }) => {
    const { decision } = only(fleet({ clusters: [cluster('a'), cluster('b')], policies: [policyFor({}, { suspension })], templates: [web] }));
    expect(decision.clusters).toEqual(placed(['a', 3], ['b', 3]));
    expect(decision.suspendedClusters).toEqual(want);
  });
});

describe('scheduleFleet: errors', () => {
  it('reports unreadable status quantities against the status file', () => {
    const r = scheduleFleet(fleet({ clusters: [cluster('a')], statuses: { a: status({ allocatable: { cpu: 'x', pods: '1' } }) } }));
    expect(r.errors).toEqual([{ file: 'status/clusters/a.yaml', line: 1, column: 1, message: 'status.resourceSummary.allocatable.cpu: not a valid quantity: "x"' }]);
  });

  it('a CPP claims across namespaces', () => {
    const { decision } = only(fleet({ clusters: [cluster('a')], policies: [cpp('all', { resourceSelectors: [selectKind('Deployment')] })], templates: [deployment('x', { namespace: 'team' })] }));
    expect(decision.policy).toEqual({ kind: 'ClusterPropagationPolicy', namespace: '', name: 'all' });
  });
});
