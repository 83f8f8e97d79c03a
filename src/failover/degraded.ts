import type { HealthStatus, PlacementClusterStatus } from '../model/fleet.js';

/**
 * Application failover's clock for one (workload, cluster), kept in the placement record so it survives a restart:
 * the time the workload turned Degraded, kept while it stays Degraded; any other health resets it.
 */
export function degradedSinceFor(previous: Pick<PlacementClusterStatus, 'health' | 'degradedSince'> | undefined, health: HealthStatus, nowIso: string): string | undefined {
  if (health !== 'Degraded') return undefined;
  return previous?.health === 'Degraded' && previous.degradedSince ? previous.degradedSince : nowIso;
}
