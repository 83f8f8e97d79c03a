import { join, resolve } from 'node:path';
import { cacheRoot } from '../util/cache-dir.js';
import { testbedCacheKey } from './versions.js';

export interface TestbedPaths {
  root: string;
  /** Finished binaries for one version set; written atomically (built into `<bin>.partial`, then renamed). */
  bin: string;
  /** Throw-away Go wrapper modules. */
  build: string;
  gomodcache: string;
  gocache: string;
  logs: string;
  lock: string;
}

export function testbedPaths(env: NodeJS.ProcessEnv = process.env): TestbedPaths {
  const root = join(cacheRoot(env), 'testbed');
  return {
    root,
    bin: join(root, 'bin', testbedCacheKey()),
    build: join(root, 'build'),
    gomodcache: join(root, 'gomod'),
    gocache: join(root, 'gobuild'),
    logs: join(root, 'logs'),
    lock: join(root, 'build.lock'),
  };
}

/** Running clusters live here (data, logs, pids, kubeconfig): `--state-dir`, `$FLOTILLA_TESTBED_STATE`, or a default. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOTILLA_TESTBED_STATE) return resolve(env.FLOTILLA_TESTBED_STATE);
  return join(cacheRoot(env), 'testbed', 'state', 'default');
}

/** First loopback port of the default testbed; each member uses ten from here. */
export const DEFAULT_BASE_PORT = 31400;
