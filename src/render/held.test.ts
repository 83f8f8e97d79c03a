import { describe, expect, it } from 'vitest';
import type { GracefulEvictionTask } from '../model/eviction.js';
import { identityKey } from '../model/refs.js';
import { heldResources } from './held.js';
import { configMap, decisionFor, deployment, fleetOf, templateOf } from './testing.js';

const web = templateOf(deployment('web', {}));
const config = templateOf(configMap('web-config', {}));
const other = templateOf(configMap('other', {}));
const task = (fromCluster: string): GracefulEvictionTask => ({ fromCluster, replicas: 2, reason: 'TaintUntolerated', producer: 'TaintManager', purgeMode: 'Gracefully' });

describe('heldResources: graceful eviction tasks', () => {
  const evicted = { ...decisionFor(web, [['m1', 3]]), gracefulEvictionTasks: [task('m2')] };
  const dependency = { ...decisionFor(config, [['m1', 0]], null), requiredBy: [web.ref] };
  const held = heldResources(fleetOf({}), [evicted, dependency, decisionFor(other, [['m1', 0]])], { held: [] });

  it('holds the template on the cluster it is being evicted from, and only there', () => {
    expect(held.on('m2').has(identityKey(web.ref))).toBe(true);
    expect(held.on('m1').has(identityKey(web.ref))).toBe(false);
    expect(held.on('m3').has(identityKey(web.ref))).toBe(false);
  });

  it('holds the dependencies the evicted workload pulls along (propagateDeps) on that cluster', () => {
    expect(held.on('m2').has(identityKey(config.ref))).toBe(true);
    expect(held.on('m1').has(identityKey(config.ref))).toBe(false);
  });

  it('holds nothing else, and nothing everywhere', () => {
    expect([...held.on('m2')].sort()).toEqual([identityKey(config.ref), identityKey(web.ref)].sort());
    expect(held.everywhere.size).toBe(0);
  });

  it('releases the old copy once the task is gone', () => {
    const after = heldResources(fleetOf({}), [decisionFor(web, [['m1', 3]]), dependency], { held: [] });
    expect(after.on('m2').size).toBe(0);
  });
});
