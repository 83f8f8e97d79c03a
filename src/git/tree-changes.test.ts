import { describe, expect, it } from 'vitest';
import { applyChanges, changeKind, fileDirectoryClashes, inScope, revertChanges, rollbackChanges, type EntryRef, type FlatTree } from './tree-changes.js';

const blob = (oid: string, mode = '100644'): EntryRef => ({ mode, oid });
const tree = (entries: Record<string, string>): FlatTree => new Map(Object.entries(entries).map(([p, oid]) => [p, blob(oid)]));

describe('rollbackChanges', () => {
  const target = tree({ 'fleet.yaml': 'f1', 'policies/a.yaml': 'a1', 'workloads/gone.yaml': 'g1', 'status/x.yaml': 's1', '.github/ci.yml': 'c1' });
  const tip = tree({ 'fleet.yaml': 'f1', 'policies/a.yaml': 'a2', 'workloads/new.yaml': 'n2', 'status/x.yaml': 's2', '.github/ci.yml': 'c2' });

  it('restores every desired path, dot-directories included, and never status/', () => {
    expect(rollbackChanges(target, tip)).toEqual([
      { path: '.github/ci.yml', entry: blob('c1') },
      { path: 'policies/a.yaml', entry: blob('a1') },
      { path: 'workloads/gone.yaml', entry: blob('g1') },
      { path: 'workloads/new.yaml', entry: null },
    ]);
  });

  it('keeps to the given prefixes', () => {
    expect(rollbackChanges(target, tip, ['workloads']).map((c) => c.path)).toEqual(['workloads/gone.yaml', 'workloads/new.yaml']);
  });

  it('treats a mode change as a change', () => {
    const exec = new Map([['run.sh', blob('r', '100755')]]);
    expect(rollbackChanges(exec, new Map([['run.sh', blob('r')]]))).toEqual([{ path: 'run.sh', entry: blob('r', '100755') }]);
  });
});

describe('revertChanges', () => {
  const parent = tree({ 'policies/a.yaml': 'a1', 'policies/b.yaml': 'b1', 'status/x.yaml': 's1' });
  const commit = tree({ 'policies/a.yaml': 'a2', 'workloads/w.yaml': 'w2', 'status/x.yaml': 's2' });

  it('restores the parent where the tip still has the commit, and skips what the tip already undid', () => {
    const tip = tree({ 'policies/a.yaml': 'a2', 'policies/b.yaml': 'b1', 'workloads/w.yaml': 'w2', 'status/x.yaml': 's3' });
    expect(revertChanges(commit, parent, tip)).toEqual({
      changes: [
        { path: 'policies/a.yaml', entry: blob('a1') },
        { path: 'workloads/w.yaml', entry: null },
      ],
      conflicts: [],
    });
    expect(revertChanges(commit, parent, tree({ 'policies/a.yaml': 'a2', 'workloads/w.yaml': 'w2' })).changes).toContainEqual({ path: 'policies/b.yaml', entry: blob('b1') });
  });

  it('reports files the tip changed differently as conflicts', () => {
    const tip = tree({ 'policies/a.yaml': 'a3', 'workloads/w.yaml': 'w2' });
    expect(revertChanges(commit, parent, tip).conflicts).toEqual(['policies/a.yaml']);
  });

  it('limits the revert to prefixes', () => {
    const tip = tree({ 'policies/a.yaml': 'a2', 'workloads/w.yaml': 'w2' });
    expect(revertChanges(commit, parent, tip, ['workloads/w.yaml']).changes).toEqual([{ path: 'workloads/w.yaml', entry: null }]);
  });
});

describe('tree helpers', () => {
  it('matches prefixes at path segments only', () => {
    expect(inScope('policies/a.yaml', ['policies'])).toBe(true);
    expect(inScope('policies-old/a.yaml', ['policies'])).toBe(false);
    expect(inScope('anything', [])).toBe(true);
  });

  it('finds paths that would be a file and a directory at once', () => {
    const t = applyChanges(tree({ 'a/b': '1', c: '2' }), [{ path: 'a', entry: blob('3') }, { path: 'c', entry: null }]);
    expect([...t.keys()].sort()).toEqual(['a', 'a/b']);
    expect(fileDirectoryClashes(t)).toEqual(['a']);
    expect(fileDirectoryClashes(tree({ 'a/b/c': '1', 'a/d': '2' }))).toEqual([]);
  });

  it('names the kind of each change against the tip', () => {
    const tip = tree({ a: '1' });
    expect([changeKind(tip, { path: 'a', entry: blob('2') }), changeKind(tip, { path: 'b', entry: blob('2') }), changeKind(tip, { path: 'a', entry: null })]).toEqual(['modified', 'added', 'deleted']);
  });
});
