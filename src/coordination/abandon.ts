/**
 * A pass is abandoned only between its steps: never inside a commit and its push, which FleetRepository makes
 * one step. What was applied before is recorded by the write-ahead inventory, so the next leader picks it up.
 */
export class PassAbandonedError extends Error {
  constructor(readonly step: string) {
    super(`pass abandoned before ${step}: this replica no longer holds its lease`);
    this.name = 'PassAbandonedError';
  }
}

export function throwIfAbandoned(signal: AbortSignal | undefined, step: string): void {
  if (signal?.aborted) throw new PassAbandonedError(step);
}
