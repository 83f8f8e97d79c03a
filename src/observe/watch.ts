/**
 * Watch, don't poll: one watch per (cluster, kind) that Flotilla applied, filtered by its managed label.
 * Any change wakes the controller, which then observes and records in one pass (so a burst of changes
 * becomes one commit). A watch that ends or fails is re-listed and re-opened with a capped back-off, so a
 * dead cluster is not hammered and a silent stream never lasts longer than its timeout.
 */
import type { ClusterApi } from '../kube/cluster-api.js';
import { LABEL_MANAGED } from '../model/constants.js';
import { delay } from '../util/poll.js';

export interface WatchTarget {
  client: ClusterApi;
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
    const wanted = new Map<string, { client: ClusterApi; apiVersion: string; kind: string }>();
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

  private async watchLoop(client: ClusterApi, apiVersion: string, kind: string, signal: AbortSignal): Promise<void> {
    let backoff = 1000;
    const labelSelector = `${LABEL_MANAGED}=true`;
    while (!signal.aborted) {
      try {
        let expired = false;
        await client.watch(
          apiVersion,
          kind,
          {
            labelSelector,
            timeoutSeconds: this.opts.timeoutSeconds ?? 300,
            // Whatever changed between the last observation and "now" was not seen as an event: one pass covers it.
            onStart: (resourceVersion) => this.onChange(client.name, `watching ${kind} from resourceVersion ${resourceVersion ?? '?'}`),
            signal,
          },
          (e) => {
            if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') {
              const m = e.object.metadata;
              this.onChange(client.name, `${e.type.toLowerCase()} ${kind}/${m?.namespace ? `${m.namespace}/` : ''}${m?.name ?? '?'}`);
            } else if (e.type === 'ERROR') expired = true; // 410 Gone and friends: relist and watch again
          },
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
