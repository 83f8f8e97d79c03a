/**
 * An in-memory Lease store with the API server's optimistic concurrency (resourceVersion bumps on every write,
 * a stale write is a conflict), for unit tests of election and shard ownership.
 */
import { LeaseConflictError, type LeaseClient, type LeaseRecord, type LeaseSpec } from './lease-client.js';

export class MemoryLeaseClient implements LeaseClient {
  private readonly leases = new Map<string, LeaseRecord>();
  private version = 0;
  /** Every write, in order: tests check who wrote what. */
  readonly writes: { lease: string; spec: LeaseSpec }[] = [];
  /** When set, every call throws it: an unreachable API server. */
  unreachable?: Error;

  async get(namespace: string, name: string): Promise<LeaseRecord | undefined> {
    this.check();
    const r = this.leases.get(`${namespace}/${name}`);
    return r ? { spec: { ...r.spec }, resourceVersion: r.resourceVersion } : undefined;
  }

  async create(namespace: string, name: string, spec: LeaseSpec): Promise<LeaseRecord> {
    this.check();
    const key = `${namespace}/${name}`;
    if (this.leases.has(key)) throw new LeaseConflictError(namespace, name);
    return this.store(key, spec);
  }

  async update(namespace: string, name: string, spec: LeaseSpec, resourceVersion: string): Promise<LeaseRecord> {
    this.check();
    const key = `${namespace}/${name}`;
    if (this.leases.get(key)?.resourceVersion !== resourceVersion) throw new LeaseConflictError(namespace, name);
    return this.store(key, spec);
  }

  /** The current spec, for assertions. */
  spec(namespace: string, name: string): LeaseSpec | undefined {
    return this.leases.get(`${namespace}/${name}`)?.spec;
  }

  private store(key: string, spec: LeaseSpec): LeaseRecord {
    const record = { spec: { ...spec }, resourceVersion: String(++this.version) };
    this.leases.set(key, record);
    this.writes.push({ lease: key, spec: { ...spec } });
    return { spec: { ...spec }, resourceVersion: record.resourceVersion };
  }

  private check(): void {
    if (this.unreachable) throw this.unreachable;
  }
}
