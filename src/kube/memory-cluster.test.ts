import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../model/errors.js';
import type { KubeObject } from '../model/kube.js';
import type { ObjectRef } from '../model/refs.js';
import type { WatchEvent } from './cluster-api.js';
import { MemoryCluster } from './memory-cluster.js';

const cm = (name: string, data: Record<string, string>, extra: { namespace?: string; labels?: Record<string, string> } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: extra.namespace ?? 'default', ...(extra.labels ? { labels: extra.labels } : {}) },
  data,
});
const cmRef = (name: string, namespace = 'default'): ObjectRef => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });
const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

const crd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};
const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { size: 1 } };

/** Opens a watch and resolves `started` once it is established (with the resourceVersion it starts from). */
function openWatch(c: MemoryCluster, kind: string, onEvent: (e: WatchEvent) => void, labelSelector?: string) {
  const ctl = new AbortController();
  let markStarted: (rv: string | undefined) => void = () => {};
  const started = new Promise<string | undefined>((r) => (markStarted = r));
  const done = c.watch('v1', kind, { labelSelector, signal: ctl.signal, onStart: (rv) => markStarted(rv) }, onEvent);
  return { started, done, stop: () => ctl.abort() };
}

/** The rejection of `p`, which must be a KubeApiError. */
async function apiFailure(p: Promise<unknown>): Promise<KubeApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KubeApiError);
  return err as KubeApiError;
}

describe('MemoryCluster objects', () => {
  it('sets uid, creationTimestamp, generation and a growing resourceVersion, and writes nothing on a no-op apply', async () => {
    const c = new MemoryCluster('m1', { now: () => new Date('2026-03-04T05:06:07.890Z') });
    const first = await c.apply(cm('a', { k: '1' }));
    expect(first.metadata).toMatchObject({ name: 'a', namespace: 'default', creationTimestamp: '2026-03-04T05:06:07Z', generation: 1 });
    expect(first.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const second = await c.apply(cm('b', {}));
    expect(second.metadata.uid).not.toBe(first.metadata.uid);
    const again = await c.apply(cm('a', { k: '1' }));
    expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const changed = await c.apply(cm('a', { k: '2' }));
    expect(Number(changed.metadata.resourceVersion)).toBeGreaterThan(Number(second.metadata.resourceVersion));
    expect(changed.metadata).toMatchObject({ uid: first.metadata.uid, generation: 2 });
    const relabelled = await c.apply({ ...cm('a', { k: '2' }), metadata: { name: 'a', namespace: 'default', labels: { x: 'y' } } });
    expect(relabelled.metadata.generation).toBe(2);
  });

  it('is deterministic: two clusters given the same calls produce the same objects', async () => {
    const run = async () => {
      const c = new MemoryCluster('m1');
      await c.apply(ns('team'));
      await c.apply(cm('a', { k: '1' }, { namespace: 'team' }));
      return c.snapshot();
    };
    expect(await run()).toEqual(await run());
  });

  it('refuses a namespaced object whose namespace does not exist (404), and Namespaces become Active', async () => {
    const c = new MemoryCluster('m1');
    const err = await apiFailure(c.apply(cm('a', {}, { namespace: 'team' })));
    expect(err.code).toBe('E_API');
    expect(err.data).toMatchObject({ status: 404, reason: 'NotFound', path: '/api/v1/namespaces/team/configmaps/a' });
    expect(err.message).toContain('namespaces "team" not found');
    const created = await c.apply(ns('team'));
    expect(created.status).toEqual({ phase: 'Active' });
    await expect(c.apply(cm('a', {}, { namespace: 'team' }))).resolves.toMatchObject({ metadata: { namespace: 'team' } });
  });

  it('get answers undefined for a missing object, and the object in the asked version', async () => {
    const c = new MemoryCluster('m1');
    expect(await c.get(cmRef('nope'))).toBeUndefined();
    await c.apply(cm('a', { k: '1' }));
    expect(await c.get(cmRef('a'))).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { k: '1' } });
  });

  it('deleting a Namespace deletes what is in it', async () => {
    const c = new MemoryCluster('m1');
    const team = await c.apply(ns('team'));
    await c.apply(cm('a', {}, { namespace: 'team' }));
    await c.apply(cm('b', {}));
    expect(await c.delete({ apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'team' }, String(team.metadata.uid))).toBe('deleted');
    expect(c.peek(cmRef('a', 'team'))).toBeUndefined();
    expect(c.peek(cmRef('b'))).toBeDefined();
  });
});

