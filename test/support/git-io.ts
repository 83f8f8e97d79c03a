/**
 * Stand-ins for the I/O FleetRepository takes (isomorphic-git's `fs` and `http`), proving that it uses them:
 * a file system under a path that does not exist on disk, and an HTTP client that records every request.
 */
import nodeFs from 'node:fs';
import type { HttpClient, PromiseFsClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';

export interface RemappedFs {
  fs: PromiseFsClient;
  /** `<method> <path as the caller gave it>` for every file access. */
  calls: string[];
}

/** node:fs with every path under `virtualRoot` served from `realRoot`: code that bypasses it finds nothing. */
export function remappedFs(virtualRoot: string, realRoot: string): RemappedFs {
  const calls: string[] = [];
  const real = nodeFs.promises as unknown as Record<string, unknown>;
  const remap = (p: unknown) => (typeof p === 'string' && p.startsWith(virtualRoot) ? realRoot + p.slice(virtualRoot.length) : p);
  const promises = new Proxy(real, {
    get(target, name) {
      const method = target[name as string];
      if (typeof method !== 'function') return method;
      return (path: unknown, ...rest: unknown[]) => {
        // isomorphic-git probes for the promise API with an argument-less readFile(): not a file access.
        if (path !== undefined) calls.push(`${String(name)} ${String(path)}`);
        return (method as (...a: unknown[]) => unknown).call(target, remap(path), ...rest);
      };
    },
  });
  return { fs: { promises } as unknown as PromiseFsClient, calls };
}

export interface RecordingHttp {
  http: HttpClient;
  /** `<METHOD> <path?query>` for every request, as the test server records them. */
  requests: string[];
}

export function recordingHttp(): RecordingHttp {
  const requests: string[] = [];
  return {
    requests,
    http: {
      request(req) {
        const url = new URL(req.url);
        requests.push(`${req.method ?? 'GET'} ${url.pathname}${url.search}`);
        return nodeHttp.request(req);
      },
    },
  };
}
