/**
 * `flotilla plan -o markdown`: a pull-request comment. Everything a reviewer acts on comes first (summary,
 * replica moves, warnings, problems); diffs follow, folded per cluster, and are what gets cut to stay under
 * the comment size limit (GitHub's is 65,536 characters): the largest go first, and the comment says which.
 */
import { formatRef } from '../model/refs.js';
import { replicaMoves, secretSummary, shortRevision } from './summary.js';
import type { ClusterChange, ObjectDiff, PlanResult } from './types.js';

export const MARKDOWN_LIMIT = 65_000;
/** Room kept for the list of cut diffs. */
const CUT_NOTE_BUDGET = 4_000;

export interface MarkdownOptions {
  /** Upper bound of the comment's length in characters. */
  limit?: number;
}

/** Inline code that survives backticks in its content. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** Text from the fleet (messages, names) must not open HTML in the comment. */
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function diffFence(body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}diff\n${body.trimEnd()}\n${fence}`;
}

function objectBlock(d: ObjectDiff): string {
  const secret = secretSummary(d);
  return `${secret ? `# ${secret}\n` : ''}${d.diff}`;
}

export function formatPlanMarkdown(plan: PlanResult, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? MARKDOWN_LIMIT;
  const head = headSections(plan);
  const budget = Math.max(0, limit - CUT_NOTE_BUDGET);
  const fixed = fitSections(head, budget);
  const { shown, cut } = chooseDiffs(plan.clusters, budget - fixed.length);
  const out = [fixed, ...diffSections(plan.clusters, shown)];
  if (cut.length > 0) out.push(cutNote(cut));
  const text = `${out.filter((s) => s !== '').join('\n\n')}\n`;
  return text.length <= limit ? text : `${text.slice(0, limit - 40)}\n\n_(comment truncated at ${limit} characters)_\n`;
}

interface Section {
  title: string;
  lines: string[];
  /** What to say when lines are left out, given how many. */
  more?: (n: number) => string;
}

function headSections(plan: PlanResult): Section[] {
  const sections: Section[] = [];
  const unchanged = plan.clusters.length === 0 && plan.placements.length === 0;
  sections.push({
    title: `## Flotilla plan: ${code(shortRevision(plan.base))} → ${code(shortRevision(plan.head))}`,
    lines: [
      unchanged
        ? 'No changes: every cluster keeps what it runs.'
        : `${plan.clusters.length} cluster(s) change, ${plan.placements.length} placement(s) change` +
          (plan.errors.length > 0 ? `, ${plan.errors.length} problem(s) in the head fleet` : '') +
          (plan.warnings.length > 0 ? `, ${plan.warnings.length} warning(s)` : '') +
          '.',
    ],
  });
  if (plan.clusters.length > 0) {
    sections.push({
      title: '| cluster | added | changed | removed |\n|---|---:|---:|---:|',
      lines: plan.clusters.map((c) => `| ${escapeHtml(c.name)} | ${c.added.length} | ${c.changed.length} | ${c.removed.length} |`),
      more: (n) => `| … ${n} more cluster(s) | | | |`,
    });
  }
  if (plan.placements.length > 0) {
    sections.push({
      title: '**Replica moves**',
      lines: plan.placements.map((p) => `- ${code(formatRef(p.resource))}: ${replicaMoves(p)}`),
      more: (n) => `- … and ${n} more`,
    });
  }
  if (plan.warnings.length > 0) {
    sections.push({ title: '### ⚠️ Warnings', lines: plan.warnings.map((w) => `- **${w.kind}**: ${escapeHtml(w.message)}`), more: (n) => `- … and ${n} more` });
  }
  if (plan.errors.length > 0) {
    sections.push({
      title: `### ❌ Problems in the head fleet (${plan.errors.length})`,
      lines: plan.errors.map((e) => `- ${code(`${e.file}:${e.line}:${e.column}`)} ${escapeHtml(e.message)}`),
      more: (n) => `- … and ${n} more (run \`flotilla validate\`)`,
    });
  }
  return sections;
}

/** The sections as text; when they alone exceed `budget`, their longest lists lose lines from the end. */
function fitSections(sections: Section[], budget: number): string {
  const render = (keep: number[]) =>
    sections
      .map((s, i) => {
        const kept = s.lines.slice(0, keep[i]);
        const dropped = s.lines.length - kept.length;
        return [s.title, ...kept, ...(dropped > 0 && s.more ? [s.more(dropped)] : [])].join('\n');
      })
      .join('\n\n');
  const keep = sections.map((s) => s.lines.length);
  let text = render(keep);
  while (text.length > budget) {
    const i = keep.indexOf(Math.max(...keep));
    if (keep[i]! <= 1) break;
    keep[i] = Math.floor(keep[i]! / 2);
    text = render(keep);
  }
  return text;
}

interface CutDiff {
  cluster: string;
  diff: ObjectDiff;
  size: number;
}

function chooseDiffs(clusters: readonly ClusterChange[], budget: number): { shown: Set<ObjectDiff>; cut: CutDiff[] } {
  const all: CutDiff[] = clusters.flatMap((c) => c.diffs.map((diff) => ({ cluster: c.name, diff, size: objectBlock(diff).length + 1 })));
  // Smallest first: as many diffs as fit are shown, the largest are the ones cut.
  all.sort((a, b) => a.size - b.size);
  const overhead = (n: number) => n * 120;
  const shown = new Set<ObjectDiff>();
  const cut: CutDiff[] = [];
  let used = 0;
  for (const d of all) {
    if (used + d.size + overhead(1) <= budget) {
      shown.add(d.diff);
      used += d.size + overhead(1);
    } else cut.push(d);
  }
  return { shown, cut };
}

function diffSections(clusters: readonly ClusterChange[], shown: Set<ObjectDiff>): string[] {
  return clusters
    .filter((c) => c.diffs.some((d) => shown.has(d)))
    .map((c) => {
      const visible = c.diffs.filter((d) => shown.has(d));
      const hidden = c.diffs.length - visible.length;
      const summary = `${escapeHtml(c.name)}: ${c.added.length} added, ${c.changed.length} changed, ${c.removed.length} removed${hidden > 0 ? ` (${hidden} diff(s) cut)` : ''}`;
      return `<details><summary>${summary}</summary>\n\n${diffFence(visible.map(objectBlock).join(''))}\n\n</details>`;
    });
}

function cutNote(cut: CutDiff[]): string {
  const listed: string[] = [];
  let length = 0;
  const sorted = [...cut].sort((a, b) => b.size - a.size);
  for (const c of sorted) {
    const item = `${c.cluster} ${formatRef(c.diff.resource)} (${c.size} characters)`;
    if (length + item.length > CUT_NOTE_BUDGET - 400) break;
    listed.push(item);
    length += item.length + 2;
  }
  const rest = cut.length - listed.length;
  return `_${cut.length} diff(s) not shown to keep this comment under the size limit (largest first): ${listed.map(code).join(', ')}${rest > 0 ? ` and ${rest} more` : ''}. Run \`flotilla plan\` locally for every diff._`;
}
