import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Flotilla's cache on this machine (the controller's clones, the testbed's builds), outside any repository and
 * shared by every clone: `$FLOTILLA_CACHE_DIR`, else `$XDG_CACHE_HOME/flotilla`, else `~/.cache/flotilla`.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOTILLA_CACHE_DIR) return resolve(env.FLOTILLA_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'flotilla');
}
