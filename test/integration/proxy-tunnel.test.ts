/**
 * Cluster `spec.proxyURL`: requests to an API server go through an HTTP CONNECT tunnel, with TLS to the server
 * inside it (checked against the server's CA), and the proxy sees only the target host and port.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeTransport } from '../../src/kube/transport.js';

let dir: string;
let api: Server;
let proxy: Server;
let ca: Buffer;
const tunnels: string[] = [];
const seenAuthorization: (string | undefined)[] = [];
let refuse = false;
const sockets: Socket[] = [];

const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-proxy-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  ca = readFileSync(join(dir, 'cert.pem'));
  api = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (req, res) => {
    seenAuthorization.push(req.headers.authorization);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ gitVersion: 'v1.36.3', path: req.url }));
  });
  await listen(api);
  proxy = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(`${req.url} ${req.headers['proxy-authorization'] ?? ''}`);
    sockets.push(client);
    if (refuse) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      sockets.push(upstream);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
  });
  await listen(proxy);
});

afterAll(async () => {
  // Kept-alive connections (and the tunnels inside them) would hold the servers open.
  api.closeAllConnections();
  proxy.closeAllConnections();
  for (const s of sockets) s.destroy();
  await new Promise((r) => api.close(r));
  await new Promise((r) => proxy.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('spec.proxyURL', () => {
  it('tunnels to the API server through the proxy, with TLS and the token inside the tunnel', async () => {
    const apiPort = (api.address() as AddressInfo).port;
    const proxyPort = (proxy.address() as AddressInfo).port;
    const transport = new KubeTransport({ server: `https://127.0.0.1:${apiPort}`, ca, token: 'secret-token', proxyUrl: `http://user:p%40ss@127.0.0.1:${proxyPort}` });
    const res = await transport.request<{ gitVersion: string; path: string }>('/version');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ gitVersion: 'v1.36.3', path: '/version' });
    expect(tunnels).toEqual([`127.0.0.1:${apiPort} Basic ${Buffer.from('user:p@ss').toString('base64')}`]);
    expect(seenAuthorization).toEqual(['Bearer secret-token']);
  });

  it('reports a proxy that refuses the tunnel, and a server the CA does not vouch for', async () => {
    const apiPort = (api.address() as AddressInfo).port;
    const proxyPort = (proxy.address() as AddressInfo).port;
    refuse = true;
    try {
      await expect(new KubeTransport({ server: `https://127.0.0.1:${apiPort}`, ca, proxyUrl: `http://127.0.0.1:${proxyPort}` }).request('/version')).rejects.toThrow(/HTTP 407/);
    } finally {
      refuse = false;
    }
    await expect(new KubeTransport({ server: `https://127.0.0.1:${apiPort}`, proxyUrl: `http://127.0.0.1:${proxyPort}` }).request('/version')).rejects.toThrow(/certificate/i);
  });

  it('is not the plain path: a direct request never reaches the proxy', async () => {
    const before = tunnels.length;
    const apiPort = (api.address() as AddressInfo).port;
    const res = await new KubeTransport({ server: `https://127.0.0.1:${apiPort}`, ca }).request('/version');
    expect(res.status).toBe(200);
    expect(tunnels.length).toBe(before);
  });
});
