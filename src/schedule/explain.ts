/** Human-readable rendering of a PlacementExplanation (`flotilla why`, `flotilla schedule -o text`). */
import type { PlacementCluster } from '../model/fleet.js';
import { formatRef } from '../model/refs.js';
import { formatPolicyRef } from '../match/claim.js';
import { UNLIMITED_REPLICAS } from './estimate.js';
import { formatToleration } from './taints.js';
import type { ComponentExplanation, ConsideredToleration, DivisionExplanation, EvictionExplanation, PlacementExplanation, RankedCluster, SelectionExplanation, TermAttempt } from './types.js';

function clusterList(clusters: readonly PlacementCluster[]): string {
  return clusters.length === 0 ? 'none' : clusters.map((c) => `${c.name}=${c.replicas}`).join(', ');
}

const MATCH_WORDS = { Name: 'by name', LabelSelector: 'by label selector', All: 'by kind only', PreviousClaim: 'as the previous claimant' };

function rankedLine(c: RankedCluster, position: number, selected: ReadonlySet<string>): string {
  const parts = [`${position}. ${c.name}`, `score ${c.score}`];
  if (c.estimatedReplicas === UNLIMITED_REPLICAS) parts.push('available: not estimated (the template has no replicas)');
  else if (c.previousReplicas > 0) parts.push(`available ${c.availableReplicas} = ${c.estimatedReplicas} estimated + ${c.previousReplicas} already placed`);
  else parts.push(`available ${c.availableReplicas}`);
  if (c.estimatedReplicas !== UNLIMITED_REPLICAS) parts.push(`(limited by ${c.limitedBy})`);
  parts.push(selected.has(c.name) ? 'selected' : 'not selected');
  if (c.keptByPreviousPlacement.length > 0) parts.push(`[already placed here, so ${c.keptByPreviousPlacement.join(' and ')} does not apply]`);
  return parts.join('  ');
}

function requestList(requests: Record<string, string>): string {
  return Object.entries(requests).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
}

function componentLines(c: ComponentExplanation): string[] {
  const lines = [`components (GetComponents): ${c.note}`];
  for (const part of c.components) lines.push(`  ${part.name}: ${part.replicas} replica(s), each requesting ${requestList(part.requests)}`);
  lines.push(`  one set requests ${requestList(c.perSet)}${c.estimatedInSets ? '; "available" below counts complete sets' : ''}`);
  return lines;
}

function selectionLines(s: SelectionExplanation): string[] {
  const lines = [`selection: ${s.method}: ${s.reason}${s.availabilityConsidered ? '' : ' (capacity not considered)'}`];
  for (const r of s.regions ?? []) lines.push(`  region ${r.name}: score ${r.score}, clusters ${r.clusters.join(', ')}${r.chosen ? ', chosen' : ''}`);
  for (const w of s.swaps ?? []) lines.push(`  swapped ${w.in} in for ${w.out} (more available replicas)`);
  lines.push(`  selected: ${s.selected.length === 0 ? 'none' : s.selected.join(', ')}`);
  return lines;
}

function divisionLines(d: DivisionExplanation): string[] {
  const head = [`division: ${d.strategy}`];
  if (d.mode) head.push(d.mode);
  head.push(`${d.replicas} replicas`);
  const lines = [head.join(', ')];
  if (d.kept && d.kept.length > 0) lines.push(`  previous replicas kept: ${clusterList(d.kept)}`);
  if (d.forgotten && d.forgotten.length > 0) lines.push(`  previous replicas on clusters no longer selected (placed again): ${clusterList(d.forgotten)}`);
  if (d.weights) {
    const weights = d.weights.map((w) => `${w.name}=${w.weight}`).join(', ');
    lines.push(`  ${d.divided ?? d.replicas} divided by ${d.weightSource ?? 'weight'}: ${weights || 'none'}`);
  }
  if (d.availableTotal !== undefined) lines.push(`  total available: ${d.availableTotal}`);
  lines.push(`  result: ${clusterList(d.result)}`);
  return lines;
}

function termLines(t: TermAttempt): string[] {
  const name = t.affinityName !== undefined ? `term "${t.affinityName}"` : t.affinity ? 'clusterAffinity' : 'no cluster affinity (every cluster)';
  const lines = [`${name}: ${t.outcome}${t.failure ? `: ${t.failure}` : ''}`];
  const body: string[] = [];
  if (t.affinity) body.push(`affinity: ${JSON.stringify(t.affinity)}`);
  if (t.filtered.length > 0) {
    body.push(`filtered out (${t.filtered.length}):`);
    for (const f of t.filtered) body.push(`  ${f.name}: ${f.reasons.map((r) => `${r.rule}: ${r.detail}`).join('; ')}`);
  }
  if (t.ranking.length > 0) {
    body.push(`candidates in rank order (score, then available replicas, then name):`);
    const selected = new Set(t.selection?.selected ?? []);
    t.ranking.forEach((c, i) => body.push(`  ${rankedLine(c, i + 1, selected)}`));
  }
  if (t.selection) body.push(...selectionLines(t.selection));
  if (t.division) body.push(...divisionLines(t.division));
  return [...lines, ...body.map((l) => `  ${l}`)];
}

