/**
 * One identity, one definition: duplicates among clusters, policies and status records are reported with every
 * place they are written, and resolved so that nothing ambiguous changes a cluster.
 */
import type { ClusterDef, ClusterStatus, ClusterTaintPolicyDoc, InvalidPolicyDoc, OverridePolicyDoc, PlacementRecord, PropagationPolicyDoc, WorkloadRebalancerDoc } from '../../model/fleet.js';
import { compareProblems, type Problem, type SourceLocation } from '../../model/problem.js';
import { compareStrings, identityKey } from '../../model/refs.js';
import type { InvalidOverrideRef, PolicyOutcome } from './load-policy.js';
import { copyPositions } from '../parse/locate-field.js';
import type { ProblemSink } from './problems.js';

export interface PolicyEntry {
  kind: string;
  namespace: string;
  name: string;
  source: SourceLocation;
  outcome: PolicyOutcome;
}

export function compareSource(a: SourceLocation, b: SourceLocation): number {
  return compareStrings(a.file, b.file) || a.line - b.line || a.column - b.column;
}

export function where(s: SourceLocation): string {
  return `${s.file}:${s.line}:${s.column}`;
}

/** Sorted by name; of two clusters with one name the first (by file and line) is kept: dropping both would move every workload. */
export function settleClusters(clusters: readonly ClusterDef[], sink: ProblemSink): ClusterDef[] {
  const sorted = [...clusters].sort((a, b) => compareStrings(a.name, b.name) || compareSource(a.source, b.source));
  const out: ClusterDef[] = [];
  for (const group of groupBy(sorted, (c) => c.name)) {
    if (group.length > 1) {
      for (const c of group) {
        const others = group.filter((o) => o !== c).map((o) => where(o.source)).join(', ');
        sink.error(c.source, `Cluster ${c.name} is defined more than once (also at ${others}); only the first, ${where(group[0]!.source)}, is used`);
      }
    }
    out.push(group[0]!);
  }
  return out;
}

export interface SettledPolicies {
  propagationPolicies: PropagationPolicyDoc[];
  invalidPolicies: InvalidPolicyDoc[];
  invalidOverrides: InvalidOverrideRef[];
  overridePolicies: OverridePolicyDoc[];
  clusterTaintPolicies: ClusterTaintPolicyDoc[];
  workloadRebalancers: WorkloadRebalancerDoc[];
}

/**
 * Sorted by kind, namespace and name. Duplicates are all unused; duplicate propagation policies are kept as
 * invalid so that the resources they select keep their placement.
 */
export function settlePolicies(policies: readonly PolicyEntry[], sink: ProblemSink): SettledPolicies {
  const key = (p: PolicyEntry): string => `${p.kind}/${p.namespace}/${p.name}`;
  const sorted = [...policies].sort(
    (a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name) || compareSource(a.source, b.source),
  );
  const propagationPolicies: PropagationPolicyDoc[] = [];
  const invalidPolicies: InvalidPolicyDoc[] = [];
  const overridePolicies: OverridePolicyDoc[] = [];
  const invalidOverrides: InvalidOverrideRef[] = [];
  const clusterTaintPolicies: ClusterTaintPolicyDoc[] = [];
  const workloadRebalancers: WorkloadRebalancerDoc[] = [];
  for (const group of groupBy(sorted, key)) {
    const duplicated = group.length > 1;
    for (const entry of group) {
      if (duplicated) {
        const others = group.filter((o) => o !== entry).map((o) => where(o.source)).join(', ');
        const ref = `${entry.kind} ${entry.namespace ? `${entry.namespace}/` : ''}${entry.name}`;
        sink.error(entry.source, `${ref} is defined more than once (also at ${others}); none of the definitions is used`);
      }
      const o = entry.outcome;
      if (o.type === 'invalid-propagation') invalidPolicies.push(o.doc);
      else if (o.type === 'propagation') {
        if (duplicated) {
          const invalid: InvalidPolicyDoc = { kind: o.doc.kind, name: o.doc.name, namespace: o.doc.namespace, resourceSelectors: o.doc.spec.resourceSelectors, source: o.doc.source };
          copyPositions(o.doc, invalid);
          invalidPolicies.push(invalid);
        }
        else propagationPolicies.push(o.doc);
      } else if (o.type === 'override') {
        if (duplicated) invalidOverrides.push({ kind: o.doc.kind, name: o.doc.name, namespace: o.doc.namespace, resourceSelectors: o.doc.spec.resourceSelectors?.length ? o.doc.spec.resourceSelectors : null, source: o.doc.source });
        else overridePolicies.push(o.doc);
      } else if (o.type === 'invalid-override') invalidOverrides.push(o.doc);
      else if (o.type === 'taint' && !duplicated) clusterTaintPolicies.push(o.doc);
      else if (o.type === 'rebalancer' && !duplicated) workloadRebalancers.push(o.doc);
    }
  }
  return { propagationPolicies, invalidPolicies, overridePolicies, invalidOverrides, clusterTaintPolicies: withoutSharedTaints(clusterTaintPolicies, sink), workloadRebalancers };
}

