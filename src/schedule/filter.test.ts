import { describe, expect, it } from 'vitest';
import type { Taint, Toleration } from '../model/kube.js';
import type { Placement } from '../model/karmada.js';
import type { ClusterDef, ClusterStatus } from '../model/fleet.js';
import { createScheduleContext } from './context.js';
import { filterClusters } from './filter.js';
import { findUntoleratedTaint, systemTaints, toleratesTaint } from './taints.js';
import { cluster, deployment, fleet, status } from './testing.js';

describe('toleratesTaint (Kubernetes semantics)', () => {
  const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  it.each<[string, Toleration, boolean]>([
    ['Equal with same key and value', { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, true],
    ['operator defaults to Equal', { key: 'dedicated', value: 'gpu' }, true],
    ['Equal with another value', { key: 'dedicated', operator: 'Equal', value: 'cpu' }, false],
    ['Exists ignores the value', { key: 'dedicated', operator: 'Exists' }, true],
    ['empty key with Exists tolerates every taint', { operator: 'Exists' }, true],
    ['empty effect matches every effect', { key: 'dedicated', operator: 'Exists', effect: '' }, true],
    ['another effect does not match', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    ['another key does not match', { key: 'other', operator: 'Exists' }, false],
  ])('%s', (_, toleration, want) => {
    expect(toleratesTaint(toleration, taint)).toBe(want);
  });

  it('ignores PreferNoSchedule and requires NoSchedule and NoExecute to be tolerated', () => {
    const taints: Taint[] = [
      { key: 'soft', effect: 'PreferNoSchedule' },
      { key: 'hard', effect: 'NoExecute' },
    ];
    expect(findUntoleratedTaint(taints, [])).toEqual(taints[1]);
    expect(findUntoleratedTaint(taints, [{ key: 'hard', operator: 'Exists' }])).toBeNull();
  });
});

describe('systemTaints', () => {
  it.each<[string, ClusterStatus | undefined, string[]]>([
    ['Ready=False ⇒ not-ready', status({ ready: 'False' }), ['cluster.karmada.io/not-ready:NoSchedule']],
    ['Ready=Unknown ⇒ unreachable', status({ ready: 'Unknown' }), ['cluster.karmada.io/unreachable:NoSchedule']],
    ['Ready=True ⇒ none', status({ ready: 'True' }), []],
    ['no status file ⇒ none', undefined, []],
    ['no Ready condition ⇒ none', status({}), []],
  ])('%s', (_, s, want) => {
    expect(systemTaints(s).map((t) => `${t.key}:${t.effect}`)).toEqual(want);
  });
});

describe('filterClusters', () => {
  const web = deployment('web');
  interface Case {
    name: string;
    clusters: ClusterDef[];
    statuses?: Record<string, ClusterStatus>;
    placement: Placement;
    previous?: string[];
    feasible: string[];
    filtered: Record<string, string[]>;
    kept?: Record<string, string[]>;
  }
  it.each<Case>([
    {
      name: 'clusterNames, exclude and labels are ANDed; exclude wins',
      clusters: [cluster('a', { labels: { env: 'prod' } }), cluster('b', { labels: { env: 'prod' } }), cluster('c', { labels: { env: 'dev' } }), cluster('d')],
      placement: { clusterAffinity: { clusterNames: ['a', 'b', 'c'], exclude: ['b'], labelSelector: { matchLabels: { env: 'prod' } } } },
      feasible: ['a'],
      filtered: { b: ['ClusterAffinity'], c: ['ClusterAffinity'], d: ['ClusterAffinity'] },
    },
    {
      name: 'fieldSelector on zones uses set semantics',
      clusters: [cluster('one', { zones: ['z1'] }), cluster('two', { zones: ['z1', 'z2'] }), cluster('none')],
      placement: { clusterAffinity: { fieldSelector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] } } },
      feasible: ['one'],
      filtered: { none: ['ClusterAffinity'], two: ['ClusterAffinity'] },
    },
    {
      name: 'untolerated declared taints filter; tolerated ones do not',
      clusters: [cluster('gpu', { taints: [{ key: 'gpu', effect: 'NoSchedule' }] }), cluster('drain', { taints: [{ key: 'drain', effect: 'NoExecute' }] }), cluster('soft', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] })],
      placement: { clusterTolerations: [{ key: 'gpu', operator: 'Exists' }] },
      feasible: ['gpu', 'soft'],
      filtered: { drain: ['TaintToleration'] },
    },
    {
      name: 'system taints come from the Ready condition',
      clusters: [cluster('down'), cluster('lost'), cluster('fine'), cluster('unknown')],
      statuses: { down: status({ ready: 'False' }), lost: status({ ready: 'Unknown' }), fine: status({ ready: 'True' }) },
      placement: {},
      feasible: ['fine', 'unknown'],
      filtered: { down: ['TaintToleration'], lost: ['TaintToleration'] },
    },
    {
      name: 'recorded status.taints filter like declared ones: NoSchedule and NoExecute block, PreferNoSchedule does not',
      clusters: [cluster('outage'), cluster('evicting'), cluster('soft'), cluster('tolerated')],
      statuses: {
        outage: { ...status({ ready: 'True' }), taints: [{ key: 'outage', effect: 'NoSchedule', timeAdded: '2026-01-01T00:00:00Z' }] },
        evicting: { ...status({ ready: 'True' }), taints: [{ key: 'outage', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' }] },
        soft: { ...status({ ready: 'True' }), taints: [{ key: 'outage', effect: 'PreferNoSchedule' }] },
        tolerated: { ...status({ ready: 'True' }), taints: [{ key: 'gpu', effect: 'NoSchedule' }] },
      },
      placement: { clusterTolerations: [{ key: 'gpu', operator: 'Exists' }] },
      feasible: ['soft', 'tolerated'],
      filtered: { evicting: ['TaintToleration'], outage: ['TaintToleration'] },
    },
    {
      name: 'clusters already holding the template pass recorded NoSchedule and NoExecute taints (no eviction yet)',
      clusters: [cluster('outage'), cluster('evicting')],
      statuses: {
        outage: { taints: [{ key: 'outage', effect: 'NoSchedule' }] },
        evicting: { taints: [{ key: 'outage', effect: 'NoExecute' }] },
      },
      placement: {},
      previous: ['outage', 'evicting'],
      feasible: ['evicting', 'outage'],
      filtered: {},
      kept: { evicting: ['TaintToleration'], outage: ['TaintToleration'] },
    },
    {
      name: 'clusters already holding the template pass taints and API checks, not affinity',
      clusters: [cluster('down'), cluster('noapi'), cluster('gone')],
      statuses: { down: status({ ready: 'False' }), noapi: status({ apis: [{ groupVersion: 'v1', kinds: ['ConfigMap'] }] }) },
      placement: { clusterAffinity: { exclude: ['gone'] } },
      previous: ['down', 'noapi', 'gone'],
      feasible: ['down', 'noapi'],
      filtered: { gone: ['ClusterAffinity'] },
      kept: { down: ['TaintToleration'], noapi: ['APIEnablement'] },
    },
    {
      name: 'API enablement: listed, not listed, unknown',
      clusters: [cluster('has'), cluster('lacks'), cluster('unknown'), cluster('empty')],
      statuses: {
        has: status({ apis: [{ groupVersion: 'apps/v1', kinds: ['Deployment'] }] }),
        lacks: status({ apis: [{ groupVersion: 'apps/v1', kinds: ['StatefulSet'] }, { groupVersion: 'apps/v1beta1', kinds: ['Deployment'] }] }),
        empty: status({ apis: [] }),
      },
      placement: {},
      feasible: ['empty', 'has', 'unknown'],
      filtered: { lacks: ['APIEnablement'] },
    },
    {
      name: 'spread fields must be set for region, zone and provider constraints',
      clusters: [cluster('full', { region: 'r', zones: ['z'], provider: 'p' }), cluster('noregion', { zones: ['z'], provider: 'p' }), cluster('nozone', { region: 'r', provider: 'p' })],
      placement: {
        spreadConstraints: [
          { spreadByField: 'region', minGroups: 1, maxGroups: 1 },
          { spreadByField: 'zone', minGroups: 1, maxGroups: 1 },
          { spreadByField: 'cluster', minGroups: 1, maxGroups: 1 },
        ],
      },
      feasible: ['full'],
      filtered: { noregion: ['SpreadConstraint'], nozone: ['SpreadConstraint'] },
    },
    {
      name: 'every failing rule is reported',
      clusters: [cluster('bad', { taints: [{ key: 't', effect: 'NoSchedule' }] })],
      placement: { clusterAffinity: { clusterNames: ['other'] } },
      feasible: [],
      filtered: { bad: ['ClusterAffinity', 'TaintToleration'] },
    },
  ])('$name', (c) => {
    const ctx = createScheduleContext(fleet({ clusters: c.clusters, statuses: c.statuses ?? {} }));
    const out = filterClusters(ctx, {
      template: web,
      placement: c.placement,
      affinity: c.placement.clusterAffinity,
      termKey: '',
      previous: new Set(c.previous ?? []),
    });
    expect(out.feasible.map((v) => v.name)).toEqual(c.feasible);
    expect(Object.fromEntries(out.filtered.map((f) => [f.name, f.reasons.map((r) => r.rule)]))).toEqual(c.filtered);
    expect(Object.fromEntries(out.kept)).toEqual(c.kept ?? {});
  });

  it('names a recorded policy taint, when it was added, and where it is recorded', () => {
    const statuses = { 'eu-west': { ...status({ ready: 'False' }), taints: [{ key: 'cluster.karmada.io/not-ready', effect: 'NoSchedule' as const, timeAdded: '2026-01-01T00:00:00Z' }] } };
    const ctx = createScheduleContext(fleet({ clusters: [cluster('eu-west')], statuses }));
    // The system taint has the same key and effect: listed once, as recorded.
    expect(ctx.clusters[0]!.taints).toEqual(statuses['eu-west'].taints);
    const out = filterClusters(ctx, { template: web, placement: {}, affinity: undefined, termKey: '', previous: new Set() });
    expect(out.filtered[0]?.reasons.map((r) => r.detail)).toEqual([
      'untolerated taint cluster.karmada.io/not-ready:NoSchedule (status.taints in status/clusters/eu-west.yaml, added 2026-01-01T00:00:00Z, by a ClusterTaintPolicy)',
    ]);
  });

  it('names the system taint and where it comes from', () => {
    const ctx = createScheduleContext(fleet({ clusters: [cluster('eu-west')], statuses: { 'eu-west': status({ ready: 'False' }) } }));
    const out = filterClusters(ctx, { template: web, placement: {}, affinity: undefined, termKey: '', previous: new Set() });
    expect(out.filtered[0]?.reasons[0]?.detail).toBe(
      'untolerated taint cluster.karmada.io/not-ready:NoSchedule (system taint: Ready=False in status/clusters/eu-west.yaml)',
    );
  });
});
