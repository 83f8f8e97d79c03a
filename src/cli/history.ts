/** `flotilla history`: the audit log read from Git (docs/cli.md#flotilla-history). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from '@commander-js/extra-typings';
import { buildHistory, type HistoryEntry, type HistoryQuery } from '../audit/history.js';
import type { PlacementChange } from '../audit/status-diff.js';
import { BOT_IDENTITY, FleetRepository } from '../git/repo.js';
import { walkFirstParent } from '../git/history-walk.js';
import { loadFleet } from '../load/index.js';
import { UsageError } from '../model/errors.js';
import { formatProblem } from '../model/problem.js';
import { formatRef } from '../model/refs.js';
import { cacheRoot } from '../util/cache-dir.js';
import { parseWhyTarget } from './fleet.js';
import { pathArgument, revisionArgument } from './fleet-source.js';

export function registerHistoryCommand(program: Command): void {
  program
    .command('history')
    .description('the audit log: desired-state and status commits, for one resource, one cluster or the whole fleet')
    .argument('[kind/name]', 'a resource, e.g. deployment/web or Deployment.apps/web')
    .option('-n, --namespace <ns>', 'namespace of the resource', 'default')
    .option('--cluster <name>', 'what happened to one cluster: Ready, taints, what moved on and off it')
    .option('--since <date>', 'stop at commits older than this ISO date (e.g. 2025-01-31 or 2025-01-31T12:00:00Z)', parseSince)
    .addOption(new Option('--repo <dir>', 'fleet repository (a Git repository)').default('.').argParser(pathArgument('--repo')))
    .addOption(new Option('--ref <ref>', 'walk back from this commit (default HEAD)').argParser(revisionArgument('--ref')))
    .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (target, opts) => {
      if (target && opts.cluster) throw new UsageError('give either a resource or --cluster, not both');
      const query: HistoryQuery = target
        ? { kind: 'resource', target: { ...parseWhyTarget(target), namespace: opts.namespace } }
        : opts.cluster
          ? { kind: 'cluster', name: opts.cluster }
          : { kind: 'fleet' };
      const dir = resolve(opts.repo);
      if (!existsSync(dir)) throw new UsageError(`--repo ${opts.repo}: no such directory`);
      const repo = await FleetRepository.open({ source: dir, branch: 'main', cacheDir: cacheRoot() }).catch((err: Error) => {
        throw new UsageError(`history needs a Git repository: ${err.message}`);
      });
      const tip = await repo.resolve(opts.ref ?? 'HEAD');
      const walk = await walkFirstParent(repo, tip, { since: opts.since === undefined ? undefined : opts.since / 1000, botName: BOT_IDENTITY.name });
      const templatesAtTip = query.kind === 'resource' ? loadFleet([...(await repo.readPrefix(tip, 'workloads'))].map(([path, content]) => ({ path, content }))).templates : [];
      const result = await buildHistory({ query, ...walk, botName: BOT_IDENTITY.name, templatesAtTip, readBlob: (oid) => repo.readBlob(oid) });
      const since = opts.since === undefined ? null : new Date(opts.since).toISOString();
      const scope = query.kind === 'resource' ? { resource: result.resource } : query.kind === 'cluster' ? { cluster: query.name } : {};
      if (opts.output === 'json') console.log(JSON.stringify({ ref: tip, since, ...scope, commits: result.entries, warnings: result.warnings }, null, 2));
      else {
        for (const w of result.warnings) console.error(`warning: ${formatProblem(w)}`);
        console.log(formatHistory(result.entries, query));
      }
    });
}

/** An ISO date or date-time; a date alone means its start in UTC. Returns milliseconds since the epoch. */
function parseSince(value: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
  const ms = iso.test(value) ? Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--since ${JSON.stringify(value)}: expected an ISO date such as 2025-01-31 or 2025-01-31T12:00:00Z`);
  return ms;
}

export function formatHistory(entries: readonly HistoryEntry[], query: HistoryQuery): string {
  if (entries.length === 0) return query.kind === 'fleet' ? 'no commits' : 'no changes in this history';
  const lines: string[] = [];
  for (const e of entries) {
    const head = `${e.commit.slice(0, 7)} ${e.date.slice(0, 16).replace('T', ' ')} ${e.type.padEnd(7)} ${e.author.name}: ${e.subject}`;
    lines.push(e.summary !== undefined ? `${head}  [${e.summary}]` : head);
    if (e.observed) lines.push(`    observed ${e.observed.slice(0, 7)}`);
    for (const c of e.changes ?? []) lines.push(`    ${c.what} ${c.change}: ${c.file}${c.policy ? ` (${c.policy.kind}/${c.policy.namespace ? `${c.policy.namespace}/` : ''}${c.policy.name})` : ''}`);
    if (e.placement) lines.push(...placementLines(e.placement));
    if (e.ready) lines.push(`    Ready ${condition(e.ready.before)} → ${condition(e.ready.after)}`);
    for (const t of e.taints ?? []) lines.push(`    taints (${t.source}): ${[...t.added.map((x) => `+${x}`), ...t.removed.map((x) => `-${x}`)].join(' ')}`);
    for (const m of e.moved ?? []) lines.push(`    ${formatRef(m.resource)}: ${m.before ?? 'off'} → ${m.after ?? 'off'}`);
  }
  return lines.join('\n');
}

function placementLines(p: PlacementChange): string[] {
  const where = (cs: PlacementChange['before']) => (cs === null ? '(none)' : cs.map((c) => `${c.name}:${c.replicas}`).join(' ') || '-');
  const out: string[] = [];
  if (JSON.stringify(p.before) !== JSON.stringify(p.after)) out.push(`    clusters ${where(p.before)} → ${where(p.after)}`);
  if (p.scheduled) out.push(`    Scheduled ${condition(p.scheduled.before)} → ${condition(p.scheduled.after)}`);
  if (p.aggregated) out.push(`    health ${p.aggregated.before ?? '-'} → ${p.aggregated.after ?? '-'}`);
  for (const h of p.health) out.push(`    ${h.cluster}: ${h.before ?? '-'} → ${h.after ?? '-'}${h.message ? `  ${h.message}` : ''}`);
  return out;
}

function condition(c: { status: string; reason: string } | null): string {
  return c ? `${c.status}${c.reason ? ` (${c.reason})` : ''}` : '-';
}