/**
 * Karmada's webhook refuses a ClusterTaintPolicy whose taint (key and effect) another policy already manages: two
 * policies would add and remove it in turn. A repository has no "first", so every policy involved is left out.
 */
function withoutSharedTaints(policies: ClusterTaintPolicyDoc[], sink: ProblemSink): ClusterTaintPolicyDoc[] {
  const owners = new Map<string, ClusterTaintPolicyDoc[]>();
  for (const p of policies) {
    for (const t of p.spec.taints) {
      const id = `${t.key}:${t.effect}`;
      const list = owners.get(id) ?? [];
      if (!list.includes(p)) list.push(p);
      owners.set(id, list);
    }
  }
  const conflicted = new Set<ClusterTaintPolicyDoc>();
  for (const [id, list] of owners) {
    if (list.length < 2) continue;
    for (const p of list) {
      const others = list.filter((o) => o !== p).map((o) => `${o.name} (${where(o.source)})`).join(', ');
      sink.error(p.source, `ClusterTaintPolicy ${p.name}: taint ${id} is also managed by ClusterTaintPolicy ${others}; a taint may belong to one policy only, so none of them is used`);
      conflicted.add(p);
    }
  }
  return policies.filter((p) => !conflicted.has(p));
}

/** Keyed by cluster name, in name order; a cluster with two status files has none. */
export function settleStatuses(statuses: readonly { cluster: string; status: ClusterStatus; source: SourceLocation }[], sink: ProblemSink): Map<string, ClusterStatus> {
  const sorted = [...statuses].sort((a, b) => compareStrings(a.cluster, b.cluster) || compareSource(a.source, b.source));
  const out = new Map<string, ClusterStatus>();
  for (const group of groupBy(sorted, (s) => s.cluster)) {
    if (group.length > 1) {
      for (const s of group) sink.error(s.source, `status of cluster ${s.cluster} is written more than once (${group.map((o) => o.source.file).join(', ')}); none is used`);
      continue;
    }
    out.set(group[0]!.cluster, group[0]!.status);
  }
  return out;
}

/** Keyed by identityKey(resource), in key order; a resource with two records has none. */
export function settlePlacements(placements: readonly { record: PlacementRecord; source: SourceLocation }[], sink: ProblemSink): Map<string, PlacementRecord> {
  const keyed = placements.map((p) => ({ ...p, key: identityKey(p.record.resource) }));
  keyed.sort((a, b) => compareStrings(a.key, b.key) || compareSource(a.source, b.source));
  const out = new Map<string, PlacementRecord>();
  for (const group of groupBy(keyed, (p) => p.key)) {
    if (group.length > 1) {
      for (const p of group) sink.error(p.source, `placement of ${p.key} is recorded more than once (${group.map((o) => o.source.file).join(', ')}); none is used`);
      continue;
    }
    out.set(group[0]!.key, group[0]!.record);
  }
  return out;
}

/** Runs of equal keys in an already sorted list. */
export function groupBy<T>(sorted: readonly T[], key: (item: T) => string): T[][] {
  const out: T[][] = [];
  let last: string | undefined;
  for (const item of sorted) {
    const k = key(item);
    if (out.length > 0 && k === last) out[out.length - 1]!.push(item);
    else out.push([item]);
    last = k;
  }
  return out;
}

/** Sorted by file, line and column; the same finding twice is reported once. */
export function uniqueProblems(problems: Problem[]): Problem[] {
  const sorted = [...problems].sort(compareProblems);
  return sorted.filter((p, i) => {
    const prev = sorted[i - 1];
    return !prev || compareProblems(prev, p) !== 0;
  });
}

