import { describe, expect, it } from 'vitest';
import { MemoryCluster } from '../kube/memory-cluster.js';
import { LABEL_MANAGED } from '../model/constants.js';
import type { KubeObject } from '../model/kube.js';
import { identityKey, refOf, type ObjectRef } from '../model/refs.js';
import { contentHash } from '../util/canonical.js';
import { applyClusterPlan, type ApplyClusterOptions, type ChangeSet } from './apply-cluster.js';
import type { InventoryEntry } from '../record/index.js';
import { planClusterApply, type DesiredObject, type PlanInput } from './plan.js';
import { virtualRoundTrips } from '../../test/support/memory-clusters.js';

const MANAGED = { [LABEL_MANAGED]: 'true' };

const configMap = (name: string, data: Record<string, string> = { v: name }, namespace = 'apps'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels: { ...MANAGED } },
  data,
});
const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...MANAGED } } });
const crd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com', labels: { ...MANAGED } },
  spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' }, versions: [{ name: 'v1', served: true, storage: true }] },
};
const widget = (name: string, ns = 'team'): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: ns, labels: { ...MANAGED } }, spec: { size: 1 } });

const want = (o: KubeObject): DesiredObject => ({ ref: refOf(o), object: o, hash: contentHash(o), source: `workloads/${o.metadata.name}.yaml` });
const applied = (o: KubeObject): InventoryEntry => ({ ref: refOf(o), hash: contentHash(o), source: `workloads/${o.metadata.name}.yaml` });

function plan(desired: KubeObject[], previous: InventoryEntry[] = [], over: Partial<PlanInput> = {}) {
  return planClusterApply({
    cluster: 'm1',
    desired: desired.map(want),
    previous: { cluster: 'm1', entries: previous },
    held: new Set(),
    brokenFiles: new Set(),
    forceApply: new Set(),
    maxPruneFraction: 1,
    allowMassPrune: false,
    ...over,
  });
}

const OPTS: ApplyClusterOptions = { canTakeOver: () => false, readyPollIntervalMs: 1 };
const cluster = (opts: ConstructorParameters<typeof MemoryCluster>[1] = {}) => new MemoryCluster('m1', { namespaces: ['default', 'apps'], ...opts });

/** Puts `objects` on the cluster as a previous pass of Flotilla would have, and returns their inventory entries. */
async function previousPass(c: MemoryCluster, objects: KubeObject[]): Promise<InventoryEntry[]> {
  for (const o of objects) await c.apply(o);
  c.requests.length = 0;
  return objects.map(applied);
}

const actions = (cs: ChangeSet) => Object.fromEntries(cs.entries.map((e) => [e.ref.name, e.action]));
const inventoryNames = (cs: ChangeSet) => cs.inventory.entries.map((e) => e.ref.name).sort();
const deletes = (c: MemoryCluster) => c.requests.filter((r) => r.verb === 'delete').map((r) => r.name);

