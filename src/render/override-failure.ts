/**
 * Why one overrider could not be applied. Overriders throw it; the override runner adds the rule's field path and
 * turns it into a Problem that names the policy file, the template and the cluster.
 */
export class OverrideFailure extends Error {
  /** Field path inside the overriders block, e.g. `plaintext[1]`; "" when the whole rule is to blame. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'OverrideFailure';
    this.field = field;
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.message;
  return String(err);
}
