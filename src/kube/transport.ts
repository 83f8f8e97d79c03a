/**
 * Raw HTTPS to one Kubernetes API server. client-node 1.x is used only to read kubeconfigs: its typed
 * serializer drops fields it does not know (and blanks custom resources whose kind shadows a built-in),
 * which under server-side apply would silently remove fields. Bodies here are plain JSON, one keep-alive
 * agent per cluster.
 */
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from '../model/errors.js';
import { apiError, unreachableError } from './errors.js';
import { ProxyTunnelAgent } from './proxy-tunnel.js';

/** Connections per cluster; above any sensible `--apply-concurrency`. */
export const MAX_SOCKETS = 64;

export interface TransportOptions {
  /** https://host:port (a path prefix is kept). */
  server: string;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  token?: string;
  /** Headers computed per request (e.g. from a kubeconfig whose token may rotate). */
  headers?: () => Promise<Record<string, string>>;
  insecureSkipTLSVerify?: boolean;
  /** Per-request timeout; an unreachable cluster must not stall a reconcile pass. */
  timeoutMs?: number;
  /** An http(s):// proxy to tunnel through (HTTP CONNECT; TLS to the API server inside the tunnel). */
  proxyUrl?: string;
}

export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export interface RequestInit {
  method?: string;
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | undefined>;
  accept?: string;
  timeoutMs?: number;
}

export class KubeTransport {
  readonly server: URL;
  private readonly agent: Agent | HttpAgent;
  private readonly opts: TransportOptions;

  constructor(opts: TransportOptions) {
    this.opts = opts;
    this.server = new URL(opts.server);
    // Connections are reused (no TLS handshake per request) and never the bottleneck: how many requests are in
    // flight is the callers' choice (the apply concurrency), so the pool must hold at least that many.
    const tls = { keepAlive: true, maxSockets: MAX_SOCKETS, ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: !opts.insecureSkipTLSVerify };
    if (opts.proxyUrl && this.server.protocol !== 'https:') throw new KubeApiError('E_UNREACHABLE', `a proxy is only used for https API servers, got ${opts.server}`, {});
    this.agent =
      this.server.protocol === 'http:' ? new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }) : opts.proxyUrl ? new ProxyTunnelAgent(opts.proxyUrl, tls) : new Agent(tls);
  }

  /**
   * Builds a transport from one context of a kubeconfig. Exec plugins and auth providers run arbitrary commands
   * and skip-TLS disables server identity: both are refused unless explicitly allowed (as Flux does).
   */
  static async fromKubeConfig(
    kc: KubeConfig,
    context: string,
    policy: { allowExec?: boolean; allowInsecureTLS?: boolean; timeoutMs?: number } = {},
  ): Promise<KubeTransport> {
    const own = new KubeConfig();
    // One KubeConfig per cluster, never re-pointed: client-node resolves auth from the *current* context.
    own.loadFromOptions({
      clusters: kc.clusters,
      users: kc.users,
      contexts: kc.contexts,
      currentContext: context,
    });
    const ctx = own.getContextObject(context);
    if (!ctx) throw new KubeApiError('E_NO_CONTEXT', `kubeconfig has no context named '${context}'`, { context });
    const cluster = own.getCluster(ctx.cluster);
    const user = own.getUser(ctx.user);
    if (!cluster) throw new KubeApiError('E_NO_CONTEXT', `context '${context}' names unknown cluster '${ctx.cluster}'`, { context });
    if (user && (user.exec || user.authProvider) && !policy.allowExec) {
      throw new KubeApiError(
        'E_KUBECONFIG_EXEC',
        `context '${context}' uses an exec plugin or auth provider, which runs commands on this host; refused unless --insecure-kubeconfig-exec is given`,
        { context },
      );
    }
    if (cluster.skipTLSVerify && !policy.allowInsecureTLS) {
      throw new KubeApiError(
        'E_KUBECONFIG_INSECURE',
        `context '${context}' disables TLS verification; refused unless --insecure-kubeconfig-tls is given`,
        { context },
      );
    }
    const material: RequestOptions = {};
    await own.applyToHTTPSOptions(material);
    return new KubeTransport({
      server: cluster.server,
      ca: material.ca as Buffer | undefined,
      cert: material.cert as Buffer | undefined,
      key: material.key as Buffer | undefined,
      insecureSkipTLSVerify: cluster.skipTLSVerify,
      timeoutMs: policy.timeoutMs,
      headers: user?.exec || user?.authProvider ? () => authHeaders(own) : constant(await authHeaders(own)),
    });
  }

  async request<T = unknown>(path: string, init: RequestInit = {}): Promise<KubeResponse<T>> {
    const url = new URL(this.server.toString().replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      accept: init.accept ?? 'application/json',
      ...(this.opts.headers ? await this.opts.headers() : {}),
    };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    let payload: Buffer | undefined;
    if (init.body !== undefined) {
      payload = Buffer.from(typeof init.body === 'string' ? init.body : JSON.stringify(init.body));
      headers['content-type'] = init.contentType ?? 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const timeoutMs = init.timeoutMs ?? this.opts.timeoutMs ?? 30_000;
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise((resolvePromise, reject) => {
      const req = send(url, { method: init.method ?? 'GET', headers, agent: this.agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(networkError(this.server, path, err)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if ((res.headers['content-type'] ?? '').includes('json') && text.length > 0) {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          }
          resolvePromise({ status: res.statusCode ?? 0, body: body as T, headers: res.headers });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (err) => reject(networkError(this.server, path, err)));
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** Like request, but a non-2xx status becomes a KubeApiError carrying the API's own message. */
  async requestOk<T = unknown>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await this.request<T>(path, init);
    if (res.status < 200 || res.status >= 300) throw apiError(res, init.method ?? 'GET', path);
    return res.body;
  }

  /**
   * A long-lived GET whose body is a stream of JSON lines (a watch). Resolves when the server ends the
   * stream (watches time out by design) or `signal` aborts; rejects on a transport error or a non-200 answer.
   */
  async stream(path: string, query: Record<string, string | undefined>, onObject: (obj: unknown) => void, signal: AbortSignal): Promise<void> {
    const url = new URL(this.server.toString().replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json', ...(this.opts.headers ? await this.opts.headers() : {}) };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise((resolvePromise, reject) => {
      // Watches get their own connections: a long-lived stream must not hold a pooled request slot.
      const req = send(url, { method: 'GET', headers, agent: false, ca: this.opts.ca, cert: this.opts.cert, key: this.opts.key, rejectUnauthorized: !this.opts.insecureSkipTLSVerify, signal }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new KubeApiError('E_API', `watch ${path}: HTTP ${res.statusCode}`, { status: res.statusCode, path }));
          return;
        }
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line) {
              try {
                onObject(JSON.parse(line));
              } catch {
                /* a torn line: the next relist repairs it */
              }
            }
          }
        });
        res.on('end', () => resolvePromise());
        res.on('error', (err) => (signal.aborted ? resolvePromise() : reject(networkError(this.server, path, err))));
      });
      req.on('error', (err) => (signal.aborted ? resolvePromise() : reject(networkError(this.server, path, err))));
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * The headers client-node would send for the kubeconfig's current user. It rebuilds TLS material and an agent each
 * time, so it is asked once per request only where the credential can change (exec plugins, auth providers).
 */
async function authHeaders(kc: KubeConfig): Promise<Record<string, string>> {
  const o: RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(o);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.headers ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

function constant<T>(value: T): () => Promise<T> {
  return () => Promise.resolve(value);
}

function networkError(server: URL, path: string, err: Error): KubeApiError {
  return unreachableError(server.toString(), server.host, path, err);
}
