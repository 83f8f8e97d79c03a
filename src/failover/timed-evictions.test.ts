import { describe, expect, it } from 'vitest';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from '../model/constants.js';
import type { Fleet, PlacementClusterStatus } from '../model/fleet.js';
import type { FailoverBehavior, Placement } from '../model/karmada.js';
import type { Taint } from '../model/kube.js';
import type { PlacementDecision } from '../model/placement.js';
import { cluster, deployment, fleet, placed, pp, ppRef, record, selectByName } from '../schedule/testing.js';
import { evictionOrder } from './testing.js';
import { taintSeenKey } from './tolerations.js';
import { timedEvictions } from './timed-evictions.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const web = deployment('web', { namespace: 'shop', replicas: 4 });

interface Setup {
  taints?: Taint[];
  statusTaints?: Taint[];
  placement?: Placement;
  failover?: FailoverBehavior;
  propagateDeps?: boolean;
  clusterStatuses?: PlacementClusterStatus[];
  defaultTolerationSeconds?: number;
}

function setup(s: Setup): { fleet: Fleet; decisions: PlacementDecision[] } {
  const policy = pp('web', 'shop', {
    resourceSelectors: [selectByName('Deployment', 'web')],
    placement: s.placement ?? {},
    ...(s.failover ? { failover: s.failover } : {}),
    ...(s.propagateDeps !== undefined ? { propagateDeps: s.propagateDeps } : {}),
  });
  const rec = { ...record(web, ppRef('web', 'shop'), placed(['member1', 2], ['member2', 2])), ...(s.clusterStatuses ? { clusterStatuses: s.clusterStatuses } : {}) };
  const f = fleet({
    clusters: [cluster('member1', s.taints ? { taints: s.taints } : {}), cluster('member2'), cluster('member3')],
    statuses: s.statusTaints ? { member1: { taints: s.statusTaints } } : {},
    policies: [policy],
    templates: [web],
    placements: [rec],
  });
  if (s.defaultTolerationSeconds !== undefined) f.settings = { ...f.settings, defaultTolerationSeconds: s.defaultTolerationSeconds };
  const decision: PlacementDecision = {
    resource: web.ref,
    policy: ppRef('web', 'shop'),
    scheduled: true,
    reason: 'Success',
    message: '',
    clusters: placed(['member1', 2], ['member2', 2]),
  };
  return { fleet: f, decisions: [decision] };
}

const notReady = (addedMs: number): Taint => ({ key: TAINT_NOT_READY, effect: 'NoExecute', timeAdded: iso(addedMs) });

