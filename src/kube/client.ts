/**
 * The narrow port through which apply and observe talk to one member cluster. Everything is plain JSON.
 */
import { KubeApiError } from '../model/errors.js';
import type { KubeObject } from '../model/kube.js';
import type { ObjectRef } from '../model/refs.js';
import { FIELD_MANAGER } from '../model/constants.js';
import { DiscoveryCache, resourcePath, type ResourceInfo } from './discovery.js';
import { apiError, type KubeTransport } from './transport.js';

export interface ApplyOptions {
  dryRun?: boolean;
  /** Take ownership of fields other managers own (what Argo CD and Flux do by default). */
  force?: boolean;
  /** Flotilla applies as `flotilla`; another manager is only for playing someone else (tests, tools). */
  fieldManager?: string;
}

export class ClusterClient {
  readonly discovery: DiscoveryCache;

  constructor(
    readonly name: string,
    readonly transport: KubeTransport,
  ) {
    this.discovery = new DiscoveryCache(transport);
  }

  async resolve(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const info = await this.discovery.resolve(apiVersion, kind);
    if (!info) {
      throw new KubeApiError('E_NO_KIND', `${this.name} does not serve ${kind} in ${apiVersion} (is its CRD installed?)`, { apiVersion, kind, cluster: this.name });
    }
    return info;
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

  /** Deletes only the exact object that was seen (uid precondition): never a namesake created since. */
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

  async list(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): Promise<KubeObject[]> {
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

  close(): void {
    this.transport.close();
  }
}
