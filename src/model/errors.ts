/**
 * Errors carry a stable `code` (for callers and tests) and structured `data`, as isomorphic-git does,
 * so that messages can improve without breaking anyone who branches on the kind of failure.
 *
 * Each family's codes are a closed union: a misspelt code, thrown or compared, is a type error. A new code is
 * added to its family's union here first.
 */

/** Bad command-line usage. */
export type UsageCode = 'E_USAGE';

/** A file in the fleet repository that cannot be accepted at all. */
export type FleetFileCode = 'E_TOO_LARGE' | 'E_NOT_UTF8' | 'E_NUL' | 'E_NOT_YAML' | 'E_ALIAS_BOMB' | 'E_PATH_ESCAPE';

/** A path Flotilla was about to write that would not stay inside its root directory (util/safe-path.ts). */
export type UnsafePathCode = 'E_UNSAFE_PATH';

/** Writing command output (render --out) failed. */
export type OutputCode = 'E_OUTPUT';

export type SourceCode =
  | 'E_REPO_UNREADABLE'
  | 'E_NOT_A_REPO'
  | 'E_NOT_A_FLEET'
  | 'E_FETCH'
  | 'E_NO_BRANCH'
  | 'E_BAD_REF'
  | 'E_INVALID_REF'
  | 'E_AMBIGUOUS_REF'
  | 'E_CORRUPT_OBJECT'
  | 'E_MISSING_OBJECT'
  | 'E_PUSH'
  | 'E_PUSH_RETRIES';

export type KubeApiCode = 'E_API' | 'E_UNREACHABLE' | 'E_DISCOVERY' | 'E_NO_KIND' | 'E_NO_CONTEXT' | 'E_KUBECONFIG_EXEC' | 'E_KUBECONFIG_INSECURE';

export type TestbedCode =
  | 'E_NO_TESTBED'
  | 'E_NO_MEMBER'
  | 'E_PORT_IN_USE'
  | 'E_COMPONENT_DIED'
  | 'E_GO_MISSING'
  | 'E_GO_VERSION'
  | 'E_GO_TOO_OLD'
  | 'E_BUILD'
  | 'E_BUILD_VERSION';

export type FlotillaErrorCode = UsageCode | FleetFileCode | UnsafePathCode | OutputCode | SourceCode | KubeApiCode | TestbedCode;

export class FlotillaError<C extends FlotillaErrorCode = FlotillaErrorCode> extends Error {
  readonly code: C;
  readonly data: Record<string, unknown>;
  constructor(code: C, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.data = data;
  }
}

/** Bad command-line usage: exit code 2. */
export class UsageError extends FlotillaError<UsageCode> {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('E_USAGE', message, data);
  }
}

/** A file in the fleet repository could not be accepted (too large, not YAML, alias bomb, path escape). */
export class FleetFileError extends FlotillaError<FleetFileCode> {
  constructor(code: FleetFileCode, message: string, data: { file: string; line?: number; column?: number }) {
    super(code, message, data);
  }
}

/** Why a path segment was refused; stable, for callers that report it. */
export type UnsafePathReason = 'no-segments' | 'empty' | 'dot' | 'separator' | 'control-character' | 'invalid-unicode' | 'too-long' | 'escapes-root';

/** A path to be written would leave its root directory (or could not be named safely on disk). */
export class UnsafePathError extends FlotillaError<UnsafePathCode> {
  declare readonly data: { reason: UnsafePathReason; segment: string };
  constructor(reason: UnsafePathReason, segment: string, message: string) {
    super('E_UNSAFE_PATH', message, { reason, segment });
  }
}

/** Command output could not be written; `data.path` names where. */
export class OutputError extends FlotillaError<OutputCode> {
  constructor(message: string, data: { path: string }, options?: { cause?: unknown }) {
    super('E_OUTPUT', message, data, options);
  }
}

/** A Git operation failed (fetch, push, ref resolution). */
export class SourceError extends FlotillaError<SourceCode> {}

/** A Kubernetes API call failed; `data.status` holds the HTTP status when there was a response. */
export class KubeApiError extends FlotillaError<KubeApiCode> {}

/** The testbed could not be built or started. */
export class TestbedError extends FlotillaError<TestbedCode> {}
