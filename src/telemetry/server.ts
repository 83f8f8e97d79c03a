/**
 * The controller's HTTP endpoints for Prometheus and the kubelet: `/metrics`, `/healthz` (the process answers) and
 * `/readyz` (a pass completed recently). node:http is enough for three read-only routes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../model/errors.js';

export interface ListenAddress {
  /** Undefined: every interface. */
  host?: string;
  port: number;
}

/** `HOST:PORT`, `:PORT` or `[IPv6]:PORT`; `0` alone disables the endpoints (undefined). Port 0 picks a free port. */
export function parseListenAddress(value: string, flag = '--metrics-addr'): ListenAddress | undefined {
  if (value.trim() === '0') return undefined;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`${flag}: expected HOST:PORT, :PORT or 0 (disabled), got "${value}"`);
  const host = m[1] ?? m[2];
  return { host: host ? host : undefined, port };
}

export interface Readiness {
  ready: boolean;
  message: string;
}

/**
 * Ready while the last completed pass ended less than `windowMs` ago. A controller that cannot reach Git (or
 * hangs) stops being ready, so a rollout that breaks it stalls and an alert can fire; member clusters being down
 * does not make the controller unready (its passes still complete and record that).
 */
export function readinessOf(lastSuccessAt: number | undefined, windowMs: number, now: number): Readiness {
  if (lastSuccessAt === undefined) return { ready: false, message: 'no reconcile pass has completed yet' };
  const age = now - lastSuccessAt;
  if (age > windowMs) return { ready: false, message: `the last completed pass ended ${Math.round(age / 1000)} s ago (allowed: ${Math.round(windowMs / 1000)} s)` };
  return { ready: true, message: 'ok' };
}

export interface EndpointOptions {
  address: ListenAddress;
  metrics: () => Promise<string>;
  contentType: string;
  readiness: () => Readiness;
}

export interface RunningEndpoints {
  /** The address actually bound (with the port chosen when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

export async function serveEndpoints(opts: EndpointOptions): Promise<RunningEndpoints> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (path === '/healthz') return send(200, 'ok\n');
    if (path === '/readyz') {
      const r = opts.readiness();
      return send(r.ready ? 200 : 503, `${r.message}\n`);
    }
    if (path === '/metrics') {
      opts.metrics().then(
        (text) => send(200, text, opts.contentType),
        (err: Error) => send(500, `cannot collect metrics: ${err.message}\n`),
      );
      return;
    }
    send(404, 'not found: try /metrics, /healthz or /readyz\n');
  });
  await listen(server, opts.address);
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper's keep-alive connection must not hold the controller's exit.
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, address: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
