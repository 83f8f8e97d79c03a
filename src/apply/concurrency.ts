/**
 * Requests in flight at once on one cluster while its objects are read, applied and read back, unless
 * `flotilla run --apply-concurrency` says otherwise. An API server serves hundreds of requests at once; a few at a
 * time left a pass of a thousand objects waiting on round trips. Its own module so the CLI can name the default
 * without loading the apply code.
 */
export const DEFAULT_APPLY_CONCURRENCY = 16;
