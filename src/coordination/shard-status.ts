/**
 * What a shard writes under status/. Cluster status files and inventories belong to one cluster, hence to one
 * shard, and are written (and deleted) by it alone. A placement file spans the clusters of several shards, so
 * every shard merges into the file as it is at the commit it builds on:
 *
 * - the placement's owner shard (placementShard of its path) writes the spec and conditions, and deletes the
 *   file when its template is gone; other shards keep those parts as they are (and create the file, from their
 *   own identical decision, only when it does not exist yet);
 * - each shard writes the `status.clusters` entries of its own clusters and keeps the others' entries;
 * - `status.aggregated` needs every member's live object: it is written in full by the shard holding all the
 *   placement's clusters; when they are spread over shards it is the worst of the recorded entries' health.
 *
 * The merge is redone on the new tip when a push races another shard's, so no shard ever clobbers another's
 * entries (FleetRepository.commitStatus calls back with the new parent).
 */
import { worstHealth } from '../health/index.js';
import type { HealthStatus } from '../model/fleet.js';
import { statusWrites } from '../record/index.js';
import { readStatusDocument, toStatusYaml } from '../record/status-files.js';
import { sortKeys } from '../util/canonical.js';
import type { PassMemo } from '../util/pass-memo.js';
import { clusterShard, ownsCluster, ownsPlacement, type ShardAssignment } from './shard.js';

const CLUSTERS = 'status/clusters/';
const INVENTORY = 'status/inventory/';
const PLACEMENTS = 'status/placements/';

export interface PlacementDoc {
  spec?: { clusters?: { name: string }[] };
  status?: { clusters?: ClusterEntry[]; aggregated?: Record<string, unknown> };
}

interface ClusterEntry {
  name: string;
  applied?: boolean;
  health?: HealthStatus;
}

/**
 * The writes that bring this shard's part of status/ from `current` to `wanted` (everything the pass would write
 * were it alone). Files of other shards' clusters are neither written nor deleted. `merges` remembers merged
 * placement files: in a quiet fleet both sides of nearly every merge are the same as last pass.
 */
export function shardStatusWrites(
  current: ReadonlyMap<string, Uint8Array>,
  wanted: ReadonlyMap<string, string>,
  shard: ShardAssignment,
  reuse: { merges?: PassMemo<string | undefined>; wantedDoc?: (path: string) => unknown } = {},
): { path: string; content: Uint8Array | null }[] {
  const { merges, wantedDoc } = reuse;
  const held = [...shard.held].sort((a, b) => a - b).join(',');
  const mine = new Map<string, string>();
  const dec = new TextDecoder();
  for (const [path, content] of wanted) {
    if (!path.startsWith(PLACEMENTS)) {
      if (ownsFile(shard, path)) mine.set(path, content);
      continue;
    }
    const bytes = current.get(path);
    const existing = bytes === undefined ? undefined : dec.decode(bytes);
    const owner = ownsPlacement(shard, path);
    const merge = () => mergePlacement(existing, (wantedDoc?.(path) as PlacementDoc | undefined) ?? content, shard, owner);
    // The key holds everything the merge reads: both texts and which shards this replica holds.
    const merged = merges ? merges.get(path, `${shard.shards}/${held}/${owner}\u0000${existing ?? '\u0001'}\u0000${content}`, merge) : merge();
    if (merged !== undefined) mine.set(path, merged);
  }
  // A file this shard does not own counts as wanted as it is, so statusWrites never deletes it.
  const kept = new Map(mine);
  for (const [path, content] of current) {
    if (kept.has(path)) continue;
    const owned = path.startsWith(PLACEMENTS) ? ownsPlacement(shard, path) : ownsFile(shard, path);
    if (!owned) kept.set(path, dec.decode(content));
  }
  return statusWrites(new Map(current), kept, [CLUSTERS, PLACEMENTS]);
}

/** Cluster status files and inventories are named after their cluster. */
function ownsFile(shard: ShardAssignment, path: string): boolean {
  for (const prefix of [CLUSTERS, INVENTORY]) {
    if (path.startsWith(prefix) && path.endsWith('.yaml')) return ownsCluster(shard, path.slice(prefix.length, -'.yaml'.length));
  }
  return true;
}

/**
 * One placement file merged from the file at the parent commit (`existing`) and what this shard computed
 * (`computed`, as text or as the document it was written from). undefined when this shard has nothing to add.
 */
export function mergePlacement(existing: string | undefined, computed: string | PlacementDoc, shard: ShardAssignment, owner: boolean): string | undefined {
  const ours = typeof computed === 'string' ? ((readStatusDocument('placement', computed) ?? {}) as PlacementDoc) : computed;
  const theirs = existing === undefined ? undefined : (readStatusDocument('placement', existing) as PlacementDoc | undefined);
  const base = owner || !theirs ? ours : theirs;
  const names = (base.spec?.clusters ?? []).map((c) => c.name);
  if (!owner && theirs && !names.some((n) => ownsCluster(shard, n))) return undefined;
  const ourEntries = new Map((ours.status?.clusters ?? []).map((e) => [e.name, e]));
  const theirEntries = new Map((theirs?.status?.clusters ?? []).map((e) => [e.name, e]));
  const entries = names.map((n) => (ownsCluster(shard, n) ? ourEntries.get(n) : theirEntries.get(n)) ?? ourEntries.get(n)).filter((e): e is ClusterEntry => e !== undefined);
  const merged: PlacementDoc = structuredClone(base);
  if (entries.length > 0 || merged.status?.clusters) {
    merged.status = { ...merged.status, clusters: entries };
    const aggregated = aggregatedFor(names, entries, shard, ours.status?.aggregated, theirs?.status?.aggregated);
    if (aggregated) merged.status.aggregated = aggregated;
    else delete merged.status.aggregated;
  }
  return toStatusYaml(merged);
}

function aggregatedFor(names: string[], entries: ClusterEntry[], shard: ShardAssignment, ours: Record<string, unknown> | undefined, theirs: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (names.length === 0) return ours;
  if (names.every((n) => ownsCluster(shard, n))) return ours;
  const owners = new Set(names.map((n) => clusterShard(n, shard.shards)));
  if (owners.size === 1) return theirs;
  return sortKeys({ health: worstHealth(entries.map((e) => (e.applied === false ? worstHealth([e.health ?? 'Unknown', 'Missing']) : (e.health ?? 'Unknown')))) });
}
