import { describe, expect, it } from 'vitest';
import { UsageError } from '../model/errors.js';
import { planCoordination, type CoordinationFlags } from './index.js';
import { MemoryLeaseClient } from './memory-lease-client.js';

const base: CoordinationFlags = { leaderElectLease: 'flotilla', leaderElectLeaseDuration: 15_000, leaderElectRenewDeadline: 10_000, leaderElectRetryPeriod: 2_000 };

describe('planCoordination', () => {
  it('refuses a shard index without a shard count, or out of range', () => {
    expect(() => planCoordination({ ...base, shardIndex: 0 })).toThrow(/--shard-index needs --shards/);
    expect(() => planCoordination({ ...base, shards: 2, shardIndex: 2 })).toThrow(UsageError);
  });

  it('refuses timings where two replicas could lead at once', () => {
    expect(() => planCoordination({ ...base, leaderElect: true, leaderElectRenewDeadline: 15_000 })).toThrow(/lease duration must be longer than the renew deadline/);
    expect(() => planCoordination({ ...base, leaderElect: true, leaderElectRetryPeriod: 10_000 })).toThrow(/renew deadline must be longer than the retry period/);
  });

  it('needs no Lease for a static shard without election, and holds exactly that shard', async () => {
    const plan = planCoordination({ ...base, shards: 3, shardIndex: 1 });
    expect(plan.usesLeases).toBe(false);
    expect([...plan.shard!().held]).toEqual([1]);
    let worked = false;
    await plan.run(new AbortController().signal, async () => {
      worked = true;
    });
    expect(worked).toBe(true);
  });

  it('elects per shard on <lease>-shard-<i> for a static shard with --leader-elect', async () => {
    const client = new MemoryLeaseClient();
    const plan = planCoordination({ ...base, shards: 3, shardIndex: 2, leaderElect: true });
    expect(plan.usesLeases).toBe(true);
    const stop = new AbortController();
    await plan.run(stop.signal, async () => stop.abort(), { client, namespace: 'ns', identity: 'me', log: () => {} });
    expect(new Set(client.writes.map((w) => w.lease))).toEqual(new Set(['ns/flotilla-shard-2']));
    expect(client.writes[0]!.spec.holderIdentity).toBe('me');
    expect(client.spec('ns', 'flotilla-shard-2')?.holderIdentity).toBe('');
  });

  it('is unsharded without --shards', () => {
    expect(planCoordination({ ...base, leaderElect: true }).shard).toBeUndefined();
  });
});
