/**
 * Which resources a cluster serves, and whether they are namespaced. One aggregated-discovery request per
 * root (`/api`, `/apis`, GA since Kubernetes 1.30), falling back to the per-group documents on older servers.
 * Plurals always come from the server, never from lowercasing the kind.
 */
import { KubeApiError } from '../model/errors.js';
import type { KubeTransport } from './transport.js';

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name used in URLs. */
  resource: string;
  namespaced: boolean;
  verbs: string[];
}

export class DiscoveryCache {
  private byGvk = new Map<string, ResourceInfo>();
  private fetchedAt = 0;
  private refreshing: Promise<void> | undefined;
  private readonly ttlMs: number;

  constructor(
    private readonly transport: KubeTransport,
    opts: { ttlMs?: number } = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 10 * 60_000;
  }

  /** Resolves a kind; refreshes once on a miss (a CRD may have just been applied). */
  async resolve(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const key = `${apiVersion}/${kind}`;
    if (Date.now() - this.fetchedAt > this.ttlMs) await this.refresh();
    let info = this.byGvk.get(key);
    if (!info) {
      await this.refresh();
      info = this.byGvk.get(key);
    }
    return info;
  }

  invalidate(): void {
    this.fetchedAt = 0;
  }

  all(): ResourceInfo[] {
    return [...this.byGvk.values()];
  }

  /**
   * Re-reads discovery. Callers that arrive while a refresh is under way share it: after CRDs are applied, every
   * object in flight resolves at once, and one pair of requests answers them all.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.fetch().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async fetch(): Promise<void> {
    const next = new Map<string, ResourceInfo>();
    for (const root of ['/api', '/apis']) {
      const aggregated = await this.transport.request<AggregatedList>(root, {
        accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      });
      if (aggregated.status !== 200) throw new KubeApiError('E_DISCOVERY', `discovery ${root}: HTTP ${aggregated.status}`, { root });
      if (aggregated.body && (aggregated.body as { kind?: string }).kind === 'APIGroupDiscoveryList') {
        for (const g of aggregated.body.items ?? []) {
          for (const v of g.versions ?? []) {
            for (const r of v.resources ?? []) {
              const kind = r.responseKind?.kind;
              if (!kind) continue;
              const info: ResourceInfo = {
                group: g.metadata?.name ?? '',
                version: v.version,
                kind,
                resource: r.resource,
                namespaced: r.scope === 'Namespaced',
                verbs: r.verbs ?? [],
              };
              next.set(`${info.group ? `${info.group}/` : ''}${info.version}/${kind}`, info);
            }
          }
        }
      } else {
        await this.legacyDiscovery(root, next);
      }
    }
    this.byGvk = next;
    this.fetchedAt = Date.now();
  }

  private async legacyDiscovery(root: string, into: Map<string, ResourceInfo>): Promise<void> {
    const groupVersions: string[] = [];
    if (root === '/api') {
      const body = await this.transport.requestOk<{ versions?: string[] }>('/api');
      groupVersions.push(...(body.versions ?? []));
    } else {
      const body = await this.transport.requestOk<{ groups?: { versions?: { groupVersion: string }[] }[] }>('/apis');
      for (const g of body.groups ?? []) for (const v of g.versions ?? []) groupVersions.push(v.groupVersion);
    }
    for (const gv of groupVersions) {
      const path = gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`;
      const list = await this.transport.request<{ resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[] }>(path);
      if (list.status !== 200) continue; // an aggregated API that is down must not hide every other group
      const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
      for (const r of list.body.resources ?? []) {
        if (r.name.includes('/')) continue; // subresources
        into.set(`${gv}/${r.kind}`, { group, version, kind: r.kind, resource: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [] });
      }
    }
  }
}

interface AggregatedList {
  kind?: string;
  items?: {
    metadata?: { name?: string };
    versions?: {
      version: string;
      resources?: { resource: string; responseKind?: { kind?: string }; scope?: string; verbs?: string[] }[];
    }[];
  }[];
}

/** URL path of a collection or (with `name`) of one object. */
export function resourcePath(info: ResourceInfo, namespace: string | undefined, name?: string): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${info.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}