describe('MemoryCluster server-side apply', () => {
  it('conflicts (409) on a field another manager set to another value, naming that manager; force takes it over', async () => {
    const c = new MemoryCluster('m1');
    await c.apply(cm('a', { k: '1', other: 'x' }));
    c.edit(cmRef('a'), (o) => {
      (o.data as Record<string, string>).k = 'edited';
    });
    expect(c.owners(cmRef('a'))).toEqual({ flotilla: ['.data.other'], 'kubectl-edit': ['.data.k'] });
    const err = await apiFailure(c.apply(cm('a', { k: '1', other: 'x' }), { force: false }));
    expect(err.data).toMatchObject({ status: 409, reason: 'Conflict' });
    expect(err.message).toContain('Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.k');
    expect(c.peek(cmRef('a'))?.data).toEqual({ k: 'edited', other: 'x' });

    const forced = await c.apply(cm('a', { k: '1', other: 'x' }));
    expect(forced.data).toEqual({ k: '1', other: 'x' });
    expect(c.owners(cmRef('a'))).toEqual({ flotilla: ['.data.k', '.data.other'] });
    const managed = forced.metadata.managedFields as { manager: string; operation: string; fieldsV1: unknown }[];
    expect(managed).toEqual([expect.objectContaining({ manager: 'flotilla', operation: 'Apply', fieldsV1: { 'f:data': { 'f:k': {}, 'f:other': {} } } })]);
  });

  it('shares a field applied with the same value, without conflict', async () => {
    const c = new MemoryCluster('m1');
    await c.apply(cm('a', { k: '1' }), { fieldManager: 'helm' });
    await c.apply(cm('a', { k: '1' }), { force: false });
    expect(c.owners(cmRef('a'))).toEqual({ flotilla: ['.data.k'], helm: ['.data.k'] });
  });

  it('removes a field its manager stops applying, unless another manager still owns it', async () => {
    const c = new MemoryCluster('m1');
    await c.apply(cm('a', { keep: '1', drop: '2', shared: '3' }));
    await c.apply(cm('a', { shared: '3' }), { fieldManager: 'other' });
    const after = await c.apply(cm('a', { keep: '1' }));
    expect(after.data).toEqual({ keep: '1', shared: '3' });
    const labelsGone = await c.apply(cm('a', { keep: '1' }, { labels: { app: 'x' } }));
    expect(labelsGone.metadata.labels).toEqual({ app: 'x' });
    expect((await c.apply(cm('a', { keep: '1' }))).metadata.labels).toBeUndefined();
  });

  it('dry-run returns the would-be object and stores nothing', async () => {
    const c = new MemoryCluster('m1');
    const events: WatchEvent[] = [];
    const w = openWatch(c, 'ConfigMap', (e) => events.push(e));
    await w.started;
    const live = await c.apply(cm('a', { k: '1' }));
    const preview = await c.apply(cm('a', { k: '2' }), { dryRun: true });
    expect(preview.data).toEqual({ k: '2' });
    expect(preview.metadata.resourceVersion).toBe(live.metadata.resourceVersion);
    expect(c.peek(cmRef('a'))?.data).toEqual({ k: '1' });
    expect(await c.apply(cm('new', {}), { dryRun: true })).toMatchObject({ metadata: { name: 'new' } });
    expect(c.peek(cmRef('new'))).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['ADDED']);
    w.stop();
    await w.done;
  });
});

describe('MemoryCluster delete', () => {
  it('deletes only the object with the given uid (409 otherwise) and says gone when there is none', async () => {
    const c = new MemoryCluster('m1');
    const first = await c.apply(cm('a', {}));
    c.remove(cmRef('a'));
    const second = await c.apply(cm('a', {}));
    const err = await apiFailure(c.delete(cmRef('a'), String(first.metadata.uid)));
    expect(err.data).toMatchObject({ status: 409, reason: 'Conflict' });
    expect(err.message).toContain('Precondition failed: UID in precondition');
    expect(c.peek(cmRef('a'))).toBeDefined();
    expect(await c.delete(cmRef('a'), String(second.metadata.uid))).toBe('deleted');
    expect(await c.delete(cmRef('a'), String(second.metadata.uid))).toBe('gone');
  });
});

