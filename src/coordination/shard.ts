/**
 * Which shard handles what: rendezvous (highest random weight) hashing, so every replica computes the same
 * answer from names alone, and changing the shard count moves only the keys that must move (those whose new
 * highest-scoring shard is one that was added or removed). Pure: no clock, no randomness, no I/O.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/** 32-bit FNV-1a over the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let h = FNV_OFFSET;
  for (const byte of utf8.encode(text)) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: FNV-1a alone lets similar inputs (shard 1 vs shard 2) score alike. */
function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** The shard (0 … shards−1) that scores `key` highest; ties go to the lower index. */
export function shardOf(key: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shard count must be a positive integer, got ${shards}`);
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i < shards; i++) {
    const score = avalanche(fnv1a32(`${i}\u0000${key}`));
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

/** The shard that observes, applies to and records a member cluster. */
export function clusterShard(cluster: string, shards: number): number {
  return shardOf(`cluster:${cluster}`, shards);
}

/**
 * The shard that owns a placement file: it writes the file's spec and conditions, and deletes the file when the
 * template goes. The path names the template (kind, namespace, name), so it is its identity.
 */
export function placementShard(placementPath: string, shards: number): number {
  return shardOf(`placement:${placementPath}`, shards);
}

/** What one replica handles during one pass: the shard count and the shards it holds now. */
export interface ShardAssignment {
  shards: number;
  held: ReadonlySet<number>;
}

export function ownsCluster(a: ShardAssignment, cluster: string): boolean {
  return a.held.has(clusterShard(cluster, a.shards));
}

export function ownsPlacement(a: ShardAssignment, placementPath: string): boolean {
  return a.held.has(placementShard(placementPath, a.shards));
}

export function describeAssignment(a: ShardAssignment): string {
  return a.held.size === 0 ? `no shard of ${a.shards}` : `shard${a.held.size > 1 ? 's' : ''} ${[...a.held].sort((x, y) => x - y).join(', ')} of ${a.shards}`;
}
