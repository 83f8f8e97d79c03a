/** Which repository paths are the fleet's: everything else (README, CI config, dot-directories) is ignored. */

export const FLEET_DIRS = ['clusters', 'policies', 'workloads', 'status'] as const;
export const DESIRED_ROOTS = ['fleet.yaml', 'clusters', 'policies', 'workloads'] as const;

export function isFleetPath(path: string): boolean {
  if (!/\.ya?ml$/.test(path)) return false;
  if (path === 'fleet.yaml' || path === 'fleet.yml') return true;
  const top = path.split('/', 1)[0] ?? '';
  if (!(FLEET_DIRS as readonly string[]).includes(top)) return false;
  // Dot-directories (editor backups, .github under workloads/…) are never fleet content.
  return !path.split('/').some((seg) => seg.startsWith('.'));
}

export function isRemoteSource(source: string): boolean {
  return /^https?:\/\//.test(source);
}