function tolerationLine(tolerations: readonly ConsideredToleration[]): string {
  const listed = tolerations.map((t) => `${formatToleration(t.toleration)}${t.defaulted ? ' (defaulted)' : ''}`);
  return `tolerations: ${listed.join(', ') || 'none'}`;
}

function evictionLine(e: EvictionExplanation): string {
  const replicas = e.task.replicas !== undefined ? `, ${e.task.replicas} replica(s)` : '';
  const mode = `purgeMode ${e.task.purgeMode}`;
  switch (e.state) {
    case 'Recorded': {
      const since = e.task.creationTimestamp ? ` since ${e.task.creationTimestamp}` : '';
      return `being evicted from ${e.cluster}${since} (${e.task.reason}, ${e.task.producer}${replicas}, ${mode}): not a candidate; the old copy is kept until the task is cleared${e.task.message ? `; ${e.task.message}` : ''}`;
    }
    case 'Evicted': {
      const by = e.replacedBy && e.replacedBy.length > 0 ? e.replacedBy.map((c) => `${c.name} +${c.replicas}`).join(', ') : 'no other cluster (the remaining clusters keep the template)';
      return `evicted from ${e.cluster} now: taint ${e.taint ?? '?'} (${e.taintOrigin ?? 'unknown origin'}) is not tolerated${replicas}, ${mode}; replaced by ${by}`;
    }
    case 'NotCarriedOut':
      return `eviction from ${e.cluster} not carried out: taint ${e.taint ?? '?'} (${e.taintOrigin ?? 'unknown origin'}) is not tolerated, but no other cluster can take the template: ${e.notCarriedOut ?? ''}`;
  }
}

export function formatExplanation(e: PlacementExplanation): string {
  const out: string[] = [];
  out.push(`${formatRef(e.resource)} (${e.file})`);
  const r = e.result;
  out.push(`result: ${r.reason}${r.message ? `: ${r.message}` : ''}`);
  out.push(`  clusters: ${clusterList(r.clusters)}`);
  out.push(`policy: ${e.policy.summary}`);
  for (const c of e.policy.candidates) {
    out.push(`  ${c.won ? '+' : '-'} ${formatPolicyRef(c.policy)} (${c.file}): priority ${c.priority}, ${MATCH_WORDS[c.match]}, preemption ${c.preemption}: ${c.reason}`);
  }
  for (const i of e.policy.invalidPolicies) out.push(`  ! invalid ${formatPolicyRef(i.policy)} (${i.file}) selects it ${MATCH_WORDS[i.match]}`);
  if (e.previous) {
    const term = e.previous.observedAffinityName !== undefined ? `, term "${e.previous.observedAffinityName}"` : '';
    const policy = e.previous.policy ? formatPolicyRef(e.previous.policy) : 'no policy';
    out.push(`previous placement: ${clusterList(e.previous.clusters)} (${policy}${term})`);
  } else {
    out.push('previous placement: none');
  }
  if (e.replicas) {
    out.push(`replicas: ${e.replicas.count} (${e.replicas.source}); per-pod requests: ${requestList(e.replicas.requests)}`);
    if (e.replicas.components) out.push(...componentLines(e.replicas.components));
  }
  if (e.strategy) out.push(`strategy: ${e.strategy}`);
  if (e.strategy) out.push(tolerationLine(e.tolerations));
  for (const ev of e.evictions) out.push(evictionLine(ev));
  if (e.steady) out.push(`not scheduled again: ${e.steady}`);
  if (e.rebalancedNow && e.rebalancedNow.length > 0) out.push(`scheduled afresh for WorkloadRebalancer ${e.rebalancedNow.join(', ')} (previous placement ignored)`);
  if (e.skippedTerms.length > 0) out.push(`terms not retried (the scheduler never moves back by itself): ${e.skippedTerms.join(', ')}`);
  for (const t of e.terms) out.push(...termLines(t));
  for (const l of e.requiredBy) {
    out.push(`required by ${formatRef(l.resource)} (propagateDeps) on ${l.clusters.join(', ') || 'no clusters'}`);
  }
  if (e.dependencies.length > 0) out.push(`dependencies placed along (propagateDeps): ${e.dependencies.map(formatRef).join(', ')}`);
  if (e.suspendedClusters.length > 0) out.push(`dispatching suspended on: ${e.suspendedClusters.join(', ')}`);
  return `${out.join('\n')}\n`;
}