describe('MemoryCluster list', () => {
  const seeded = async () => {
    const c = new MemoryCluster('m1');
    await c.apply(ns('other'));
    await c.apply(cm('web', {}, { labels: { app: 'web', tier: 'front' } }));
    await c.apply(cm('db', {}, { labels: { app: 'db', tier: 'back', legacy: 'yes' } }));
    await c.apply(cm('plain', {}));
    await c.apply(cm('elsewhere', {}, { namespace: 'other', labels: { app: 'web' } }));
    return c;
  };
  const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name);

  it.each([
    ['app=web', ['web', 'elsewhere']],
    ['app==web', ['web', 'elsewhere']],
    ['app!=web', ['db', 'plain']],
    ['tier in (front,back)', ['db', 'web']],
    ['tier notin (front)', ['db', 'plain', 'elsewhere']],
    ['legacy', ['db']],
    ['!legacy', ['plain', 'web', 'elsewhere']],
    ['app=web,tier', ['web']],
    ['', ['db', 'plain', 'web', 'elsewhere']],
  ])('selects %j', async (selector, want) => {
    const c = await seeded();
    const got = await c.list('v1', 'ConfigMap', { labelSelector: selector });
    expect(names(got).sort()).toEqual([...want].sort());
    expect(got.every((o) => o.apiVersion === 'v1' && o.kind === 'ConfigMap')).toBe(true);
  });

  it('lists one namespace, filters by field, and rejects a selector it cannot parse (400)', async () => {
    const c = await seeded();
    expect(names(await c.list('v1', 'ConfigMap', { namespace: 'other' }))).toEqual(['elsewhere']);
    expect(names(await c.list('v1', 'ConfigMap', { fieldSelector: 'metadata.namespace!=default' }))).toEqual(['elsewhere']);
    const err = await apiFailure(c.list('v1', 'ConfigMap', { labelSelector: 'app in web' }));
    expect(err.data).toMatchObject({ status: 400, reason: 'BadRequest' });
  });
});

describe('MemoryCluster watch', () => {
  it('delivers ADDED, MODIFIED and DELETED for the selection, starting from the current resourceVersion', async () => {
    const c = new MemoryCluster('m1');
    await c.apply(cm('before', {}, { labels: { managed: 'true' } }));
    const events: string[] = [];
    const w = openWatch(c, 'ConfigMap', (e) => events.push(`${e.type} ${e.object.metadata?.name}`), 'managed=true');
    expect(await w.started).toBe(c.peek(cmRef('before'))?.metadata.resourceVersion);
    await c.apply(cm('a', { k: '1' }, { labels: { managed: 'true' } }));
    await c.apply(cm('a', { k: '2' }, { labels: { managed: 'true' } }));
    await c.apply(cm('ignored', {}));
    c.edit(cmRef('a'), (o) => {
      o.metadata.labels = {};
    });
    c.edit(cmRef('ignored'), (o) => {
      o.metadata.labels = { managed: 'true' };
    });
    c.remove(cmRef('ignored'));
    expect(events).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a', 'ADDED ignored', 'DELETED ignored']);
    expect(c.openWatches).toBe(1);
    w.stop();
    await w.done;
    expect(c.openWatches).toBe(0);
  });

  it('ends watches like a server timeout, sends 410 on expiry, and breaks them when the cluster goes away', async () => {
    const c = new MemoryCluster('m1');
    const ended = openWatch(c, 'ConfigMap', () => {});
    await ended.started;
    c.endWatches();
    await expect(ended.done).resolves.toBeUndefined();

    const types: string[] = [];
    const expired = openWatch(c, 'ConfigMap', (e) => types.push(`${e.type} ${e.object.code}`));
    await expired.started;
    c.expireWatches();
    await expired.done;
    expect(types).toEqual(['ERROR 410']);

    const broken = openWatch(c, 'ConfigMap', () => {});
    await broken.started;
    c.unreachable = true;
    expect((await apiFailure(broken.done)).code).toBe('E_UNREACHABLE');
  });
});

describe('MemoryCluster discovery', () => {
  it('raises E_NO_KIND for a kind it does not serve, and serves a CRD kind once the CRD is Established', async () => {
    const c = new MemoryCluster('m1');
    const err = await apiFailure(c.apply(widget));
    expect(err.code).toBe('E_NO_KIND');
    expect(err.message).toBe('m1 does not serve Widget in example.com/v1 (is its CRD installed?)');
    const applied = await c.apply(crd);
    expect(applied.status).toMatchObject({ conditions: expect.arrayContaining([{ type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: expect.any(String) }]) });
    expect(await c.resolve('example.com/v1', 'Widget')).toMatchObject({ group: 'example.com', resource: 'widgets', namespaced: true });
    await c.apply(widget);
    expect((await c.discover()).some((r) => r.kind === 'Widget')).toBe(true);
  });

  it('with manual establishment, the kind is served only after establish(), and goes with its CRD', async () => {
    const c = new MemoryCluster('m1', { crdEstablishment: 'manual' });
    const pending = await c.apply(crd);
    expect(pending.status).toMatchObject({ conditions: expect.arrayContaining([expect.objectContaining({ type: 'Established', status: 'False' })]) });
    expect((await apiFailure(c.apply(widget))).code).toBe('E_NO_KIND');
    c.establish('widgets.example.com');
    await c.apply(widget);
    const live = await c.get({ apiVersion: crd.apiVersion, kind: crd.kind, namespace: '', name: crd.metadata.name });
    expect(await c.delete({ apiVersion: crd.apiVersion, kind: crd.kind, namespace: '', name: crd.metadata.name }, String(live!.metadata.uid))).toBe('deleted');
    expect((await apiFailure(c.get({ apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'default', name: 'w' }))).code).toBe('E_NO_KIND');
  });
});

