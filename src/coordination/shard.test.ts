import { describe, expect, it } from 'vitest';
import { clusterShard, describeAssignment, fnv1a32, ownsCluster, shardOf } from './shard.js';

const names = Array.from({ length: 2_000 }, (_, i) => `cluster-${i}`);

describe('fnv1a32', () => {
  it('matches the published FNV-1a test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});

describe('shardOf', () => {
  it('spreads keys evenly over the shards', () => {
    for (const shards of [2, 3, 4, 7]) {
      const counts = new Array<number>(shards).fill(0);
      for (const n of names) counts[shardOf(n, shards)]!++;
      const even = names.length / shards;
      for (const c of counts) expect(Math.abs(c - even) / even).toBeLessThan(0.12);
    }
  });

  it('moves only keys to the added shard when the count grows, about 1/(N+1) of them', () => {
    for (const shards of [1, 2, 3, 4, 8]) {
      let moved = 0;
      for (const n of names) {
        const before = shardOf(n, shards);
        const after = shardOf(n, shards + 1);
        if (after !== before) {
          expect(after).toBe(shards);
          moved++;
        }
      }
      const expected = names.length / (shards + 1);
      expect(Math.abs(moved - expected) / expected).toBeLessThan(0.15);
    }
  });

  it('moves only the removed shard\'s keys when the count shrinks', () => {
    for (const n of names) {
      const before = shardOf(n, 5);
      if (before !== 4) expect(shardOf(n, 4)).toBe(before);
    }
  });

  it('puts everything on shard 0 of one and rejects a count that is not a positive integer', () => {
    expect(new Set(names.map((n) => shardOf(n, 1)))).toEqual(new Set([0]));
    expect(() => shardOf('x', 0)).toThrow(RangeError);
    expect(() => shardOf('x', 1.5)).toThrow(RangeError);
  });

  it('gives every cluster exactly one owner among the shards', () => {
    const shards = 3;
    for (const n of names.slice(0, 200)) {
      const owners = [0, 1, 2].filter((i) => ownsCluster({ shards, held: new Set([i]) }, n));
      expect(owners).toEqual([clusterShard(n, shards)]);
    }
  });
});

describe('describeAssignment', () => {
  it('names the shards held, in order', () => {
    expect(describeAssignment({ shards: 4, held: new Set([3, 1]) })).toBe('shards 1, 3 of 4');
    expect(describeAssignment({ shards: 4, held: new Set() })).toBe('no shard of 4');
  });
});
