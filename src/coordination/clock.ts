/**
 * Time for leases: the only clock and timer election and shard ownership read, so tests drive them with fake
 * timers instead of waiting.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** client-go's timing defaults (kube-controller-manager's --leader-elect-* flags). */
export interface LeaseTiming {
  /** How long a holder's claim stands after its last renew, as seen by the others. */
  leaseDurationMs: number;
  /** How long the holder keeps trying to renew before it gives up leading; shorter than the lease duration. */
  renewDeadlineMs: number;
  /** Pause between two attempts to acquire or renew. */
  retryPeriodMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** A problem with the timing flags, in words, or undefined when they make sense together. */
export function timingProblem(t: LeaseTiming): string | undefined {
  if (t.retryPeriodMs <= 0) return 'the retry period must be positive';
  if (t.renewDeadlineMs <= t.retryPeriodMs) return 'the renew deadline must be longer than the retry period';
  if (t.leaseDurationMs <= t.renewDeadlineMs) return 'the lease duration must be longer than the renew deadline, or two replicas could lead at once';
  return undefined;
}

/** client-go's wait.Jitter with factor 1.2: between one and 2.2 periods, so replicas do not retry in step. */
export function jitteredRetry(periodMs: number, random: () => number): number {
  return Math.round(periodMs * (1 + 1.2 * random()));
}
