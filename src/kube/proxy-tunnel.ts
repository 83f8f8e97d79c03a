/**
 * Reaching an API server through an HTTP(S) proxy (Cluster `spec.proxyURL`): each connection is an HTTP CONNECT
 * tunnel to the server, and TLS to the API server runs inside it, so the proxy sees neither the token nor the
 * traffic. Proxy credentials may be given in the URL's userinfo (sent as Proxy-Authorization).
 */
import type { Duplex } from 'node:stream';
import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Socket } from 'node:net';

export class ProxyTunnelAgent extends Agent {
  private readonly proxy: URL;

  constructor(proxyUrl: string, options: AgentOptions) {
    super(options);
    this.proxy = new URL(proxyUrl);
    if (this.proxy.protocol !== 'http:' && this.proxy.protocol !== 'https:') throw new Error(`proxy ${this.proxy.protocol} is not supported (http: or https:)`);
  }

  // Node's Agent accepts a connection handed to the callback later: the tunnel is opened first.
  override createConnection(requested: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const options = requested as ConnectionOptions & { host?: string; port?: number };
    const target = `${options.host}:${options.port ?? 443}`;
    const headers: Record<string, string> = { host: target };
    if (this.proxy.username) {
      const auth = `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`;
      headers['proxy-authorization'] = `Basic ${Buffer.from(auth).toString('base64')}`;
    }
    const send = this.proxy.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send({ host: this.proxy.hostname, port: this.proxy.port || (this.proxy.protocol === 'https:' ? 443 : 80), method: 'CONNECT', path: target, headers });
    const fail = (err: Error) => callback?.(err, undefined as unknown as Duplex);
    req.once('error', (err) => fail(new Error(`proxy ${this.proxy.host}: ${err.message}`)));
    req.once('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        fail(new Error(`proxy ${this.proxy.host} refused to connect to ${target}: HTTP ${res.statusCode}`));
        return;
      }
      const tls = tlsConnect({ ...options, socket, servername: options.servername ?? options.host });
      callback?.(null, tls);
    });
    req.end();
    return undefined;
  }
}
