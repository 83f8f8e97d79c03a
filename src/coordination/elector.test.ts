import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LeaseTiming } from './clock.js';
import { LeaderElector, type Leadership } from './elector.js';
import { LeaseConflictError, type LeaseClient } from './lease-client.js';
import { LeaseLock } from './lease-lock.js';
import { MemoryLeaseClient } from './memory-lease-client.js';
import { systemClock } from './clock.js';

const NS = 'flotilla-system';
const LEASE = 'flotilla';
const TIMING: LeaseTiming = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** A replica's own view of the store: cut it off to play a partition or a killed process. */
function replicaClient(store: MemoryLeaseClient): LeaseClient & { cut: boolean } {
  const view = {
    cut: false,
    get: (ns: string, n: string) => (view.cut ? Promise.reject(new Error('connection refused')) : store.get(ns, n)),
    create: (ns: string, n: string, s: Parameters<LeaseClient['create']>[2]) => (view.cut ? Promise.reject(new Error('connection refused')) : store.create(ns, n, s)),
    update: (ns: string, n: string, s: Parameters<LeaseClient['update']>[2], rv: string) => (view.cut ? Promise.reject(new Error('connection refused')) : store.update(ns, n, s, rv)),
  };
  return view;
}

function elector(client: LeaseClient, identity: string): LeaderElector {
  return new LeaderElector({ client, namespace: NS, lease: LEASE, identity, timing: TIMING, random: () => 0 });
}

