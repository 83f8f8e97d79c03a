/**
 * The HTTPS implementation of `ClusterApi`: one member cluster through its API server. Everything is plain JSON.
 */
import type { KubeObject } from '../model/kube.js';
import type { ObjectRef } from '../model/refs.js';
import { FIELD_MANAGER } from '../model/constants.js';
import type { ApplyOptions, ClusterApi, ListOptions, Readiness, WatchEvent, WatchOptions } from './cluster-api.js';
import { DiscoveryCache, resourcePath, type ResourceInfo } from './discovery.js';
import { apiError, noKindError } from './errors.js';
import type { KubeTransport } from './transport.js';

export type { ApplyOptions } from './cluster-api.js';

export class ClusterClient implements ClusterApi {
  readonly discovery: DiscoveryCache;

  constructor(
    readonly name: string,
    readonly transport: KubeTransport,
  ) {
    this.discovery = new DiscoveryCache(transport);
  }

  async resolve(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const info = await this.discovery.resolve(apiVersion, kind);
    if (!info) throw noKindError(this.name, apiVersion, kind);
    return info;
  }

  invalidateDiscovery(): void {
    this.discovery.invalidate();
  }

  async discover(): Promise<ResourceInfo[]> {
    await this.discovery.refresh();
    return this.discovery.all();
  }

  /** Server-side apply with field manager `flotilla`; unknown or duplicate fields are errors, not silently dropped. */
  async apply(obj: KubeObject, opts: ApplyOptions = {}): Promise<KubeObject> {
    const info = await this.resolve(obj.apiVersion, obj.kind);
    return this.transport.requestOk<KubeObject>(resourcePath(info, obj.metadata.namespace, obj.metadata.name), {
      method: 'PATCH',
      body: obj,
      contentType: 'application/apply-patch+yaml',
      query: {
        fieldManager: opts.fieldManager ?? FIELD_MANAGER,
        force: opts.force === false ? 'false' : 'true',
        fieldValidation: 'Strict',
        dryRun: opts.dryRun ? 'All' : undefined,
      },
    });
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const info = await this.resolve(ref.apiVersion, ref.kind);
    const res = await this.transport.request<KubeObject>(resourcePath(info, ref.namespace || undefined, ref.name));
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw apiError(res, 'GET', resourcePath(info, ref.namespace || undefined, ref.name));
    return res.body;
  }

  async delete(ref: ObjectRef, uid: string): Promise<'deleted' | 'gone'> {
    const info = await this.resolve(ref.apiVersion, ref.kind);
    const path = resourcePath(info, ref.namespace || undefined, ref.name);
    const res = await this.transport.request(path, {
      method: 'DELETE',
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', preconditions: { uid } },
    });
    if (res.status === 404) return 'gone';
    if (res.status >= 200 && res.status < 300) return 'deleted';
    throw apiError(res, 'DELETE', path);
  }

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<KubeObject[]> {
    const info = await this.resolve(apiVersion, kind);
    const items: KubeObject[] = [];
    let cont: string | undefined;
    do {
      const page = await this.transport.requestOk<{ items?: KubeObject[]; metadata?: { continue?: string } }>(resourcePath(info, opts.namespace), {
        query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: '500', continue: cont },
      });
      // List items come without apiVersion/kind; put them back so callers get whole objects.
      for (const it of page.items ?? []) items.push({ ...it, apiVersion, kind });
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return items;
  }

  async watch(apiVersion: string, kind: string, opts: WatchOptions, onEvent: (event: WatchEvent) => void): Promise<void> {
    const info = await this.resolve(apiVersion, kind);
    const path = resourcePath(info, undefined);
    const { labelSelector } = opts;
    // Start from "now": a one-item list gives the collection's current resourceVersion.
    const list = await this.transport.requestOk<{ metadata?: { resourceVersion?: string } }>(path, { query: { labelSelector, limit: '1' } });
    const resourceVersion = list.metadata?.resourceVersion;
    opts.onStart?.(resourceVersion);
    await this.transport.stream(
      path,
      { watch: '1', labelSelector, resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(opts.timeoutSeconds ?? 300) },
      (event) => {
        const e = event as Partial<WatchEvent>;
        if (e.type && e.object) onEvent(e as WatchEvent);
      },
      opts.signal,
    );
  }

  /** `/readyz`, falling back to `/healthz` on servers that have no readyz. */
  async readiness(): Promise<Readiness> {
    let res = await this.transport.request('/readyz', { timeoutMs: 5000 });
    if (res.status === 404) res = await this.transport.request('/healthz', { timeoutMs: 5000 });
    return { status: res.status, body: typeof res.body === 'string' ? res.body : '' };
  }

  async version(): Promise<string | undefined> {
    const v = await this.transport.requestOk<{ gitVersion?: string }>('/version');
    return v.gitVersion;
  }

  close(): void {
    this.transport.close();
  }
}
