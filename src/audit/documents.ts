/**
 * One fleet file read on its own, as the loader reads it: history looks at the files a commit changed, one side
 * at a time, and must never fail on a file someone damaged by hand (its problems are returned instead).
 */
import { parseDocument } from 'yaml';
import { loadFleet } from '../load/index.js';
import type { ClusterDef, ClusterStatus, Fleet, OverridePolicyDoc, PlacementRecord, PropagationPolicyDoc, ResourceTemplate } from '../model/fleet.js';
import type { Taint } from '../model/kube.js';
import type { Problem } from '../model/problem.js';

export interface FileContents {
  path: string;
  content: Uint8Array;
}

/** What one file holds, whatever its directory; the lists are empty for the other roles. */
export interface FileDocuments {
  templates: ResourceTemplate[];
  policies: PropagationPolicyDoc[];
  overrides: OverridePolicyDoc[];
  clusters: ClusterDef[];
  placement: PlacementRecord | undefined;
  clusterStatus: ClusterStatus | undefined;
  /** `status.taints` of a ClusterStatus, when the controller records them there. */
  statusTaints: Taint[];
  errors: Problem[];
}

export function readDocuments(file: FileContents): FileDocuments {
  const fleet: Fleet = loadFleet([file]);
  return {
    templates: fleet.templates,
    policies: fleet.propagationPolicies,
    overrides: fleet.overridePolicies,
    clusters: fleet.clusters,
    placement: [...fleet.placements.values()][0],
    clusterStatus: [...fleet.clusterStatuses.values()][0],
    statusTaints: file.path.startsWith('status/clusters/') ? statusTaints(file.content) : [],
    errors: fleet.errors,
  };
}

/**
 * `status.taints` of a ClusterStatus file (the taints ClusterTaintPolicies put on the cluster), read leniently for
 * history: unlike the loader, which refuses a status file with a malformed taint, this keeps the well-formed ones.
 */
export function statusTaints(content: Uint8Array): Taint[] {
  try {
    const doc = parseDocument(new TextDecoder().decode(content));
    if (doc.errors.length > 0) return [];
    const js = doc.toJS({ maxAliasCount: 10 }) as { status?: { taints?: unknown } } | null;
    const raw = js?.status?.taints;
    if (!Array.isArray(raw)) return [];
    return raw.filter(isTaint).map((t) => ({ key: t.key, ...(typeof t.value === 'string' && t.value ? { value: t.value } : {}), effect: t.effect }));
  } catch {
    return [];
  }
}

function isTaint(t: unknown): t is Taint {
  const o = t as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o.key === 'string' && ['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(o.effect as string);
}

export function formatTaint(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}