describe('MemoryCluster faults', () => {
  it('an unreachable cluster fails every call with E_UNREACHABLE, as the HTTPS client does', async () => {
    const c = new MemoryCluster('m1');
    c.unreachable = true;
    for (const call of [c.get(cmRef('a')), c.apply(cm('a', {})), c.list('v1', 'Node'), c.readiness(), c.version(), c.discover(), c.delete(cmRef('a'), 'x')]) {
      const err = await apiFailure(call);
      expect(err.code).toBe('E_UNREACHABLE');
      expect(err.message).toMatch(/^m1\.memory:6443: \/\S*: connect ECONNREFUSED$/);
    }
    c.unreachable = false;
    expect(await c.readiness()).toEqual({ status: 200, body: 'ok' });
  });

  it('failNext fails one matching call; failWhen every one until cancelled', async () => {
    const c = new MemoryCluster('m1');
    c.failNext((r) => r.verb === 'apply' && r.name === 'a');
    await c.apply(cm('b', {}));
    expect((await apiFailure(c.apply(cm('a', {})))).data).toMatchObject({ status: 500, reason: 'InternalError' });
    await c.apply(cm('a', {}));
    const stop = c.failWhen((r) => r.verb === 'get', new Error('boom'));
    await expect(c.get(cmRef('a'))).rejects.toThrow('boom');
    await expect(c.get(cmRef('a'))).rejects.toThrow('boom');
    stop();
    await expect(c.get(cmRef('a'))).resolves.toBeDefined();
  });

  it('forbids a kind or a namespace with 403 Forbidden', async () => {
    const c = new MemoryCluster('m1');
    await c.apply(ns('locked'));
    const allow = c.forbid({ namespace: 'locked', verbs: ['apply'] });
    const err = await apiFailure(c.apply(cm('a', {}, { namespace: 'locked' })));
    expect(err.data).toMatchObject({ status: 403, reason: 'Forbidden' });
    expect(err.message).toContain('cannot patch resource "configmaps" in API group "" in the namespace "locked"');
    await c.apply(cm('a', {}));
    c.forbid({ kind: 'Secret' });
    expect((await apiFailure(c.list('v1', 'Secret'))).data).toMatchObject({ status: 403 });
    allow();
    await expect(c.apply(cm('a', {}, { namespace: 'locked' }))).resolves.toBeDefined();
  });

  it('holds each request until the injected scheduler lets it through', async () => {
    const gates: (() => void)[] = [];
    const c = new MemoryCluster('m1', { latency: () => new Promise<void>((r) => gates.push(r)) });
    let done = false;
    const applying = c.apply(cm('a', {})).then(() => (done = true));
    await Promise.resolve();
    expect(gates).toHaveLength(1);
    expect(done).toBe(false);
    expect(c.peek(cmRef('a'))).toBeUndefined();
    gates[0]!();
    await applying;
    expect(done).toBe(true);
  });

  it('beforeNext lets someone else act between two calls', async () => {
    const c = new MemoryCluster('m1');
    await c.apply(cm('a', { k: '1' }));
    c.beforeNext((r) => r.verb === 'get', () => void c.edit(cmRef('a'), (o) => (o.data = { k: 'theirs' })));
    expect((await c.get(cmRef('a')))?.data).toEqual({ k: 'theirs' });
    expect(c.requests.map((r) => r.verb)).toEqual(['apply', 'get']);
  });

  it('answers readiness and version as configured', async () => {
    const c = new MemoryCluster('m1', { kubernetesVersion: 'v1.35.2' });
    c.health = { status: 500, body: '[-]etcd failed: reason withheld\nreadyz check failed' };
    expect(await c.readiness()).toEqual(c.health);
    expect(await c.version()).toBe('v1.35.2');
  });
});
