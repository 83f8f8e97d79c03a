/** Builders for failover tests. Not used by production code. */
import type { EvictionOrder } from './timed-evictions.js';

/** 2 replicas of shop/web leaving member1 (of member1 and member2) for a tolerated taint; `extra` changes any of it. */
export function evictionOrder(extra: Partial<EvictionOrder> = {}): EvictionOrder {
  return {
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
    policy: { kind: 'PropagationPolicy', namespace: 'shop', name: 'web' },
    fromCluster: 'member1',
    replicas: 2,
    reason: 'TaintUntolerated',
    producer: 'TaintManager',
    purgeMode: 'Gracefully',
    message: 'taint cluster.karmada.io/not-ready:NoExecute tolerated for 30s',
    dueAtMs: 0,
    clusters: [
      { name: 'member1', replicas: 2 },
      { name: 'member2', replicas: 2 },
    ],
    ...extra,
  };
}
