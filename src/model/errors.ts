/**
 * Errors carry a stable `code` (for callers and tests) and structured `data`, as isomorphic-git does,
 * so that messages can improve without breaking anyone who branches on the kind of failure.
 */
export class FlotillaError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;
  constructor(code: string, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.data = data;
  }
}

/** Bad command-line usage: exit code 2. */
export class UsageError extends FlotillaError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('E_USAGE', message, data);
  }
}

/** A file in the fleet repository could not be accepted (too large, not YAML, alias bomb, path escape). */
export class FleetFileError extends FlotillaError {
  constructor(code: string, message: string, data: { file: string; line?: number; column?: number }) {
    super(code, message, data);
  }
}

/** A Git operation failed (fetch, push, ref resolution). */
export class SourceError extends FlotillaError {}

/** A Kubernetes API call failed; `data.status` holds the HTTP status when there was a response. */
export class KubeApiError extends FlotillaError {}

/** The testbed could not be built or started. */
export class TestbedError extends FlotillaError {}
