/**
 * Member clusters in memory for controller tests: a connector that hands out one `MemoryCluster` per Cluster
 * name, so a reconcile pass runs without real API servers. A name with no cluster behaves like a kubeconfig
 * without that context.
 */
import type { ConnectResult } from '../../src/controller/clusters.js';
import { MemoryCluster, type MemoryClusterOptions } from '../../src/kube/memory-cluster.js';
import type { ClusterDef } from '../../src/model/fleet.js';

export interface MemoryConnector {
  connect(cluster: ClusterDef): Promise<ConnectResult>;
  close(): void;
  /** The clusters by name, to arrange faults and inspect what was applied. */
  clusters: Map<string, MemoryCluster>;
}

export function memoryConnector(names: string[], opts: MemoryClusterOptions = {}): MemoryConnector {
  const clusters = new Map(names.map((name) => [name, new MemoryCluster(name, opts)]));
  return {
    clusters,
    async connect(cluster) {
      const client = clusters.get(cluster.name);
      return client ? { ok: true, client } : { ok: false, reason: `no kubeconfig context named '${cluster.name}' for cluster ${cluster.name}` };
    },
    close() {
      for (const c of clusters.values()) c.close();
    },
  };
}

export interface VirtualRoundTrips {
  /** For `MemoryClusterOptions.latency`. */
  latency: () => Promise<void>;
  /** Virtual time spent so far: one round trip for each batch of requests that were in flight together. */
  elapsedMs(): number;
  /** The most requests that were ever in flight together. */
  maxInFlight(): number;
}

/**
 * Every request costs one round trip of `ms` on a virtual clock, with no sleeping: requests made while others wait
 * travel with them, so time grows with the number of sequential round trips, not with the number of requests.
 * What a pass would take against a server `ms` away, measured without depending on the machine's load.
 */
export function virtualRoundTrips(ms: number): VirtualRoundTrips {
  let waiting: (() => void)[] = [];
  let elapsed = 0;
  let most = 0;
  const latency = () =>
    new Promise<void>((answered) => {
      waiting.push(answered);
      most = Math.max(most, waiting.length);
      // Requests sent in the same turn of the event loop (promise callbacks included) share the round trip.
      if (waiting.length === 1) {
        setImmediate(() => {
          const batch = waiting;
          waiting = [];
          elapsed += ms;
          for (const answer of batch) answer();
        });
      }
    });
  return { latency, elapsedMs: () => elapsed, maxInFlight: () => most };
}
