/**
 * Step 5 of a pass, and the write-ahead record before step 3: what goes into the status commits. Pure: the
 * files wanted under status/ and the commit messages, from plain data.
 */
import type { ChangeSet } from '../apply/apply-cluster.js';
import type { ClusterStatus } from '../model/fleet.js';
import type { PlacementDecision } from '../model/placement.js';
import { formatProblem, problemAt, type Problem, type SourceLocation } from '../model/problem.js';
import { formatRef, identityKey } from '../model/refs.js';
import { clusterStatusFile, inventoryFile, OBSERVED_TRAILER, placementFile, rebalancerStatusFile, statusWrites, type Inventory, type PlacementObservation, type StatusYaml } from '../record/index.js';
import type { RebalancerOutcome } from '../schedule/index.js';

/** The status/ subtrees a pass rewrites as a whole: a file it no longer wants there is deleted. */
export const OWNED_STATUS_PREFIXES = ['status/clusters/', 'status/placements/', 'status/rebalancers/'];

export interface StatusInputs {
  clusters: { name: string; status: ClusterStatus }[];
  decisions: PlacementDecision[];
  observations: ReadonlyMap<string, PlacementObservation>;
  inventories: Inventory[];
  /** Where each template was written, to point a problem at it. */
  sources: ReadonlyMap<string, SourceLocation>;
  rebalancers?: readonly RebalancerOutcome[];
}

/**
 * Every status file the pass wants, by path. A decision whose file cannot be written (a name no file path can
 * hold) is a Problem, and the rest of the fleet is still recorded. `toYaml` writes placement files and inventories
 * (thousands of entries in a large fleet, most of them unchanged from one pass to the next).
 */
export function wantedStatusFiles(inputs: StatusInputs, problems: Problem[], toYaml?: StatusYaml): Map<string, string> {
  const wanted = new Map<string, string>();
  const put = (f: { path: string; content: string }) => wanted.set(f.path, f.content);
  for (const c of inputs.clusters) put(clusterStatusFile(c.name, c.status));
  for (const d of inputs.decisions) {
    if (!d.policy && d.clusters.length === 0) continue;
    try {
      put(placementFile(d, inputs.observations.get(identityKey(d.resource)), toYaml));
    } catch (err) {
      const at = inputs.sources.get(identityKey(d.resource)) ?? { file: 'status/placements', line: 1, column: 1 };
      problems.push(problemAt(at, `cannot record the placement of ${formatRef(d.resource)}: ${(err as Error).message}`));
    }
  }
  for (const inv of inputs.inventories) put(inventoryFile(inv, toYaml));
  for (const r of inputs.rebalancers ?? []) {
    try {
      put(rebalancerStatusFile(r));
    } catch (err) {
      problems.push(problemAt({ file: 'status/rebalancers', line: 1, column: 1 }, `cannot record WorkloadRebalancer ${r.name}: ${(err as Error).message}`));
    }
  }
  return wanted;
}

export function statusCommitMessage(
  tip: string,
  observed: string,
  writes: { path: string; content: Uint8Array | null }[],
  clusters: { name: string; ready: boolean; reason: string; changeSet?: ChangeSet }[],
  notices: string[],
  problems: Problem[],
  timeline: readonly string[] = [],
): string {
  const count = (prefix: string) => writes.filter((w) => w.path.startsWith(prefix)).length;
  const parts = [plural(count('status/clusters/'), 'cluster'), plural(count('status/placements/'), 'placement')].filter(Boolean);
  if (parts.length === 0) parts.push('inventory');
  // A failover step leads the message: `git log` is the incident's timeline.
  const subject = timeline.length > 0 ? `flotilla: ${timeline[0]!.trim()}` : `flotilla: status of ${tip.slice(0, 7)} (${parts.join(', ')})`;
  const lines = [subject, ''];
  if (timeline.length > 0) lines.push(...timeline, `(status of ${tip.slice(0, 7)}: ${parts.join(', ')})`, '');
  for (const c of clusters) {
    const counts = new Map<string, number>();
    for (const e of c.changeSet?.entries ?? []) if (e.action !== 'unchanged') counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
    const summary = [...counts].map(([a, n]) => `${n} ${a}`).join(', ');
    lines.push(`${c.name}: ${c.ready ? 'Ready' : `NotReady (${c.reason})`}${summary ? `; ${summary}` : ''}`);
  }
  for (const n of notices) lines.push(`! ${n}`);
  if (problems.length > 0) lines.push(`! ${problems.length} problem(s) in the fleet; first: ${formatProblem(problems[0]!)}`);
  lines.push('', `${OBSERVED_TRAILER}: ${observed}`);
  return lines.join('\n');
}

/** The message of a write-ahead inventory commit: which clusters are about to get how many new objects. */
export function intentCommitMessage(tip: string, observed: string, intents: { inventory: Inventory; creating: number }[]): string {
  const lines = [`flotilla: about to create objects at ${tip.slice(0, 7)}`, ''];
  for (const i of intents) lines.push(`${i.inventory.cluster}: ${i.creating} new object(s) recorded as pending before they are applied`);
  lines.push('', `${OBSERVED_TRAILER}: ${observed}`);
  return lines.join('\n');
}

function plural(n: number, word: string): string {
  return n === 0 ? '' : `${n} ${word}${n > 1 ? 's' : ''}`;
}

export { statusWrites };
