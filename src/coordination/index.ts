/**
 * How a controller process coordinates with its peers (docs/operations.md, "High availability"):
 * - alone (no flag): it works on everything;
 * - `--leader-elect`: one Lease, one active replica, the others stand by;
 * - `--shards N --shard-index I`: a fixed shard, with `--leader-elect` standbys per shard on Lease `<lease>-shard-I`;
 * - `--shards N` alone: replicas hold the Leases `<lease>-shard-0` … `-<N−1>` between them (shard-owner.ts).
 */
import type { Logger } from '../controller/reconcile.js';
import { UsageError } from '../model/errors.js';
import { timingProblem, type LeaseTiming } from './clock.js';
import { LeaderElector, type Leadership } from './elector.js';
import type { LeaseClient } from './lease-client.js';
import { ShardOwner } from './shard-owner.js';
import type { ShardAssignment } from './shard.js';

export { PassAbandonedError } from './abandon.js';
export type { Leadership } from './elector.js';
export type { ShardAssignment } from './shard.js';

export interface CoordinationFlags {
  leaderElect?: boolean;
  leaderElectNamespace?: string;
  leaderElectLease: string;
  leaderElectLeaseDuration: number;
  leaderElectRenewDeadline: number;
  leaderElectRetryPeriod: number;
  managementKubeconfig?: string;
  managementContext?: string;
  shards?: number;
  shardIndex?: number;
}

export interface Coordination {
  /** For the Reconciler: the shards held at the start of a pass; undefined when not sharded. */
  shard?: () => ShardAssignment;
  /** Whether Leases are used (and so the management cluster is needed). */
  usesLeases: boolean;
  /** Runs `work` while this replica may work, until `stop` aborts; then releases what it holds. */
  run(stop: AbortSignal, work: (leadership: Leadership) => Promise<void>, leases?: LeaseEnvironment): Promise<void>;
}

export interface LeaseEnvironment {
  client: LeaseClient;
  namespace: string;
  identity: string;
  log: Logger;
}

/** Checks the flags together and says how this process coordinates. Throws UsageError on a bad combination. */
export function planCoordination(flags: CoordinationFlags): Coordination {
  const { shards, shardIndex } = flags;
  if (shardIndex !== undefined && shards === undefined) throw new UsageError('--shard-index needs --shards');
  if (shards !== undefined && shardIndex !== undefined && shardIndex >= shards) throw new UsageError(`--shard-index ${shardIndex}: must be below --shards ${shards}`);
  const timing: LeaseTiming = { leaseDurationMs: flags.leaderElectLeaseDuration, renewDeadlineMs: flags.leaderElectRenewDeadline, retryPeriodMs: flags.leaderElectRetryPeriod };
  const problem = timingProblem(timing);
  if (problem) throw new UsageError(`--leader-elect-lease-duration/--leader-elect-renew-deadline/--leader-elect-retry-period: ${problem}`);
  const prefix = `${flags.leaderElectLease}-shard`;
  if (shards !== undefined && shardIndex === undefined) {
    let owner: ShardOwner | undefined;
    return {
      usesLeases: true,
      shard: () => ({ shards, held: owner?.held() ?? new Set() }),
      run: (stop, work, env) => {
        owner = new ShardOwner({ ...needLeases(env), leasePrefix: prefix, shards, timing });
        return owner.run(stop, work);
      },
    };
  }
  const shard = shards !== undefined ? () => ({ shards, held: new Set([shardIndex!]) }) : undefined;
  if (!flags.leaderElect) return { usesLeases: false, shard, run: (stop, work) => work({ stop, lost: new AbortController().signal }) };
  const lease = shards !== undefined ? `${prefix}-${shardIndex}` : flags.leaderElectLease;
  return { usesLeases: true, shard, run: (stop, work, env) => new LeaderElector({ ...needLeases(env), lease, timing }).run(stop, work) };
}

function needLeases(env: LeaseEnvironment | undefined): LeaseEnvironment {
  if (!env) throw new Error('this coordination needs Leases, and no management cluster was given');
  return env;
}
