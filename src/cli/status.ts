/** `flotilla status`: the fleet at a glance, from the status files at a revision (docs/cli.md#flotilla-status). */
import { Option, type Command } from '@commander-js/extra-typings';
import { clustersByUrgency, fleetStatus, placementsByUrgency, type ClusterRow, type PlacementRow } from '../audit/fleet-status.js';
import { statusTaints } from '../audit/documents.js';
import { loadFleet } from '../load/index.js';
import type { FleetFile } from '../model/fleet.js';
import { compareProblems, formatProblem } from '../model/problem.js';
import { formatRef } from '../model/refs.js';
import { parseInventory } from '../record/status-files.js';
import { pathArgument, readFleetFiles, revisionArgument } from './fleet-source.js';
import { setExitCode } from './exit-code.js';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('clusters and placements as the status files record them, unhealthy first')
    .addOption(new Option('--repo <dir>', 'fleet repository directory').default('.').argParser(pathArgument('--repo')))
    .addOption(new Option('--ref <ref>', 'read the status files at this commit instead of the working tree').argParser(revisionArgument('--ref')))
    .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (opts, cmd) => {
      const files = await readFleetFiles(opts);
      // Desired-state files other than clusters/ do not change what the status says; their errors are validate's.
      const relevant = files.filter((f) => f.path.startsWith('clusters/') || f.path === 'fleet.yaml' || (f.path.startsWith('status/') && !f.path.startsWith('status/inventory/')));
      const fleet = loadFleet(relevant);
      const report = fleetStatus(fleet, { statusTaints: taintsByCluster(files), inventories: inventoryCounts(files) });
      const errors = [...fleet.errors].sort(compareProblems);
      if (opts.output === 'json') console.log(JSON.stringify({ ...report, errors }, null, 2));
      else {
        for (const p of errors) console.error(`error: ${formatProblem(p)}`);
        console.log(formatStatus(report.clusters, report.placements));
      }
      if (errors.length > 0) setExitCode(cmd, 1);
    });
}

function taintsByCluster(files: FleetFile[]) {
  const out = new Map<string, ReturnType<typeof statusTaints>>();
  for (const f of files) {
    const m = /^status\/clusters\/([^/]+)\.ya?ml$/.exec(f.path);
    if (m) out.set(m[1]!, statusTaints(f.content));
  }
  return out;
}

function inventoryCounts(files: FleetFile[]) {
  const out = new Map<string, { objects: number; pending: number }>();
  for (const f of files) {
    const m = /^status\/inventory\/([^/]+)\.ya?ml$/.exec(f.path);
    const inv = m ? parseInventory(m[1]!, f.content) : undefined;
    if (inv) out.set(inv.cluster, { objects: inv.entries.length, pending: inv.entries.filter((e) => e.pending).length });
  }
  return out;
}

/** Two tables, worst rows first, so the trouble is on the first lines. */
export function formatStatus(clusters: readonly ClusterRow[], placements: readonly PlacementRow[]): string {
  const clusterLines = clustersByUrgency(clusters).map((c) => [
    c.name,
    c.ready ? (c.ready.status === 'True' ? 'Ready' : `${c.ready.status === 'False' ? 'NotReady' : 'Unknown'} (${c.ready.reason})`) : 'never observed',
    c.ready?.since ?? '-',
    c.kubernetesVersion ?? '-',
    c.nodes ? `${c.nodes.ready}/${c.nodes.total}` : '-',
    c.capacity ? capacity(c.capacity) : '-',
    c.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(',') || '-',
  ]);
  const placementLines = placementsByUrgency(placements).map((p) => [
    formatRef(p.resource),
    p.scheduled?.status === 'False' ? `${p.scheduled.reason}` : (p.health ?? 'Unknown'),
    p.clusters.map((c) => `${c.name}:${c.replicas ?? '-'}${c.health && c.health !== 'Healthy' ? `(${c.health})` : ''}${c.drift ? '(drift)' : ''}`).join(' ') || '-',
    p.policy ? `${p.policy.kind}/${p.policy.namespace ? `${p.policy.namespace}/` : ''}${p.policy.name}` : '(no policy)',
    firstProblem(p),
  ]);
  return [
    table(['CLUSTER', 'READY', 'SINCE', 'VERSION', 'NODES', 'CPU/MEM/PODS USED', 'TAINTS'], clusterLines),
    '',
    table(['RESOURCE', 'HEALTH', 'CLUSTERS', 'POLICY', 'MESSAGE'], placementLines),
  ].join('\n');
}

function capacity(c: NonNullable<ClusterRow['capacity']>): string {
  return ['cpu', 'memory', 'pods'].map((k) => `${c.allocated[k] ?? '0'}/${c.allocatable[k] ?? '?'}`).join(' ');
}

function firstProblem(p: PlacementRow): string {
  if (p.scheduled?.status === 'False' && p.scheduled.message) return p.scheduled.message;
  const c = p.clusters.find((x) => x.message);
  return c ? `${c.name}: ${c.message}` : '';
}

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return `${header[0]}: none recorded`;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