describe('applyClusterPlan', () => {
  it('creates, configures and prunes, and the inventory is exactly what was applied, left unchanged or kept', async () => {
    const c = cluster();
    const previous = await previousPass(c, [configMap('same'), configMap('changed'), configMap('old')]);
    const held: InventoryEntry = { ref: refOf(configMap('held')), hash: 'h-held', source: 'workloads/held.yaml' };
    const p = plan([configMap('same'), configMap('changed', { v: 'new' }), configMap('new'), configMap('held')], [...previous, held], {
      held: new Set([identityKey(held.ref)]),
    });
    const cs = await applyClusterPlan(c, p, OPTS);
    expect(actions(cs)).toEqual({ same: 'unchanged', changed: 'configured', new: 'created', old: 'deleted' });
    expect(cs.reachable).toBe(true);
    expect(cs.pruneBlocked).toBeUndefined();
    expect(inventoryNames(cs)).toEqual(['changed', 'held', 'new', 'same']);
    expect(cs.inventory.entries.find((e) => e.ref.name === 'changed')?.hash).toBe(contentHash(configMap('changed', { v: 'new' })));
    expect(cs.inventory.entries.find((e) => e.ref.name === 'held')).toEqual(held);
    expect(c.peek(refOf(configMap('changed')))?.data).toEqual({ v: 'new' });
    expect(c.peek(refOf(configMap('old')))).toBeUndefined();
    // Unchanged objects are not even read.
    expect(c.requests.some((r) => r.name === 'same')).toBe(false);
  });

  it('applies CRDs and Namespaces first and waits until they are Established and Active', async () => {
    const c = cluster({ crdEstablishment: 'manual' });
    const isCrdGet = (r: { verb: string; kind?: string }) => r.verb === 'get' && r.kind === 'CustomResourceDefinition';
    // The CRD is Established only after Flotilla has seen it not yet Established once.
    c.beforeNext(isCrdGet, () => c.beforeNext(isCrdGet, () => c.establish('widgets.example.com')));
    const cs = await applyClusterPlan(c, plan([widget('w'), configMap('cm', {}, 'team'), namespace('team'), crd]), OPTS);
    expect(actions(cs)).toEqual({ 'widgets.example.com': 'created', team: 'created', cm: 'created', w: 'created' });
    const applies = c.requests.filter((r) => r.verb === 'apply').map((r) => r.kind);
    expect(applies.slice(0, 2)).toEqual(['CustomResourceDefinition', 'Namespace']);
    const crdChecks = c.requests.map((r, i) => (isCrdGet(r) ? i : -1)).filter((i) => i >= 0);
    expect(crdChecks).toHaveLength(2);
    const widgetApply = c.requests.findIndex((r) => r.verb === 'apply' && r.kind === 'Widget');
    expect(widgetApply).toBeGreaterThan(crdChecks[1]!);
    expect(c.discoveryInvalidations).toBe(1);
    expect(c.peek(refOf(widget('w')))).toBeDefined();
  });

  it('a CRD that never becomes Established fails the pass: its objects fail and prune is postponed', async () => {
    const c = cluster({ crdEstablishment: 'manual' });
    const previous = await previousPass(c, [configMap('old')]);
    const cs = await applyClusterPlan(c, plan([crd, namespace('team'), widget('w')], previous), { ...OPTS, readyTimeoutMs: 0 });
    const failed = cs.entries.filter((e) => e.action === 'failed');
    expect(failed.map((e) => e.message)).toEqual([
      expect.stringMatching(/^timed out .* waiting for CustomResourceDefinition\/widgets\.example\.com ready on m1/),
      'm1 does not serve Widget in example.com/v1 (is its CRD installed?)',
    ]);
    expect(cs.pruneBlocked).toBe('prune postponed on m1: 2 operation(s) failed this pass');
    expect(deletes(c)).toEqual([]);
    expect(inventoryNames(cs)).toContain('old');
  });

  it('postpones every prune when any operation in the pass failed, and keeps those objects in the inventory', async () => {
    const c = cluster();
    const previous = await previousPass(c, [configMap('a'), configMap('old1'), configMap('old2')]);
    c.failNext((r) => r.verb === 'apply' && r.name === 'b');
    const cs = await applyClusterPlan(c, plan([configMap('a', { v: 'a2' }), configMap('b')], previous), OPTS);
    expect(actions(cs)).toEqual({ a: 'configured', b: 'failed' });
    expect(cs.entries.find((e) => e.ref.name === 'b')?.message).toMatch(/500 Internal error occurred: injected failure/);
    expect(cs.pruneBlocked).toMatch(/prune postponed on m1: 1 operation\(s\) failed/);
    expect(deletes(c)).toEqual([]);
    expect(c.peek(refOf(configMap('old1')))).toBeDefined();
    // b's outcome is unknown: it stays known, as pending, so it can be pruned if it lands and leaves the fleet.
    expect(inventoryNames(cs)).toEqual(['a', 'b', 'old1', 'old2']);
    expect(cs.inventory.entries.filter((e) => e.pending).map((e) => e.ref.name)).toEqual(['b']);
  });

  it('never deletes an object that is no longer labelled as managed by Flotilla', async () => {
    const c = cluster();
    const previous = await previousPass(c, [configMap('keep'), configMap('adopted')]);
    c.edit(refOf(configMap('adopted')), (o) => {
      delete o.metadata.labels![LABEL_MANAGED];
    });
    const cs = await applyClusterPlan(c, plan([configMap('keep')], previous), OPTS);
    expect(cs.entries.find((e) => e.ref.name === 'adopted')).toMatchObject({ action: 'skipped', message: 'no longer managed by Flotilla; not deleted' });
    expect(deletes(c)).toEqual([]);
    expect(c.peek(refOf(configMap('adopted')))).toBeDefined();
    expect(inventoryNames(cs)).toEqual(['keep']);
  });

  it('says a prune target is already gone without deleting anything', async () => {
    const c = cluster();
    const previous = await previousPass(c, [configMap('keep'), configMap('gone')]);
    c.remove(refOf(configMap('gone')));
    const cs = await applyClusterPlan(c, plan([configMap('keep')], previous), OPTS);
    expect(cs.entries.find((e) => e.ref.name === 'gone')).toMatchObject({ action: 'deleted', message: 'already gone' });
    expect(deletes(c)).toEqual([]);
  });

  it('does not take over an existing object it does not manage, unless allowed', async () => {
    const c = cluster();
    c.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'theirs', namespace: 'apps' }, data: { v: 'theirs' } });
    const refused = await applyClusterPlan(c, plan([configMap('theirs', { v: 'ours' }), configMap('mine')]), OPTS);
    expect(actions(refused)).toEqual({ theirs: 'conflict', mine: 'created' });
    expect(refused.entries[0]?.message).toMatch(/ConfigMap\/apps\/theirs already exists on m1 and is not managed by Flotilla; left alone/);
    expect(c.peek(refOf(configMap('theirs')))?.data).toEqual({ v: 'theirs' });
    expect(c.requests.some((r) => r.verb === 'apply' && r.name === 'theirs')).toBe(false);
    expect(inventoryNames(refused)).toEqual(['mine']);

    const taken = await applyClusterPlan(c, plan([configMap('theirs', { v: 'ours' })]), { ...OPTS, canTakeOver: (ref) => ref.name === 'theirs' });
    expect(actions(taken)).toEqual({ theirs: 'configured' });
    expect(c.peek(refOf(configMap('theirs')))).toMatchObject({ data: { v: 'ours' }, metadata: { labels: MANAGED } });
  });

  it('a conflict (object not taken over) does not count as a failure: prune still runs', async () => {
    const c = cluster();
    const previous = await previousPass(c, [configMap('old')]);
    c.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'theirs', namespace: 'apps' } });
    const cs = await applyClusterPlan(c, plan([configMap('theirs')], previous), OPTS);
    expect(actions(cs)).toEqual({ theirs: 'conflict', old: 'deleted' });
  });

  it('deletes only the object it saw: one deleted and recreated by someone else in between is left alone', async () => {
    const c = cluster();
    const previous = await previousPass(c, [configMap('keep'), configMap('old')]);
    c.beforeNext(
      (r) => r.verb === 'delete' && r.name === 'old',
      () => {
        c.remove(refOf(configMap('old')));
        c.put(configMap('old', { v: 'recreated' }), 'someone-else');
      },
    );
    const cs = await applyClusterPlan(c, plan([configMap('keep')], previous), OPTS);
    const entry = cs.entries.find((e) => e.ref.name === 'old');
    expect(entry?.action).toBe('failed');
    expect(entry?.message).toMatch(/^prune: DELETE \/api\/v1\/namespaces\/apps\/configmaps\/old: 409 .*Precondition failed: UID in precondition/);
    expect(c.peek(refOf(configMap('old')))?.data).toEqual({ v: 'recreated' });
    // Still in the inventory: the next pass decides again with what is there then.
    expect(inventoryNames(cs)).toEqual(['keep', 'old']);
  });

  it('takes back fields another manager changed (apply is forced), and leaves the fields Flotilla does not set', async () => {
    const c = cluster();
    const previous = await previousPass(c, [configMap('cm', { v: 'ours' })]);
    c.edit(refOf(configMap('cm')), (o) => {
      o.data = { v: 'edited', extra: 'theirs' };
    });
    expect(c.owners(refOf(configMap('cm')))['kubectl-edit']).toEqual(['.data.extra', '.data.v']);
    const p = plan([configMap('cm', { v: 'ours' })], previous, { forceApply: new Set([identityKey(refOf(configMap('cm')))]) });
    const cs = await applyClusterPlan(c, p, OPTS);
    expect(actions(cs)).toEqual({ cm: 'configured' });
    expect(c.peek(refOf(configMap('cm')))?.data).toEqual({ v: 'ours', extra: 'theirs' });
    expect(c.owners(refOf(configMap('cm')))).toMatchObject({ flotilla: expect.arrayContaining(['.data.v']), 'kubectl-edit': ['.data.extra'] });
    expect(c.requests.find((r) => r.verb === 'apply')).toMatchObject({ fieldManager: 'flotilla', force: true });
  });

  it('stops at an unreachable cluster: the rest is skipped, nothing is pruned, and reachable is false', async () => {
    const c = cluster();
    const previous = await previousPass(c, [configMap('old')]);
    c.beforeNext(
      (r) => r.verb === 'get' && r.name === 'b',
      () => {
        c.unreachable = true;
      },
    );
    const cs = await applyClusterPlan(c, plan(['a', 'b', 'c', 'd'].map((n) => configMap(n)), previous), { ...OPTS, concurrency: 1 });
    expect(cs.reachable).toBe(false);
    expect(actions(cs)).toEqual({ a: 'created', b: 'failed', c: 'skipped', d: 'skipped' });
    expect(cs.entries.find((e) => e.ref.name === 'b')?.message).toMatch(/^m1\.memory:6443: .*ECONNREFUSED/);
    expect(cs.entries.find((e) => e.ref.name === 'c')?.message).toBe('cluster unreachable');
    expect(cs.pruneBlocked).toMatch(/prune postponed/);
    expect(inventoryNames(cs)).toEqual(['a', 'b', 'c', 'd', 'old']);
    expect(cs.inventory.entries.filter((e) => e.pending).map((e) => e.ref.name)).toEqual(['b', 'c', 'd']);
  });

  it('keeps what was applied before in the inventory when its update fails or is skipped, so it can still be pruned later', async () => {
    const c = cluster();
    const previous = await previousPass(c, [configMap('a'), configMap('b')]);
    c.failNext((r) => r.verb === 'apply' && r.name === 'a');
    const cs = await applyClusterPlan(c, plan([configMap('a', { v: 'a2' }), configMap('b', { v: 'b2' })], previous), { ...OPTS, concurrency: 1 });
    expect(actions(cs)).toEqual({ a: 'failed', b: 'configured' });
    expect(cs.inventory.entries.find((e) => e.ref.name === 'a')).toEqual(previous[0]);
    expect(inventoryNames(cs)).toEqual(['a', 'b']);

    const lost = cluster();
    const before = await previousPass(lost, [configMap('p'), configMap('q')]);
    lost.beforeNext(
      (r) => r.verb === 'apply' && r.name === 'p',
      () => {
        lost.unreachable = true;
      },
    );
    const cut = await applyClusterPlan(lost, plan([configMap('p', { v: 'p2' }), configMap('q', { v: 'q2' })], before), { ...OPTS, concurrency: 1 });
    expect(actions(cut)).toEqual({ p: 'failed', q: 'skipped' });
    expect(cut.inventory.entries).toEqual(before);
  });

  it('one refused object (403 Forbidden) does not stop the others', async () => {
    const c = cluster();
    await c.apply({ ...namespace('locked'), metadata: { name: 'locked' } });
    c.forbid({ namespace: 'locked' });
    const cs = await applyClusterPlan(c, plan([configMap('x', {}, 'locked'), configMap('y')]), OPTS);
    expect(actions(cs)).toEqual({ x: 'failed', y: 'created' });
    expect(cs.entries.find((e) => e.ref.name === 'x')?.message).toMatch(/403 configmaps "x" is forbidden/);
    expect(cs.reachable).toBe(true);
  });

  it('keeps many requests in flight: 100 changed objects 10 ms away take a few round trips, not 100', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `cm${i}`);
    for (const [concurrency, roundTrips] of [
      [undefined, Math.ceil(100 / 16)],
      [32, Math.ceil(100 / 32)],
      [1, 100],
    ] as const) {
      const c = cluster();
      const previous = await previousPass(c, names.map((n) => configMap(n)));
      const clock = virtualRoundTrips(10);
      c.latency = clock.latency;
      const cs = await applyClusterPlan(c, plan(names.map((n) => configMap(n, { v: 'new' })), previous), { ...OPTS, ...(concurrency ? { concurrency } : {}) });
      expect(Object.values(actions(cs)).every((a) => a === 'configured')).toBe(true);
      expect(c.requests.filter((r) => r.verb === 'apply')).toHaveLength(100);
      expect(clock.maxInFlight()).toBe(concurrency ?? 16);
      expect(clock.elapsedMs()).toBe(roundTrips * 10);
    }
  });

  it('tells the caller what each apply answered, and starts admission webhooks only once everything else has been applied', async () => {
    const c = cluster();
    const webhook: KubeObject = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'guard', labels: { ...MANAGED } }, webhooks: [] };
    const names = Array.from({ length: 40 }, (_, i) => `cm${i}`);
    // cm0 is slow to answer: it is let through once every other ConfigMap has been applied.
    let release = () => {};
    c.beforeNext((r) => r.verb === 'apply' && r.name === 'cm0', () => new Promise<void>((go) => (release = go)));
    let cm0PendingAtGuard: boolean | undefined;
    c.beforeNext((r) => r.verb === 'apply' && r.name === 'guard', () => {
      cm0PendingAtGuard = !answered.has('cm0');
    });
    const answered = new Map<string, KubeObject>();
    const onApplied = (ref: ObjectRef, live: KubeObject) => {
      answered.set(ref.name, live);
      if (answered.size >= names.length - 1) release();
    };
    await applyClusterPlan(c, plan([webhook, ...names.map((n) => configMap(n))]), { ...OPTS, onApplied });
    expect([...answered.keys()].sort()).toEqual([...names, 'guard'].sort());
    expect(answered.get('cm1')?.metadata.uid).toBe(c.peek(refOf(configMap('cm1')))?.metadata.uid);
    expect(cm0PendingAtGuard).toBe(false);
  });
});

