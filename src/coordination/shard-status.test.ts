import { describe, expect, it } from 'vitest';
import type { HealthStatus } from '../model/fleet.js';
import { toStatusYaml } from '../record/status-files.js';
import { PassMemo } from '../util/pass-memo.js';
import { clusterShard } from './shard.js';
import { mergePlacement, shardStatusWrites, type PlacementDoc } from './shard-status.js';

const SHARDS = 2;
const MEMBERS = ['member1', 'member2', 'member3', 'member4', 'member5', 'member6'];
const shard0 = { shards: SHARDS, held: new Set([0]) };
const enc = (s: string) => new TextEncoder().encode(s);

function placement(health: Record<string, HealthStatus>): PlacementDoc & Record<string, unknown> {
  return {
    kind: 'Placement',
    spec: { clusters: MEMBERS.map((name) => ({ name })) },
    status: { clusters: MEMBERS.map((name) => ({ name, applied: true, health: health[name] ?? 'Healthy' })) },
  };
}

describe('shard merges of placement files', () => {
  it('gives the same file from the computed document as from its text', () => {
    const existing = toStatusYaml(placement(Object.fromEntries(MEMBERS.map((m): [string, HealthStatus] => [m, 'Progressing']))));
    const ours = placement({});
    for (const owner of [true, false]) expect(mergePlacement(existing, ours, shard0, owner)).toBe(mergePlacement(existing, toStatusYaml(ours), shard0, owner));
  });

  it("keeps the other shard's entries and writes its own (precondition: both shards hold members)", () => {
    expect(new Set(MEMBERS.map((m) => clusterShard(m, SHARDS)))).toEqual(new Set([0, 1]));
    const existing = toStatusYaml(placement(Object.fromEntries(MEMBERS.map((m): [string, HealthStatus] => [m, 'Progressing']))));
    const merged = mergePlacement(existing, placement({}), shard0, false)!;
    for (const m of MEMBERS) expect(merged).toMatch(new RegExp(`name: ${m}\\n\\s+applied: true\\n\\s+health: ${clusterShard(m, SHARDS) === 0 ? 'Healthy' : 'Progressing'}`));
  });

  it('merges a placement file again only when a side of the merge changed', () => {
    const path = 'status/placements/shop/configmap-a.yaml';
    const doc = placement({});
    const wanted = new Map([[path, toStatusYaml(doc)]]);
    const merges = new PassMemo<string | undefined>();
    let reads = 0;
    const reuse = { merges, wantedDoc: () => (reads++, doc) };
    const current = new Map([[path, enc(toStatusYaml(placement({ member1: 'Progressing', member2: 'Progressing' })))]]);
    const first = shardStatusWrites(current, wanted, shard0, reuse);
    merges.nextPass();
    expect(shardStatusWrites(current, wanted, shard0, reuse)).toEqual(first);
    expect(reads).toBe(1);
    merges.nextPass();
    const moved = new Map([[path, enc(toStatusYaml(placement({ member3: 'Degraded' })))]]);
    shardStatusWrites(moved, wanted, shard0, reuse);
    expect(reads).toBe(2);
  });
});
