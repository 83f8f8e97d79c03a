/** Drift detection: a pure comparison of a live object with the result of a server-side-apply dry-run. */
export { detectDrift, type DriftChange, type DriftOptions, type DriftReport } from './detect.js';
export { normalizeForCompare } from './normalize.js';
