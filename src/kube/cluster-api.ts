/**
 * Everything the controller, apply and observe need from one member cluster, and nothing more: the seam that
 * lets them run against an in-memory API server in unit tests (`MemoryCluster`) and a real one in production
 * (`ClusterClient`). Everything is plain JSON; failures are `KubeApiError`s with the codes the HTTPS client
 * produces (`E_UNREACHABLE`, `E_NO_KIND`, `E_API` with `data.status` and `data.reason`).
 */
import type { KubeObject } from '../model/kube.js';
import type { ObjectRef } from '../model/refs.js';
import type { ResourceInfo } from './discovery.js';

export interface ApplyOptions {
  dryRun?: boolean;
  /** Take ownership of fields other managers own (what Argo CD and Flux do by default). Default: true. */
  force?: boolean;
  /** Flotilla applies as `flotilla`; another manager is only for playing someone else (tests, tools). */
  fieldManager?: string;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** The answer of `/readyz` (or `/healthz` on servers without it): 200 means ready; the body says what failed. */
export interface Readiness {
  status: number;
  body: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  /** The object; for ERROR a `Status` (410 Gone when the resourceVersion expired). */
  object: { metadata?: { name?: string; namespace?: string; resourceVersion?: string }; code?: number; [field: string]: unknown };
}

export interface WatchOptions {
  labelSelector?: string;
  /** The server ends the stream after this long (watches time out by design); the caller re-lists and re-watches. */
  timeoutSeconds?: number;
  /** Called once the watch is established, with the resourceVersion it starts from ("now"). */
  onStart?: (resourceVersion: string | undefined) => void;
  signal: AbortSignal;
}

export interface ClusterApi {
  readonly name: string;

  /** The resource serving a kind; `KubeApiError('E_NO_KIND')` when the cluster does not serve it. */
  resolve(apiVersion: string, kind: string): Promise<ResourceInfo>;
  /** Forget cached discovery (after CRDs were applied), so the next resolve asks again. */
  invalidateDiscovery(): void;
  /** Re-reads discovery and returns every resource the cluster serves. */
  discover(): Promise<ResourceInfo[]>;

  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  /** Server-side apply, field manager `flotilla` unless told otherwise, forced unless `force: false`. */
  apply(obj: KubeObject, opts?: ApplyOptions): Promise<KubeObject>;
  /** Deletes only the exact object that was seen (uid precondition): never a namesake created since. */
  delete(ref: ObjectRef, uid: string): Promise<'deleted' | 'gone'>;
  /** Every matching object, whole (with apiVersion and kind). */
  list(apiVersion: string, kind: string, opts?: ListOptions): Promise<KubeObject[]>;
  /**
   * Watches a kind in every namespace from "now". Resolves when the server ends the stream or `opts.signal`
   * aborts; rejects when the cluster cannot be reached or refuses the watch.
   */
  watch(apiVersion: string, kind: string, opts: WatchOptions, onEvent: (event: WatchEvent) => void): Promise<void>;

  /** Rejects with `E_UNREACHABLE` when the cluster cannot be reached at all. */
  readiness(): Promise<Readiness>;
  /** The server's `gitVersion`, e.g. `v1.36.0`. */
  version(): Promise<string | undefined>;

  close(): void;
}
