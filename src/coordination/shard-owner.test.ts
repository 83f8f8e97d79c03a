import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LeaseTiming } from './clock.js';
import type { LeaseClient } from './lease-client.js';
import { MemoryLeaseClient } from './memory-lease-client.js';
import { ShardOwner } from './shard-owner.js';

const TIMING: LeaseTiming = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
const NS = 'flotilla-system';

function cuttable(store: MemoryLeaseClient): LeaseClient & { cut: boolean } {
  const refuse = () => Promise.reject(new Error('connection refused'));
  const view: LeaseClient & { cut: boolean } = {
    cut: false,
    get: (ns, n) => (view.cut ? refuse() : store.get(ns, n)),
    create: (ns, n, s) => (view.cut ? refuse() : store.create(ns, n, s)),
    update: (ns, n, s, rv) => (view.cut ? refuse() : store.update(ns, n, s, rv)),
  };
  return view;
}

function replicas(store: MemoryLeaseClient, names: string[], shards: number) {
  return names.map((identity) => {
    const client = cuttable(store);
    const owner = new ShardOwner({ client, namespace: NS, leasePrefix: 'flotilla-shard', shards, identity, timing: TIMING });
    const stop = new AbortController();
    const passes: string[] = [];
    const done = owner.run(stop.signal, async (l) => {
      passes.push(`work ${[...owner.held()].join(',')}`);
      await new Promise<void>((resolve) => l.stop.addEventListener('abort', () => resolve(), { once: true }));
      if (l.lost.aborted) passes.push('lost');
    });
    return { identity, client, owner, stop, done, passes };
  });
}

const allHeld = (rs: ReturnType<typeof replicas>) => rs.flatMap((r) => [...r.owner.held()]).sort();

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2025-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ShardOwner', () => {
  it('gives replicas that start together one shard each, and every shard one holder', async () => {
    const store = new MemoryLeaseClient();
    const rs = replicas(store, ['a', 'b', 'c'], 3);
    await vi.advanceTimersByTimeAsync(5 * TIMING.retryPeriodMs);
    expect(rs.map((r) => r.owner.held().size)).toEqual([1, 1, 1]);
    expect(allHeld(rs)).toEqual([0, 1, 2]);
    expect(rs.every((r) => r.passes[0]?.startsWith('work'))).toBe(true);
    for (const r of rs) r.stop.abort();
    await Promise.all(rs.map((r) => r.done));
  });

  it('lets survivors take a killed replica\'s shard once its Lease expires', async () => {
    const store = new MemoryLeaseClient();
    const rs = replicas(store, ['a', 'b', 'c'], 3);
    await vi.advanceTimersByTimeAsync(5 * TIMING.retryPeriodMs);
    const [victim, ...survivors] = rs;
    const orphan = [...victim!.owner.held()][0]!;
    victim!.client.cut = true; // kill -9: it renews nothing more
    await vi.advanceTimersByTimeAsync(TIMING.leaseDurationMs - TIMING.retryPeriodMs);
    expect(survivors.some((r) => r.owner.held().has(orphan))).toBe(false);
    await vi.advanceTimersByTimeAsync(2 * TIMING.retryPeriodMs + TIMING.retryPeriodMs);
    expect(survivors.filter((r) => r.owner.held().has(orphan))).toHaveLength(1);
    expect(allHeld(survivors)).toEqual([0, 1, 2]);
    // The cut-off replica dropped its shard at its renew deadline, before anyone took it.
    expect(victim!.owner.held().size).toBe(0);
    expect(victim!.passes).toContain('lost');
    for (const r of rs) r.stop.abort();
    await Promise.all(rs.map((r) => r.done));
  });

  it('lets a lone replica hold every shard, the extra ones after a lease duration of grace', async () => {
    const store = new MemoryLeaseClient();
    const [r] = replicas(store, ['a'], 3);
    await vi.advanceTimersByTimeAsync(TIMING.retryPeriodMs);
    expect(r!.owner.held().size).toBe(1);
    await vi.advanceTimersByTimeAsync(TIMING.leaseDurationMs + TIMING.retryPeriodMs);
    expect([...r!.owner.held()].sort()).toEqual([0, 1, 2]);
    r!.stop.abort();
    await r!.done;
  });

  it('releases its shards on stop so a replacement takes one at once', async () => {
    const store = new MemoryLeaseClient();
    const [a, b] = replicas(store, ['a', 'b'], 2);
    await vi.advanceTimersByTimeAsync(5 * TIMING.retryPeriodMs);
    expect(allHeld([a!, b!])).toEqual([0, 1]);
    const freed = [...a!.owner.held()][0]!;
    a!.stop.abort();
    await a!.done;
    expect(store.spec(NS, `flotilla-shard-${freed}`)?.holderIdentity).toBe('');
    const [c] = replicas(store, ['c'], 2);
    await vi.advanceTimersByTimeAsync(TIMING.retryPeriodMs);
    expect([...c!.owner.held()]).toEqual([freed]);
    for (const r of [b!, c!]) r.stop.abort();
    await Promise.all([b!.done, c!.done]);
  });
});
