import { describe, expect, it } from 'vitest';
import { MemoryCluster } from '../kube/memory-cluster.js';
import { LABEL_MANAGED } from '../model/constants.js';
import type { KubeObject } from '../model/kube.js';
import { FleetWatcher } from './watch.js';

const configMap = (name: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels } });

/** Change notifications as they arrive; `next()` waits for the next one. */
function notifications() {
  const seen: string[] = [];
  const waiting: ((s: string) => void)[] = [];
  return {
    seen,
    push: (cluster: string, description: string) => {
      const s = `${cluster}: ${description}`;
      seen.push(s);
      waiting.shift()?.(s);
    },
    next: () => new Promise<string>((r) => waiting.push(r)),
  };
}

/** A watcher on the managed ConfigMaps of `c`, and the promise of its first notification. */
function watchConfigMaps(c: MemoryCluster) {
  const n = notifications();
  const watcher = new FleetWatcher(n.push);
  const started = n.next();
  watcher.update([{ client: c, kinds: [{ apiVersion: 'v1', kind: 'ConfigMap' }] }]);
  return { n, watcher, started };
}

describe('FleetWatcher', () => {
  it('watches the managed objects of each kind and reports their changes, until stopped', async () => {
    const c = new MemoryCluster('m1');
    const { n, watcher, started } = watchConfigMaps(c);
    expect(await started).toMatch(/^m1: watching ConfigMap from resourceVersion \d+$/);
    expect(c.requests.find((r) => r.verb === 'watch')).toMatchObject({ kind: 'ConfigMap', labelSelector: `${LABEL_MANAGED}=true` });
    await c.apply(configMap('unmanaged', {}));
    await c.apply(configMap('app', { [LABEL_MANAGED]: 'true' }));
    expect(n.seen).toEqual([expect.stringContaining('watching'), 'm1: added ConfigMap/default/app']);
    expect(watcher.size).toBe(1);
    expect(c.openWatches).toBe(1);

    watcher.update([]);
    expect(watcher.size).toBe(0);
    await c.apply(configMap('later', { [LABEL_MANAGED]: 'true' }));
    expect(n.seen).toHaveLength(2);
    expect(c.openWatches).toBe(0);
    watcher.stop();
  });

  it('re-opens a watch the server ended, from the then current resourceVersion', async () => {
    const c = new MemoryCluster('m1');
    const { n, watcher, started } = watchConfigMaps(c);
    await started;
    await c.apply(configMap('app', { [LABEL_MANAGED]: 'true' }));
    const reopened = n.next();
    c.expireWatches();
    expect(await reopened).toBe(`m1: watching ConfigMap from resourceVersion ${c.peek({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'app' })?.metadata.resourceVersion}`);
    watcher.stop();
  });
});
