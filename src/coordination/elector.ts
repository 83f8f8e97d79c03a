/**
 * Leader election on one Lease, client-go's way: standbys retry every retry period (jittered); the leader renews
 * every retry period and gives up leading when a renew has not succeeded within the renew deadline, which is
 * shorter than the lease duration, so it has stopped before anyone else can take over. On stop the leader lets
 * its work finish, then releases the Lease so a standby takes over at once.
 */
import type { Logger } from '../controller/reconcile.js';
import { DEFAULT_LEASE_TIMING, jitteredRetry, systemClock, type Clock, type LeaseTiming } from './clock.js';
import type { LeaseClient } from './lease-client.js';
import { LeaseLock } from './lease-lock.js';

export interface ElectorOptions {
  client: LeaseClient;
  namespace: string;
  lease: string;
  identity: string;
  timing?: LeaseTiming;
  clock?: Clock;
  random?: () => number;
  log?: Logger;
}

/** What the leader's work is told: `stop` when it should wind down, `lost` when it must abandon its pass. */
export interface Leadership {
  /** Aborts on shutdown or lost leadership: finish the current pass, start no new one. */
  stop: AbortSignal;
  /** Aborts when leadership is lost: abandon the current pass at its next safe point. */
  lost: AbortSignal;
}

export type HoldOutcome = 'done' | 'lost';

export class LeaderElector {
  readonly lock: LeaseLock;
  private readonly timing: LeaseTiming;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: Logger;
  /** The renew in flight, if any: a release waits for it, so the two never race on the resourceVersion. */
  private renewing?: Promise<boolean>;

  constructor(opts: ElectorOptions) {
    this.timing = opts.timing ?? DEFAULT_LEASE_TIMING;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.log = opts.log ?? (() => {});
    this.lock = new LeaseLock(opts.client, opts.namespace, opts.lease, opts.identity, this.timing, this.clock);
  }

  /** Waits until this replica holds the Lease (true) or `stop` aborts (false). */
  async acquire(stop: AbortSignal): Promise<boolean> {
    let reported = '';
    while (!stop.aborted) {
      if (await this.lock.tryAcquireOrRenew()) {
        this.log('info', `leader election: ${this.lock.identity} acquired lease ${this.describe()}`);
        return true;
      }
      const holder = this.lock.holder;
      if (holder !== reported) {
        this.log('info', `leader election: lease ${this.describe()} is held by ${holder || 'nobody'}; standing by`);
        reported = holder;
      }
      await this.clock.sleep(jitteredRetry(this.timing.retryPeriodMs, this.random), stop);
    }
    return false;
  }

  /**
   * Renews until `done` aborts ('done') or a renew misses the deadline ('lost'); `onLost` runs the moment the
   * deadline passes, before the Lease can expire for the others.
   */
  async hold(done: AbortSignal, onLost: () => void): Promise<HoldOutcome> {
    while (!done.aborted) {
      if (!(await this.renewWithinDeadline(done))) {
        if (done.aborted) break;
        this.log('error', `leader election: could not renew lease ${this.describe()} within ${this.timing.renewDeadlineMs} ms${this.lock.lastError ? ` (${this.lock.lastError.message})` : ''}; stopping work`);
        onLost();
        return 'lost';
      }
      await this.clock.sleep(this.timing.retryPeriodMs, done);
    }
    return 'done';
  }

  async release(): Promise<void> {
    await this.renewing;
    if (await this.lock.release()) this.log('info', `leader election: released lease ${this.describe()}`);
  }

  /**
   * Acquire, lead, and stand by again after a lost Lease, until `stop` aborts; then the work finishes and the
   * Lease is released. `lead` must return once its `stop` signal aborts.
   */
  async run(stop: AbortSignal, lead: (leadership: Leadership) => Promise<void>): Promise<void> {
    while (!stop.aborted) {
      if (!(await this.acquire(stop))) return;
      const lost = new AbortController();
      const leadStop = AbortSignal.any([stop, lost.signal]);
      const finished = new AbortController();
      const holding = this.hold(finished.signal, () => lost.abort());
      try {
        await lead({ stop: leadStop, lost: lost.signal });
      } finally {
        finished.abort();
        const outcome = await holding;
        // The work has returned, so nothing more is written as leader: hand over at once.
        if (outcome === 'done') await this.release();
      }
      if (!lost.signal.aborted) return;
    }
  }

  /** Tries to renew, again every retry period, until it works or the renew deadline passes. */
  private async renewWithinDeadline(done: AbortSignal): Promise<boolean> {
    const deadline = this.clock.now() + this.timing.renewDeadlineMs;
    while (!done.aborted) {
      const left = deadline - this.clock.now();
      if (left <= 0) return false;
      const timeout = new AbortController();
      // A hung request counts as a failed renew once the deadline passes (client-go cancels it by context).
      this.renewing = this.lock.tryAcquireOrRenew();
      const renewed = await Promise.race([this.renewing, this.clock.sleep(left, AbortSignal.any([timeout.signal, done])).then(() => false)]);
      timeout.abort();
      if (renewed) return true;
      if (this.clock.now() >= deadline) return false;
      await this.clock.sleep(Math.min(this.timing.retryPeriodMs, deadline - this.clock.now()), done);
    }
    return false;
  }

  private describe(): string {
    return `${this.lock.namespace}/${this.lock.name}`;
  }
}
