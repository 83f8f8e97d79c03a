import { describe, expect, it } from 'vitest';
import type { Inventory } from '../record/index.js';
import { intentInventory } from './intent-inventory.js';
import { planClusterApply } from './plan.js';

const ref = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name });
const desired = (name: string, hash = `h-${name}`) => ({ ref: ref(name), object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } }, hash, source: `workloads/${name}.yaml` });
const previous: Inventory = { cluster: 'm1', entries: [{ ref: ref('a'), hash: 'h-a', source: 'workloads/a.yaml' }] };

describe('intentInventory (write-ahead)', () => {
  it('adds every object about to be created as pending, keeping what was there', () => {
    const intent = intentInventory(previous, [desired('a', 'changed'), desired('c'), desired('b')], 'm1');
    expect(intent?.entries.map((e) => [e.ref.name, e.hash, e.pending ?? false])).toEqual([
      ['a', 'h-a', false],
      ['b', 'h-b', true],
      ['c', 'h-c', true],
    ]);
  });

  it('is undefined when nothing new is created, so a pass of updates makes no extra commit', () => {
    expect(intentInventory(previous, [desired('a', 'changed')], 'm1')).toBeUndefined();
    expect(intentInventory(undefined, [], 'm1')).toBeUndefined();
  });
});

describe('pending inventory entries in the plan', () => {
  const base = { cluster: 'm1', held: new Set<string>(), brokenFiles: new Set<string>(), forceApply: new Set<string>(), maxPruneFraction: 1, allowMassPrune: false };
  const pendingInventory: Inventory = { cluster: 'm1', entries: [{ ref: ref('a'), hash: 'h-a', source: 'workloads/a.yaml', pending: true }] };

  it('are applied again while desired, even with an equal hash, and are not trusted as Flotilla-owned', () => {
    const plan = planClusterApply({ ...base, desired: [desired('a')], previous: pendingInventory });
    expect(plan.apply.map((d) => d.ref.name)).toEqual(['a']);
    expect(plan.unchanged).toEqual([]);
    // Not previously applied: the executor checks for an unmanaged namesake before writing.
    expect(plan.previouslyApplied.size).toBe(0);
  });

  it('are pruned when no longer desired (what a killed pass may have created is not leaked)', () => {
    const plan = planClusterApply({ ...base, desired: [], previous: pendingInventory });
    expect(plan.prune.map((e) => e.ref.name)).toEqual(['a']);
  });
});
