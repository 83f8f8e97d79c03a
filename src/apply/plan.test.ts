import { describe, expect, it } from 'vitest';
import { identityKey, type ObjectRef } from '../model/refs.js';
import { IMPLICIT_SOURCE, type InventoryEntry } from '../record/index.js';
import { planClusterApply, type DesiredObject, type PlanInput } from './plan.js';

const ref = (name: string, kind = 'ConfigMap', apiVersion = 'v1', namespace = 'default'): ObjectRef => ({ apiVersion, kind, namespace, name });
const desired = (name: string, hash = `h-${name}`, source = `workloads/${name}.yaml`): DesiredObject => ({
  ref: ref(name),
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } },
  hash,
  source,
});
const entry = (name: string, hash = `h-${name}`, source = `workloads/${name}.yaml`, r = ref(name)): InventoryEntry => ({ ref: r, hash, source });

function plan(over: Partial<PlanInput>) {
  return planClusterApply({
    cluster: 'member1',
    desired: [],
    previous: undefined,
    held: new Set(),
    brokenFiles: new Set(),
    forceApply: new Set(),
    maxPruneFraction: 0.5,
    allowMassPrune: false,
    ...over,
  });
}
const names = (xs: { ref: ObjectRef }[]) => xs.map((x) => x.ref.name).sort();

describe('planClusterApply', () => {
  it('applies new and changed objects and skips unchanged ones', () => {
    const p = plan({ desired: [desired('a'), desired('b', 'new'), desired('c')], previous: { cluster: 'member1', entries: [entry('a'), entry('b')] } });
    expect(names(p.apply)).toEqual(['b', 'c']);
    expect(names(p.unchanged)).toEqual(['a']);
    expect(p.prune).toEqual([]);
    expect([...p.previouslyApplied.keys()].sort()).toEqual([identityKey(ref('a')), identityKey(ref('b'))]);
  });

  it('re-applies an unchanged object when asked (observed missing, resync)', () => {
    const p = plan({ desired: [desired('a')], previous: { cluster: 'member1', entries: [entry('a')] }, forceApply: new Set([identityKey(ref('a'))]) });
    expect(names(p.apply)).toEqual(['a']);
  });

  it('prunes what was applied before and is no longer desired', () => {
    const p = plan({ desired: [desired('a'), desired('b'), desired('c')], previous: { cluster: 'member1', entries: [entry('a'), entry('b'), entry('c'), entry('gone')] } });
    expect(names(p.prune)).toEqual(['gone']);
    expect(p.pruneBlocked).toBeUndefined();
  });

  it('refuses to delete more than the configured share in one pass (an emptied workloads/)', () => {
    const previous = { cluster: 'member1', entries: ['a', 'b', 'c', 'd'].map((n) => entry(n)) };
    const p = plan({ desired: [], previous });
    expect(p.prune).toEqual([]);
    expect(p.pruneBlocked).toMatch(/refusing to delete 4 of 4 objects on member1/);
    expect(names(p.keep)).toEqual(['a', 'b', 'c', 'd']);
    const forced = plan({ desired: [], previous, allowMassPrune: true });
    expect(names(forced.prune)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('never refuses a recorded eviction, however many objects it removes, and still refuses an accident beside it', () => {
    const previous = { cluster: 'member1', entries: ['a', 'b', 'c', 'd'].map((n) => entry(n)) };
    const evicted = new Set(['a', 'b', 'c', 'd'].map((n) => identityKey(ref(n))));
    expect(names(plan({ previous, decidedPrunes: evicted }).prune)).toEqual(['a', 'b', 'c', 'd']);

    const bigger = { cluster: 'member1', entries: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => entry(n)) };
    const someEvicted = new Set(['a', 'b', 'c'].map((n) => identityKey(ref(n))));
    // 5 accidental deletions of 8 exceed the 50 % share: nothing at all is deleted, evictions included (one pass, one verdict).
    const refused = plan({ previous: bigger, decidedPrunes: someEvicted });
    expect(refused.prune).toEqual([]);
    expect(refused.pruneBlocked).toMatch(/refusing to delete 5 of 8/);
    expect(names(plan({ previous: bigger, desired: [desired('d'), desired('e')], decidedPrunes: someEvicted }).prune)).toEqual(['a', 'b', 'c', 'f', 'g', 'h']);
  });

  it('allows deleting up to the share, and always a single object', () => {
    const previous = { cluster: 'member1', entries: ['a', 'b', 'c', 'd'].map((n) => entry(n)) };
    expect(names(plan({ desired: [desired('a'), desired('b')], previous }).prune)).toEqual(['c', 'd']);
    expect(names(plan({ desired: [], previous: { cluster: 'member1', entries: [entry('only')] } }).prune)).toEqual(['only']);
  });

  it('never prunes objects from a broken file, held objects, implicit or system namespaces', () => {
    const ns = (name: string, source: string) => entry(name, 'h', source, ref(name, 'Namespace', 'v1', ''));
    const previous = {
      cluster: 'member1',
      entries: [entry('from-broken', 'h', 'workloads/broken.yaml'), entry('held'), ns('team-a', IMPLICIT_SOURCE), ns('default', 'workloads/ns.yaml'), entry('x'), entry('y'), entry('z')],
    };
    const p = plan({
      desired: [desired('x'), desired('y'), desired('z')],
      previous,
      brokenFiles: new Set(['workloads/broken.yaml']),
      held: new Set([identityKey(ref('held'))]),
    });
    expect(p.prune).toEqual([]);
    expect(names(p.keep)).toEqual(['from-broken', 'held']);
  });

  it('keeps the last good version of a held object instead of applying it', () => {
    const p = plan({ desired: [desired('a', 'new')], previous: { cluster: 'member1', entries: [entry('a')] }, held: new Set([identityKey(ref('a'))]) });
    expect(p.apply).toEqual([]);
    expect(p.keep).toEqual([entry('a')]);
  });

  it('deletes nothing at all while pruning is suspended (unreadable fleet.yaml)', () => {
    const p = plan({ desired: [desired('a')], previous: { cluster: 'member1', entries: [entry('a'), entry('gone')] }, pruneSuspended: true, allowMassPrune: true });
    expect(p.prune).toEqual([]);
    expect(names(p.keep)).toEqual(['gone']);
    expect(p.pruneBlocked).toMatch(/suspended on member1: 1 object/);
  });
});
