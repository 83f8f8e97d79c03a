/**
 * Watch, don't poll: one watch per (cluster, kind) that Flotilla applied, filtered by its managed label.
 * Any change wakes the controller, which then observes and records in one pass (so a burst of changes
 * becomes one commit). A watch that ends or fails is re-listed and re-opened with a capped back-off, so a
 * dead cluster is not hammered and a silent stream never lasts longer than its timeout.
 */
import type { ClusterClient } from '../kube/client.js';
import { resourcePath } from '../kube/discovery.js';
import { LABEL_MANAGED } from '../model/constants.js';
import { delay } from '../util/poll.js';

export interface WatchTarget {
  client: ClusterClient;
  kinds: { apiVersion: string; kind: string }[];
}

export type WatchEventHandler = (cluster: string, description: string) => void;

export class FleetWatcher {
  private readonly watches = new Map<string, AbortController>();

  constructor(
    private readonly onChange: WatchEventHandler,
    private readonly opts: { timeoutSeconds?: number } = {},
  ) {}

  /** Opens the watches `targets` need and closes the ones no longer needed. */
  update(targets: WatchTarget[]): void {
    const wanted = new Map<string, { client: ClusterClient; apiVersion: string; kind: string }>();
    for (const t of targets) for (const k of t.kinds) wanted.set(`${t.client.name}|${k.apiVersion}|${k.kind}`, { client: t.client, ...k });
    for (const [key, ctl] of this.watches) {
      if (!wanted.has(key)) {
        ctl.abort();
        this.watches.delete(key);
      }
    }
    for (const [key, w] of wanted) {
      if (this.watches.has(key)) continue;
      const ctl = new AbortController();
      this.watches.set(key, ctl);
      void this.watchLoop(w.client, w.apiVersion, w.kind, ctl.signal);
    }
  }

  get size(): number {
    return this.watches.size;
  }

  stop(): void {
    for (const ctl of this.watches.values()) ctl.abort();
    this.watches.clear();
  }

  private async watchLoop(client: ClusterClient, apiVersion: string, kind: string, signal: AbortSignal): Promise<void> {
    let backoff = 1000;
    const labelSelector = `${LABEL_MANAGED}=true`;
    while (!signal.aborted) {
      try {
        const info = await client.resolve(apiVersion, kind);
        const path = resourcePath(info, undefined);
        // Start from "now": the pass that follows observes the current state anyway.
        const list = await client.transport.requestOk<{ metadata?: { resourceVersion?: string } }>(path, { query: { labelSelector, limit: '1' } });
        // Whatever changed between the last observation and this list was not seen as an event: one pass covers it.
        this.onChange(client.name, `watching ${kind} from resourceVersion ${list.metadata?.resourceVersion ?? '?'}`);
        let expired = false;
        await client.transport.stream(
          path,
          {
            watch: '1',
            labelSelector,
            resourceVersion: list.metadata?.resourceVersion,
            allowWatchBookmarks: 'true',
            timeoutSeconds: String(this.opts.timeoutSeconds ?? 300),
          },
          (event) => {
            const e = event as { type?: string; object?: { metadata?: { name?: string; namespace?: string }; code?: number } };
            if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') {
              const m = e.object?.metadata;
              this.onChange(client.name, `${e.type.toLowerCase()} ${kind}/${m?.namespace ? `${m.namespace}/` : ''}${m?.name ?? '?'}`);
            } else if (e.type === 'ERROR') expired = true; // 410 Gone and friends: relist and watch again
          },
          signal,
        );
        backoff = 1000;
        if (expired) continue;
      } catch {
        if (signal.aborted) return;
        await delay(backoff);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }
}
