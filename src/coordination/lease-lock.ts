/**
 * One Lease as a lock, with client-go's leader-election rules (tools/leaderelection): a holder's claim is judged
 * by when *we* last saw the record change, not by the renewTime it wrote, so clock skew between replicas does
 * not matter; every write names the resourceVersion it read, so two replicas never both win.
 */
import type { Clock, LeaseTiming } from './clock.js';
import { LeaseConflictError, type LeaseClient, type LeaseRecord, type LeaseSpec } from './lease-client.js';

export type LeaseState = 'mine' | 'held' | 'expired' | 'released' | 'missing';

export class LeaseLock {
  private observed?: LeaseRecord;
  private observedAt = 0;
  private seen = false;
  /** The last failure to reach the API server, for the caller's log. */
  lastError?: Error;

  constructor(
    private readonly client: LeaseClient,
    readonly namespace: string,
    readonly name: string,
    readonly identity: string,
    private readonly timing: LeaseTiming,
    private readonly clock: Clock,
  ) {}

  /** Who holds the Lease as last read ('' when nobody does). */
  get holder(): string {
    return this.observed?.spec.holderIdentity ?? '';
  }

  /** The Lease as last read, judged at the clock's now. */
  state(): LeaseState {
    if (!this.seen) return 'missing';
    const holder = this.holder;
    if (holder === '') return 'released';
    if (holder === this.identity) return 'mine';
    return this.observedAt + this.timing.leaseDurationMs > this.clock.now() ? 'held' : 'expired';
  }

  /** Reads the Lease and remembers when it last changed, without trying to take it. */
  async refresh(): Promise<boolean> {
    try {
      const record = await this.client.get(this.namespace, this.name);
      this.seen = record !== undefined;
      if (record) this.observe(record);
      return true;
    } catch (err) {
      this.lastError = err as Error;
      return false;
    }
  }

  /**
   * One attempt to acquire the Lease or renew our hold on it: true when we hold it now. A conflict or an
   * unreachable API server is a failed attempt, never an exception.
   */
  async tryAcquireOrRenew(): Promise<boolean> {
    try {
      const now = this.clock.now();
      const record = await this.client.get(this.namespace, this.name);
      if (!record) {
        this.observe(await this.client.create(this.namespace, this.name, this.spec(now, now, 0)));
        this.seen = true;
        return true;
      }
      this.seen = true;
      this.observe(record);
      const old = record.spec;
      const ours = old.holderIdentity === this.identity;
      if (!ours && old.holderIdentity !== '' && this.observedAt + this.timing.leaseDurationMs > this.clock.now()) return false;
      // Taking over (from an expired or released holder) counts a transition and starts a new acquireTime.
      const spec = ours ? this.spec(old.acquireTime ?? now, now, old.leaseTransitions) : this.spec(now, now, old.leaseTransitions + 1);
      this.observe(await this.client.update(this.namespace, this.name, spec, record.resourceVersion));
      return true;
    } catch (err) {
      if (!(err instanceof LeaseConflictError)) this.lastError = err as Error;
      return false;
    }
  }

  /**
   * Gives the Lease up so another replica takes it at once (client-go's ReleaseOnCancel): no holder, a one-second
   * duration, renewTime now. Only a Lease we last saw as ours is released, and only if nobody wrote it since
   * (the resourceVersion guards that), so a replica that lost its hold never releases someone else's.
   */
  async release(): Promise<boolean> {
    if (!this.observed || this.holder !== this.identity) return false;
    try {
      const now = this.clock.now();
      const spec: LeaseSpec = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: this.observed.spec.leaseTransitions };
      this.observe(await this.client.update(this.namespace, this.name, spec, this.observed.resourceVersion));
      return true;
    } catch (err) {
      this.lastError = err as Error;
      return false;
    }
  }

  private spec(acquireTime: number, renewTime: number, leaseTransitions: number): LeaseSpec {
    return { holderIdentity: this.identity, leaseDurationSeconds: Math.ceil(this.timing.leaseDurationMs / 1000), acquireTime, renewTime, leaseTransitions };
  }

  private observe(record: LeaseRecord): void {
    if (this.observed?.resourceVersion !== record.resourceVersion) {
      this.observed = record;
      this.observedAt = this.clock.now();
    }
  }
}