/** Runs `e` with work that records when it leads and returns once told to stop. */
function start(e: LeaderElector, stop: AbortController) {
  const events: string[] = [];
  let leadership: Leadership | undefined;
  const done = e.run(stop.signal, async (l) => {
    leadership = l;
    events.push('lead');
    await new Promise<void>((resolve) => l.stop.addEventListener('abort', () => resolve(), { once: true }));
    events.push(l.lost.aborted ? 'lost' : 'stopped');
  });
  return { events, done, leadership: () => leadership };
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2025-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LeaseLock', () => {
  it('creates a missing Lease with MicroTime-able times and no transitions', async () => {
    const store = new MemoryLeaseClient();
    const lock = new LeaseLock(store, NS, LEASE, 'a', TIMING, systemClock);
    expect(await lock.tryAcquireOrRenew()).toBe(true);
    expect(store.spec(NS, LEASE)).toEqual({ holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: Date.now(), renewTime: Date.now(), leaseTransitions: 0 });
  });

  it('renews without changing acquireTime or the transition count', async () => {
    const store = new MemoryLeaseClient();
    const lock = new LeaseLock(store, NS, LEASE, 'a', TIMING, systemClock);
    await lock.tryAcquireOrRenew();
    const acquired = Date.now();
    vi.advanceTimersByTime(2_000);
    expect(await lock.tryAcquireOrRenew()).toBe(true);
    expect(store.spec(NS, LEASE)).toMatchObject({ acquireTime: acquired, renewTime: acquired + 2_000, leaseTransitions: 0 });
  });

  it('does not take a Lease another holder renewed within the lease duration, and takes it once that has passed', async () => {
    const store = new MemoryLeaseClient();
    await new LeaseLock(store, NS, LEASE, 'a', TIMING, systemClock).tryAcquireOrRenew();
    const b = new LeaseLock(store, NS, LEASE, 'b', TIMING, systemClock);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(b.state()).toBe('held');
    vi.advanceTimersByTime(14_999);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(b.state()).toBe('expired');
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(store.spec(NS, LEASE)).toMatchObject({ holderIdentity: 'b', acquireTime: Date.now(), leaseTransitions: 1 });
  });

  it('loses a write race on the resourceVersion instead of overwriting the winner', async () => {
    const store = new MemoryLeaseClient();
    const a = new LeaseLock(store, NS, LEASE, 'a', TIMING, systemClock);
    const b = new LeaseLock(store, NS, LEASE, 'b', TIMING, systemClock);
    // Both read "missing" and both create: the second create is a conflict.
    const [ra, rb] = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
    expect([ra, rb].filter(Boolean)).toHaveLength(1);
    expect(store.spec(NS, LEASE)?.holderIdentity).toBe(ra ? 'a' : 'b');
    expect(a.lastError).toBeUndefined();
    expect(b.lastError).toBeUndefined();
  });

  it('rejects an update at a stale resourceVersion with a typed conflict', async () => {
    const store = new MemoryLeaseClient();
    const created = await store.create(NS, LEASE, { holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    await store.update(NS, LEASE, { holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 }, created.resourceVersion);
    await expect(store.update(NS, LEASE, { holderIdentity: 'b', leaseDurationSeconds: 15, leaseTransitions: 1 }, created.resourceVersion)).rejects.toBeInstanceOf(LeaseConflictError);
  });
});

describe('LeaderElector', () => {
  it('leads at once on a free Lease and renews every retry period', async () => {
    const store = new MemoryLeaseClient();
    const stop = new AbortController();
    const a = start(elector(store, 'a'), stop);
    await vi.advanceTimersByTimeAsync(0);
    expect(a.events).toEqual(['lead']);
    await vi.advanceTimersByTimeAsync(10_000);
    const renews = store.writes.filter((w) => w.spec.holderIdentity === 'a').map((w) => w.spec.renewTime);
    expect(renews.length).toBeGreaterThanOrEqual(5);
    expect(store.spec(NS, LEASE)?.renewTime).toBe(Date.now());
    stop.abort();
    await a.done;
  });

  it('keeps a standby waiting while the leader renews', async () => {
    const store = new MemoryLeaseClient();
    const stopA = new AbortController();
    const stopB = new AbortController();
    const a = start(elector(store, 'a'), stopA);
    await vi.advanceTimersByTimeAsync(0);
    const b = start(elector(store, 'b'), stopB);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(a.events).toEqual(['lead']);
    expect(b.events).toEqual([]);
    stopA.abort();
    stopB.abort();
    await Promise.all([a.done, b.done]);
  });

  it('on stop lets the work finish, then releases the Lease so the standby leads within one retry', async () => {
    const store = new MemoryLeaseClient();
    const stopA = new AbortController();
    const stopB = new AbortController();
    const a = start(elector(store, 'a'), stopA);
    await vi.advanceTimersByTimeAsync(0);
    const b = start(elector(store, 'b'), stopB);
    await vi.advanceTimersByTimeAsync(5_000);
    stopA.abort();
    await vi.advanceTimersByTimeAsync(0);
    await a.done;
    expect(a.events).toEqual(['lead', 'stopped']);
    expect(store.spec(NS, LEASE)).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, renewTime: Date.now() });
    await vi.advanceTimersByTimeAsync(TIMING.retryPeriodMs);
    expect(b.events).toEqual(['lead']);
    expect(store.spec(NS, LEASE)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    stopB.abort();
    await b.done;
  });

  it('stops leading when it cannot renew within the renew deadline, before the Lease expires for a standby', async () => {
    const store = new MemoryLeaseClient();
    const clientA = replicaClient(store);
    const stopA = new AbortController();
    const stopB = new AbortController();
    const a = start(elector(clientA, 'a'), stopA);
    await vi.advanceTimersByTimeAsync(0);
    const b = start(elector(store, 'b'), stopB);
    const lastRenew = Date.now();
    clientA.cut = true;
    await vi.advanceTimersByTimeAsync(TIMING.retryPeriodMs + TIMING.renewDeadlineMs);
    expect(a.events).toEqual(['lead', 'lost']);
    expect(a.leadership()!.lost.aborted).toBe(true);
    expect(b.events).toEqual([]);
    expect(Date.now() - lastRenew).toBeLessThan(TIMING.leaseDurationMs);
    // The standby takes over once the lease duration has passed since it last saw the Lease change.
    await vi.advanceTimersByTimeAsync(TIMING.leaseDurationMs);
    expect(b.events).toEqual(['lead']);
    expect(store.spec(NS, LEASE)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    stopA.abort();
    stopB.abort();
    await Promise.all([a.done, b.done]);
  });

  it('stands by again after losing the Lease and leads when it is free again', async () => {
    const store = new MemoryLeaseClient();
    const clientA = replicaClient(store);
    const stopA = new AbortController();
    const a = start(elector(clientA, 'a'), stopA);
    await vi.advanceTimersByTimeAsync(0);
    clientA.cut = true;
    await vi.advanceTimersByTimeAsync(TIMING.retryPeriodMs + TIMING.renewDeadlineMs);
    expect(a.events).toEqual(['lead', 'lost']);
    clientA.cut = false;
    await vi.advanceTimersByTimeAsync(2 * TIMING.retryPeriodMs);
    expect(a.events).toEqual(['lead', 'lost', 'lead']);
    stopA.abort();
    await a.done;
  });

  it('a killed leader (no release) is replaced once the lease duration has passed', async () => {
    const store = new MemoryLeaseClient();
    const clientA = replicaClient(store);
    const a = start(elector(clientA, 'a'), new AbortController());
    await vi.advanceTimersByTimeAsync(0);
    const stopB = new AbortController();
    const b = start(elector(store, 'b'), stopB);
    await vi.advanceTimersByTimeAsync(1_000);
    const killedAt = Date.now();
    clientA.cut = true; // kill -9: no more writes, no release
    await vi.advanceTimersByTimeAsync(TIMING.leaseDurationMs - 2_000);
    expect(b.events).toEqual([]);
    await vi.advanceTimersByTimeAsync(2 * TIMING.retryPeriodMs + 2_000);
    expect(b.events).toEqual(['lead']);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(TIMING.leaseDurationMs + 2 * TIMING.retryPeriodMs + 1_000);
    expect(a.events).toEqual(['lead', 'lost']);
    stopB.abort();
    await b.done;
  });
});