describe('applyClusterPlan with a Retain rule', () => {
  const keepSize = {
    applies: (o: KubeObject) => o.kind === 'ConfigMap',
    retain: (desired: KubeObject, observed: KubeObject) =>
      (observed.data as Record<string, string>).size === 'bad'
        ? { error: 'Retain failed at interpreters/x.yaml:3:1' }
        : { object: { ...desired, data: { ...(desired.data as object), size: (observed.data as Record<string, string>).size } } },
  };

  it('applies what the rule keeps of the live object, and the desired object when there is none', async () => {
    const c = cluster();
    await c.apply({ ...configMap('live'), data: { v: 'old', size: '7' } });
    const cs = await applyClusterPlan(c, plan([configMap('live', { v: 'new' }), configMap('fresh')]), { ...OPTS, retain: keepSize });
    expect(actions(cs)).toEqual({ live: 'configured', fresh: 'created' });
    expect(c.peek(refOf(configMap('live')))?.data).toEqual({ v: 'new', size: '7' });
    expect(c.peek(refOf(configMap('fresh')))?.data).toEqual({ v: 'fresh' });
  });

  it('fails only the object whose rule fails, with the reason', async () => {
    const c = cluster();
    await c.apply({ ...configMap('broken'), data: { size: 'bad' } });
    const cs = await applyClusterPlan(c, plan([configMap('broken', { v: 'new' }), configMap('other')]), { ...OPTS, retain: keepSize });
    expect(actions(cs)).toEqual({ broken: 'failed', other: 'created' });
    expect(cs.entries.find((e) => e.ref.name === 'broken')?.message).toMatch(/interpreters\/x\.yaml:3:1/);
    expect(c.peek(refOf(configMap('broken')))?.data).toEqual({ size: 'bad' });
  });
});
