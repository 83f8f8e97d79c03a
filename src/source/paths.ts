/** Which repository paths are the fleet's: everything else (README, CI config, dot-directories) is ignored. */

export const FLEET_DIRS = ['clusters', 'policies', 'workloads', 'interpreters', 'health', 'status'] as const;
export const DESIRED_ROOTS = ['fleet.yaml', 'clusters', 'policies', 'workloads', 'interpreters', 'health'] as const;

/** Argo CD's layout for health scripts: health/<group>/<kind>/health.lua. */
const HEALTH_SCRIPT = /^health\/[^/]+\/[^/]+\/health\.lua$/;

export function isFleetPath(path: string): boolean {
  if (!/\.ya?ml$/.test(path) && !HEALTH_SCRIPT.test(path)) return false;
  if (path === 'fleet.yaml' || path === 'fleet.yml') return true;
  const top = path.split('/', 1)[0] ?? '';
  if (!(FLEET_DIRS as readonly string[]).includes(top)) return false;
  // Dot-directories (editor backups, .github under workloads/…) are never fleet content.
  return !path.split('/').some((seg) => seg.startsWith('.'));
}

export function isRemoteSource(source: string): boolean {
  return /^https?:\/\//.test(source);
}