describe('timedEvictions: taints tolerated for a while', () => {
  it('waits out the default toleration from timeAdded, then orders the eviction', () => {
    const { fleet, decisions } = setup({ statusTaints: [notReady(T0)], defaultTolerationSeconds: 30 });
    const early = timedEvictions(fleet, decisions, T0 + 29_000);
    expect(early).toEqual({ orders: [], nextDueAtMs: T0 + 30_000 });
    const due = timedEvictions(fleet, decisions, T0 + 30_000);
    expect(due.nextDueAtMs).toBeNull();
    expect(due.orders).toEqual([evictionOrder({ message: `taint ${TAINT_NOT_READY}:NoExecute tolerated for 30s`, dueAtMs: T0 + 30_000, taint: notReady(T0) })]);
  });

  it('uses the smallest tolerationSeconds among the tolerations used', () => {
    const placement: Placement = {
      clusterTolerations: [
        { key: 'drain', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 100 },
        { key: 'maintenance', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
      ],
    };
    const taints: Taint[] = [
      { key: 'drain', effect: 'NoExecute', timeAdded: iso(T0) },
      { key: 'maintenance', effect: 'NoExecute', timeAdded: iso(T0) },
    ];
    const { fleet, decisions } = setup({ statusTaints: taints, placement });
    expect(timedEvictions(fleet, decisions, T0).nextDueAtMs).toBe(T0 + 20_000);
    expect(timedEvictions(fleet, decisions, T0 + 20_000).orders.map((o) => o.taint?.key)).toEqual(['maintenance']);
  });

  it('never evicts for a toleration without seconds', () => {
    const placement: Placement = { clusterTolerations: [{ key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute' }] };
    const { fleet, decisions } = setup({ statusTaints: [notReady(T0)], placement });
    expect(timedEvictions(fleet, decisions, T0 + 365 * 86_400_000)).toEqual({ orders: [], nextDueAtMs: null });
  });

  it.each([0, -5])('evicts at once with tolerationSeconds %i', (seconds) => {
    const placement: Placement = { clusterTolerations: [{ key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds }] };
    const { fleet, decisions } = setup({ statusTaints: [notReady(T0 + 60_000)], placement });
    expect(timedEvictions(fleet, decisions, T0).orders.map((o) => o.fromCluster)).toEqual(['member1']);
  });

  it('leaves an untolerated NoExecute taint to the scheduler, even when another taint is tolerated', () => {
    const { fleet, decisions } = setup({ taints: [{ key: 'drain', effect: 'NoExecute' }], statusTaints: [notReady(T0)] });
    expect(timedEvictions(fleet, decisions, T0 + 3_600_000)).toEqual({ orders: [], nextDueAtMs: null });
  });

  it('measures a taint without timeAdded from when the controller first saw it, else from now', () => {
    const placement: Placement = { clusterTolerations: [{ key: 'drain', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }] };
    const { fleet, decisions } = setup({ taints: [{ key: 'drain', effect: 'NoExecute' }], placement });
    const firstSeenMs = new Map([[taintSeenKey('member1', { key: 'drain', effect: 'NoExecute' }), T0]]);
    expect(timedEvictions(fleet, decisions, T0 + 60_000, { firstSeenMs }).orders).toHaveLength(1);
    expect(timedEvictions(fleet, decisions, T0 + 60_000)).toEqual({ orders: [], nextDueAtMs: T0 + 120_000 });
  });

  it('takes the purge mode from failover.cluster, legacy names included', () => {
    const { fleet, decisions } = setup({ statusTaints: [notReady(T0)], failover: { cluster: { purgeMode: 'Directly' } } });
    expect(timedEvictions(fleet, decisions, T0 + 300_000).orders.map((o) => o.purgeMode)).toEqual(['Directly']);
  });

  it('skips a cluster that already has an eviction task', () => {
    const { fleet, decisions } = setup({ statusTaints: [notReady(T0)] });
    decisions[0]!.gracefulEvictionTasks = [{ fromCluster: 'member1', reason: 'TaintUntolerated', producer: 'TaintManager', purgeMode: 'Gracefully' }];
    expect(timedEvictions(fleet, decisions, T0 + 3_600_000)).toEqual({ orders: [], nextDueAtMs: null });
  });

  it('skips dependencies, which follow their workloads', () => {
    const { fleet, decisions } = setup({ statusTaints: [notReady(T0)] });
    decisions[0]!.requiredBy = [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'other' }];
    expect(timedEvictions(fleet, decisions, T0 + 3_600_000).orders).toEqual([]);
  });

  it('evicts on an unreachable taint too and omits replicas for a cluster that holds none', () => {
    const { fleet, decisions } = setup({ statusTaints: [{ key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: iso(T0) }] });
    decisions[0]!.clusters = placed(['member1', 0], ['member2', 4]);
    const [order] = timedEvictions(fleet, decisions, T0 + 300_000).orders;
    expect(order?.replicas).toBeUndefined();
    expect(order?.taint?.key).toBe(TAINT_UNREACHABLE);
  });
});

describe('timedEvictions: application failover', () => {
  const degraded = (sinceMs: number): PlacementClusterStatus[] => [
    { name: 'member1', applied: true, health: 'Healthy' },
    { name: 'member2', applied: true, health: 'Degraded', degradedSince: iso(sinceMs) },
  ];

  it('evicts a workload Degraded longer than tolerationSeconds, with the grace period', () => {
    const failover: FailoverBehavior = { application: { decisionConditions: { tolerationSeconds: 120 } } };
    const { fleet, decisions } = setup({ failover, propagateDeps: true, clusterStatuses: degraded(T0) });
    expect(timedEvictions(fleet, decisions, T0 + 119_000)).toEqual({ orders: [], nextDueAtMs: T0 + 120_000 });
    const [order, ...rest] = timedEvictions(fleet, decisions, T0 + 120_000).orders;
    expect(rest).toEqual([]);
    expect(order).toMatchObject({
      fromCluster: 'member2',
      replicas: 2,
      reason: 'ApplicationFailure',
      producer: 'ResourceBindingApplicationFailoverController',
      purgeMode: 'Gracefully',
      gracePeriodSeconds: 600,
      dueAtMs: T0 + 120_000,
    });
    expect(order?.message).toBe(`Degraded on member2 for 2m (since ${iso(T0)}; tolerationSeconds 120)`);
    expect(order?.suppressDeletion).toBeUndefined();
  });

  it('defaults tolerationSeconds to 300', () => {
    const { fleet, decisions } = setup({ failover: { application: {} }, propagateDeps: true, clusterStatuses: degraded(T0) });
    expect(timedEvictions(fleet, decisions, T0).nextDueAtMs).toBe(T0 + 300_000);
  });

  it.each([
    ['Never', { purgeMode: 'Never', suppressDeletion: true }],
    ['Immediately', { purgeMode: 'Directly' }],
    ['Graciously', { purgeMode: 'Gracefully', gracePeriodSeconds: 30 }],
  ] as const)('purge mode %s', (purgeMode, expected) => {
    const failover: FailoverBehavior = { application: { purgeMode, ...(purgeMode === 'Graciously' ? { gracePeriodSeconds: 30 } : {}) } };
    const { fleet, decisions } = setup({ failover, propagateDeps: true, clusterStatuses: degraded(T0) });
    const [order] = timedEvictions(fleet, decisions, T0 + 300_000).orders;
    const { purgeMode: mode, gracePeriodSeconds, suppressDeletion } = order!;
    expect({ purgeMode: mode, ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}), ...(suppressDeletion !== undefined ? { suppressDeletion } : {}) }).toEqual(expected);
  });

  it('does nothing without propagateDeps, without failover.application, or without a Degraded clock', () => {
    const off = setup({ failover: { application: {} }, propagateDeps: false, clusterStatuses: degraded(T0) });
    expect(timedEvictions(off.fleet, off.decisions, T0 + 3_600_000).orders).toEqual([]);
    const none = setup({ propagateDeps: true, clusterStatuses: degraded(T0) });
    expect(timedEvictions(none.fleet, none.decisions, T0 + 3_600_000).orders).toEqual([]);
    const unknown = setup({ failover: { application: {} }, propagateDeps: true, clusterStatuses: [{ name: 'member2', applied: false, health: 'Unknown' }] });
    expect(timedEvictions(unknown.fleet, unknown.decisions, T0 + 3_600_000)).toEqual({ orders: [], nextDueAtMs: null });
  });

  it('orders one eviction per cluster when a taint and application failover are both due: the earlier', () => {
    const { fleet, decisions } = setup({
      failover: { application: { decisionConditions: { tolerationSeconds: 10 } } },
      propagateDeps: true,
      clusterStatuses: [{ name: 'member1', applied: true, health: 'Degraded', degradedSince: iso(T0) }],
      statusTaints: [notReady(T0)],
    });
    const orders = timedEvictions(fleet, decisions, T0 + 600_000).orders;
    expect(orders.map((o) => [o.fromCluster, o.reason])).toEqual([['member1', 'ApplicationFailure']]);
  });
});
