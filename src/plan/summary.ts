/** Pieces every plan output shares. */
import type { Problem } from '../model/problem.js';
import { compareStrings } from '../model/refs.js';
import type { ObjectDiff, PlacementChange, PlanResult } from './types.js';

/** `member1 2→1, member3 0→1`: every cluster whose replica count differs (0 where the resource is absent). */
export function replicaMoves(change: PlacementChange): string {
  const before = new Map(change.before.map((c) => [c.name, c.replicas]));
  const after = new Map(change.after.map((c) => [c.name, c.replicas]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort(compareStrings);
  return names
    .filter((n) => before.get(n) !== after.get(n))
    .map((n) => `${n} ${before.get(n) ?? 0}→${after.get(n) ?? 0}`)
    .join(', ');
}

export const shortRevision = (rev: string): string => (/^[0-9a-f]{40,64}$/.test(rev) ? rev.slice(0, 12) : rev);

/** `keys data.password changed; data.token added` for a Secret; '' otherwise. */
export function secretSummary(d: ObjectDiff): string {
  const k = d.secretKeys;
  if (!k) return '';
  const parts = (['added', 'changed', 'removed'] as const).filter((w) => k[w].length > 0).map((w) => `${k[w].join(', ')} ${w}`);
  return parts.length > 0 ? `Secret keys: ${parts.join('; ')} (values not shown)` : 'Secret values unchanged (values not shown)';
}

/** The JSON contract: base, head, placements, clusters (with their diffs), errors, plus warnings. */
export function planJson(plan: PlanResult): unknown {
  const ref = (r: { apiVersion: string; kind: string; namespace: string; name: string }) => ({ apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace, name: r.name });
  return {
    base: plan.base,
    head: plan.head,
    placements: plan.placements.map((p) => ({ resource: ref(p.resource), before: p.before, after: p.after })),
    clusters: plan.clusters.map((c) => ({
      name: c.name,
      added: c.added.map(ref),
      changed: c.changed.map(ref),
      removed: c.removed.map(ref),
      diffs: c.diffs.map((d) => ({ resource: ref(d.resource), change: d.change, diff: d.diff, ...(d.secretKeys ? { secretKeys: d.secretKeys } : {}) })),
    })),
    errors: plan.errors.map((e: Problem) => ({ file: e.file, line: e.line, column: e.column, message: e.message })),
    warnings: plan.warnings.map((w) => ({ kind: w.kind, message: w.message, ...(w.cluster ? { cluster: w.cluster } : {}), ...(w.resource ? { resource: ref(w.resource) } : {}) })),
  };
}
