/** `flotilla plan` for a terminal: placements, then each cluster's changes with their diffs, then warnings and errors. */
import { formatProblem } from '../model/problem.js';
import { formatRef } from '../model/refs.js';
import { replicaMoves, secretSummary, shortRevision } from './summary.js';
import type { ClusterChange, PlanResult } from './types.js';

const MARK = { added: '+', changed: '~', removed: '-' } as const;

export function formatPlanText(plan: PlanResult): string {
  const lines = [`plan: ${shortRevision(plan.base)} → ${shortRevision(plan.head)}`];
  if (plan.placements.length === 0 && plan.clusters.length === 0) lines.push('no changes');
  if (plan.placements.length > 0) {
    lines.push('', 'placement changes:');
    for (const p of plan.placements) lines.push(`  ${formatRef(p.resource)}: ${replicaMoves(p)}`);
  }
  for (const c of plan.clusters) lines.push('', ...clusterLines(c));
  if (plan.warnings.length > 0) lines.push('', 'warnings:', ...plan.warnings.map((w) => `  ${w.message}`));
  if (plan.errors.length > 0) lines.push('', `errors in the head fleet (${plan.errors.length}):`, ...plan.errors.map((e) => `  ${formatProblem(e)}`));
  return lines.join('\n');
}

function clusterLines(c: ClusterChange): string[] {
  const lines = [`${c.name}: ${c.added.length} added, ${c.changed.length} changed, ${c.removed.length} removed`];
  for (const d of c.diffs) {
    const secret = secretSummary(d);
    lines.push(`  ${MARK[d.change]} ${formatRef(d.resource)}${secret ? `  (${secret})` : ''}`);
  }
  for (const d of c.diffs) lines.push(...d.diff.trimEnd().split('\n').map((l) => `    ${l}`));
  return lines;
}
