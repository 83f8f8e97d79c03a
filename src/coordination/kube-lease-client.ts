/**
 * LeaseClient on a real API server (@kubernetes/client-node's CoordinationV1Api). Times travel as MicroTime
 * (RFC 3339 with microseconds), as client-go writes them, so kubectl and client-go readers agree with us.
 */
import { ApiException, CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { LeaseConflictError, type LeaseClient, type LeaseRecord, type LeaseSpec } from './lease-client.js';

export class KubeLeaseClient implements LeaseClient {
  private readonly api: CoordinationV1Api;

  constructor(kc: KubeConfig) {
    this.api = kc.makeApiClient(CoordinationV1Api);
  }

  async get(namespace: string, name: string): Promise<LeaseRecord | undefined> {
    try {
      return toRecord(await this.api.readNamespacedLease({ namespace, name }));
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw leaseError('read', namespace, name, err);
    }
  }

  async create(namespace: string, name: string, spec: LeaseSpec): Promise<LeaseRecord> {
    try {
      return toRecord(await this.api.createNamespacedLease({ namespace, body: toLease(namespace, name, spec) }));
    } catch (err) {
      if (statusOf(err) === 409) throw new LeaseConflictError(namespace, name);
      throw leaseError('create', namespace, name, err);
    }
  }

  async update(namespace: string, name: string, spec: LeaseSpec, resourceVersion: string): Promise<LeaseRecord> {
    try {
      return toRecord(await this.api.replaceNamespacedLease({ namespace, name, body: toLease(namespace, name, spec, resourceVersion) }));
    } catch (err) {
      if (statusOf(err) === 409) throw new LeaseConflictError(namespace, name);
      throw leaseError('update', namespace, name, err);
    }
  }
}

function toLease(namespace: string, name: string, spec: LeaseSpec, resourceVersion?: string): V1Lease {
  const micro = (ms: number | undefined) => (ms === undefined ? undefined : new V1MicroTime(ms));
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { namespace, name, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: {
      holderIdentity: spec.holderIdentity,
      leaseDurationSeconds: spec.leaseDurationSeconds,
      acquireTime: micro(spec.acquireTime),
      renewTime: micro(spec.renewTime),
      leaseTransitions: spec.leaseTransitions,
    },
  };
}

function toRecord(lease: V1Lease): LeaseRecord {
  const s = lease.spec ?? {};
  // The client hands MicroTime fields back as the server's strings.
  const time = (v: unknown) => (v === undefined || v === null ? undefined : Date.parse(String(v instanceof Date ? v.toISOString() : v)));
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    spec: {
      holderIdentity: s.holderIdentity ?? '',
      leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
      acquireTime: time(s.acquireTime),
      renewTime: time(s.renewTime),
      leaseTransitions: s.leaseTransitions ?? 0,
    },
  };
}

function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** The API server's reason, never the request (which may carry a bearer token in a header dump). */
function leaseError(verb: string, namespace: string, name: string, err: unknown): Error {
  const code = statusOf(err);
  const reason = code !== undefined ? `HTTP ${code}` : (err as Error).message;
  return new Error(`cannot ${verb} lease ${namespace}/${name}: ${reason}`, { cause: err });
}
