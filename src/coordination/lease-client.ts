/**
 * The narrow view of `coordination.k8s.io/v1` Leases that leader election and shard ownership need: read one,
 * create one, replace one under optimistic concurrency. The Kubernetes implementation is kube-lease-client.ts;
 * tests use memory-lease-client.ts.
 */

/** The fields of a Lease's spec that election reads and writes (times as milliseconds since the epoch). */
export interface LeaseSpec {
  /** Empty when nobody holds the Lease (released). */
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: number;
  renewTime?: number;
  leaseTransitions: number;
}

export interface LeaseRecord {
  spec: LeaseSpec;
  /** The version this record was read at: an update names it and fails if the Lease changed since. */
  resourceVersion: string;
}

export interface LeaseClient {
  /** undefined when the Lease does not exist. */
  get(namespace: string, name: string): Promise<LeaseRecord | undefined>;
  /** Throws LeaseConflictError when the Lease already exists. */
  create(namespace: string, name: string, spec: LeaseSpec): Promise<LeaseRecord>;
  /** Replaces the spec if the Lease is still at `resourceVersion`; otherwise throws LeaseConflictError. */
  update(namespace: string, name: string, spec: LeaseSpec, resourceVersion: string): Promise<LeaseRecord>;
}

/** Someone else wrote the Lease first (HTTP 409): re-read it and decide again. */
export class LeaseConflictError extends Error {
  constructor(
    readonly namespace: string,
    readonly lease: string,
  ) {
    super(`lease ${namespace}/${lease} was changed by someone else`);
    this.name = 'LeaseConflictError';
  }
}
