/**
 * Lease-based shard ownership (`--shards N` without `--shard-index`): replicas share N Leases named
 * `<prefix>-<i>`, and each holds some of them, renewing every retry period like a leader (lease-lock.ts).
 *
 * The rule, simple on purpose:
 * - a replica holds at most ceil(N / live replicas) shards, where the live replicas are the holders of unexpired
 *   shard Leases plus itself; one holding more gives the excess back;
 * - a replica holding nothing takes a free shard (never created, released or expired) at once;
 * - a replica already holding shards takes an expired shard (its holder died) at once, but a never-created or
 *   released one only after it stayed free for a lease duration, so replicas starting together or a replacement
 *   pod in a rolling update get one each first;
 * - each replica tries the free shards in its own order (rendezvous on its identity), so replicas rarely race for
 *   the same Lease; when they do, the resourceVersion picks one winner.
 * A replica that cannot renew a shard within the renew deadline drops it (and abandons its pass) before the Lease
 * expires for the others, so two replicas never work on one shard's clusters at once.
 */
import type { Logger } from '../controller/reconcile.js';
import { DEFAULT_LEASE_TIMING, systemClock, type Clock, type LeaseTiming } from './clock.js';
import type { Leadership } from './elector.js';
import type { LeaseClient } from './lease-client.js';
import { LeaseLock } from './lease-lock.js';
import { fnv1a32 } from './shard.js';

export interface ShardOwnerOptions {
  client: LeaseClient;
  namespace: string;
  /** Leases are `<prefix>-0` … `<prefix>-<N−1>`. */
  leasePrefix: string;
  shards: number;
  identity: string;
  timing?: LeaseTiming;
  clock?: Clock;
  log?: Logger;
}

export class ShardOwner {
  private readonly locks: LeaseLock[];
  private readonly lastRenewed = new Map<number, number>();
  private readonly freeSince = new Map<number, number>();
  private readonly timing: LeaseTiming;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly order: number[];
  private onLost?: () => void;

  constructor(private readonly opts: ShardOwnerOptions) {
    this.timing = opts.timing ?? DEFAULT_LEASE_TIMING;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? (() => {});
    this.locks = Array.from({ length: opts.shards }, (_, i) => new LeaseLock(opts.client, opts.namespace, `${opts.leasePrefix}-${i}`, opts.identity, this.timing, this.clock));
    this.order = this.locks.map((_, i) => i).sort((a, b) => fnv1a32(`${opts.identity}/${a}`) - fnv1a32(`${opts.identity}/${b}`) || a - b);
  }

  /** The shards held now: renewed within the renew deadline. */
  held(): ReadonlySet<number> {
    return new Set(this.lastRenewed.keys());
  }

  /** One round: renew what is held, drop what could not be renewed in time, give back or take shards. */
  async tick(): Promise<void> {
    await this.renewHeld();
    await Promise.all(this.locks.map((l, i) => (this.lastRenewed.has(i) ? undefined : this.bounded(l.refresh()))));
    const now = this.clock.now();
    const live = new Set([this.opts.identity, ...this.locks.filter((l) => l.state() === 'held').map((l) => l.holder)]);
    const cap = Math.ceil(this.opts.shards / live.size);
    this.giveBack(cap);
    for (const i of this.order) {
      const state = this.locks[i]!.state();
      if (state === 'held' || state === 'mine') this.freeSince.delete(i);
      else if (!this.freeSince.has(i)) this.freeSince.set(i, now);
    }
    for (const i of this.order) {
      if (this.lastRenewed.size >= cap) break;
      if (this.lastRenewed.has(i) || !this.mayTake(i, now)) continue;
      if (await this.bounded(this.locks[i]!.tryAcquireOrRenew())) {
        this.lastRenewed.set(i, this.clock.now());
        this.freeSince.delete(i);
        this.log('info', `sharding: ${this.opts.identity} took shard ${i} of ${this.opts.shards}`);
      }
    }
  }

  /**
   * Ticks every retry period until `stop` aborts, running `work` whenever at least one shard is held; `work` is
   * told to abandon its pass when a shard is lost. On stop the work finishes, then every shard is released.
   */
  async run(stop: AbortSignal, work: (leadership: Leadership) => Promise<void>): Promise<void> {
    const ticking = (async () => {
      while (!stop.aborted) {
        await this.tick();
        await this.clock.sleep(this.timing.retryPeriodMs, stop);
      }
    })();
    while (!stop.aborted) {
      if (this.lastRenewed.size === 0) {
        await this.clock.sleep(this.timing.retryPeriodMs, stop);
        continue;
      }
      const lost = new AbortController();
      this.onLost = () => lost.abort();
      await work({ stop: AbortSignal.any([stop, lost.signal]), lost: lost.signal });
      this.onLost = undefined;
    }
    await ticking;
    await Promise.all([...this.lastRenewed.keys()].map((i) => this.locks[i]!.release()));
    this.lastRenewed.clear();
  }

  private async renewHeld(): Promise<void> {
    await Promise.all(
      [...this.lastRenewed.keys()].map(async (i) => {
        if (await this.bounded(this.locks[i]!.tryAcquireOrRenew())) this.lastRenewed.set(i, this.clock.now());
        else if (this.clock.now() - this.lastRenewed.get(i)! >= this.timing.renewDeadlineMs || this.locks[i]!.state() === 'held') {
          this.lastRenewed.delete(i);
          this.log('error', `sharding: lost shard ${i} (no renew within ${this.timing.renewDeadlineMs} ms${this.locks[i]!.lastError ? `: ${this.locks[i]!.lastError!.message}` : ''})`);
          this.onLost?.();
        }
      }),
    );
  }

  /**
   * Stops renewing the shards it prefers least until it holds no more than its share. They are not released:
   * they expire a lease duration later, by when the pass working on them has reached a safe point.
   */
  private giveBack(cap: number): void {
    const excess = [...this.order].reverse().filter((i) => this.lastRenewed.has(i)).slice(0, Math.max(0, this.lastRenewed.size - cap));
    for (const i of excess) {
      this.lastRenewed.delete(i);
      this.onLost?.();
      this.log('info', `sharding: gave back shard ${i}: ${cap} per replica is this replica's share`);
    }
  }

  private mayTake(i: number, now: number): boolean {
    const state = this.locks[i]!.state();
    if (state === 'held' || state === 'mine') return false;
    if (this.lastRenewed.size === 0 || state === 'expired') return true;
    return now - (this.freeSince.get(i) ?? now) >= this.timing.leaseDurationMs;
  }

  /** A request that hangs past the renew deadline counts as failed. */
  private async bounded<T extends boolean>(attempt: Promise<T>): Promise<T | false> {
    const timeout = new AbortController();
    const result = await Promise.race([attempt, this.clock.sleep(this.timing.renewDeadlineMs, timeout.signal).then(() => false as const)]);
    timeout.abort();
    return result;
  }
}
