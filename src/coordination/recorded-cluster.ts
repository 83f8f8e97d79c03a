/**
 * Another shard's cluster, as the commit records it: scheduled with, never probed or written by this shard, so
 * every shard schedules from the same commit.
 */
import type { ObservedCluster } from '../controller/observe-clusters.js';
import type { ClusterDef, ClusterStatus } from '../model/fleet.js';

export function recordedCluster(def: ClusterDef, recorded: ClusterStatus | undefined): ObservedCluster {
  const condition = recorded?.conditions?.find((c) => c.type === 'Ready');
  // Not recorded yet: its shard will record it soon; taking it as Ready avoids rescheduling the fleet twice.
  const ready = condition === undefined || condition.status === 'True';
  return {
    def,
    probe: { ready, reason: ready ? 'ClusterReady' : 'ClusterNotReady', message: 'observed by another shard', status: recorded ?? {} },
    ready,
    status: recorded ?? {},
  };
}
