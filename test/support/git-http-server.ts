/**
 * A real Git smart-HTTP server for tests: git's own `http-backend` CGI behind node:http, on loopback.
 * Optional basic auth (any user, the given password) proves that credentials reach the server.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHttpServer {
  url: string;
  close(): Promise<void>;
  /** Requests seen, for assertions such as "the controller fetched but did not re-clone". */
  requests: { method: string; path: string; authorized: boolean }[];
}

export interface GitHttpServerOptions {
  password?: string;
  /** Runs before a push (receive-pack) is handed to git: lets a test land a concurrent push first. */
  beforeReceivePack?: (path: string) => Promise<void> | void;
}

export async function startGitHttpServer(projectRoot: string, opts: GitHttpServerOptions = {}): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let authorized = true;
    let user = 'anonymous';
    if (opts.password) {
      const header = req.headers.authorization ?? '';
      const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString() : '';
      const sep = decoded.indexOf(':');
      authorized = sep >= 0 && decoded.slice(sep + 1) === opts.password;
      user = sep >= 0 ? decoded.slice(0, sep) : user;
    }
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, authorized });
    if (!authorized) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      res.end('authentication required\n');
      return;
    }
    if (req.method === 'POST' && url.pathname.endsWith('/git-receive-pack') && opts.beforeReceivePack) {
      req.pause();
      await opts.beforeReceivePack(url.pathname);
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: user,
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    cgi.stdout.on('end', () => res.end());
    cgi.on('error', () => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
