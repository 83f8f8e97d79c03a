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
