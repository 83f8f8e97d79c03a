/**
 * The plan of a merge (`flotilla plan`, and the preview of `flotilla rollback`): what would change in placement
 * and on each cluster if one revision of the fleet replaced another. Pure: files in, data and text out.
 */
export { planFleetChange, comparePlacements, compareClusters } from './plan-fleet-change.js';
export { formatPlanText } from './format-text.js';
export { formatPlanMarkdown, MARKDOWN_LIMIT, type MarkdownOptions } from './format-markdown.js';
export { planJson, replicaMoves } from './summary.js';
export { isSecret, redactSecret, secretKeyChanges } from './secret.js';
export type * from './types.js';
