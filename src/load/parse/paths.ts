/**
 * Which part of the fleet a repository path belongs to (docs/fleet-repository.md#layout). Paths are relative and
 * `/`-separated; anything that is not a `.yaml`/`.yml` file in a fleet directory is not the fleet's business.
 */
import { unsafeRepositoryPathReason, type UnsafeRepositoryPathReason } from '../../util/safe-path.js';

export type FleetPathRole =
  | { role: 'settings' }
  | { role: 'cluster' }
  | { role: 'policy' }
  | { role: 'workload' }
  | { role: 'cluster-status'; cluster: string }
  | { role: 'placement' }
  | { role: 'interpreter' }
  | { role: 'health-script' };

const PATH_PROBLEM: Record<UnsafeRepositoryPathReason, string> = {
  empty: 'empty path',
  nul: 'path contains a NUL character',
  backslash: 'path contains a backslash (paths are /-separated)',
  absolute: 'path is absolute',
  'dot-dot': "path contains a '..' segment",
  'empty-or-dot-segment': "path contains an empty or '.' segment",
};

/** Why a path cannot be accepted at all (absolute, `..`, backslashes, NUL), or null for a safe path. */
export function unsafePathProblem(path: string): string | null {
  const reason = unsafeRepositoryPathReason(path);
  return reason === null ? null : PATH_PROBLEM[reason];
}

const YAML_FILE = /\.ya?ml$/;

/** The role of a safe path in the fleet, or null when the loader ignores it (README, CI config, dot-directories…). */
export function fleetPathRole(path: string): FleetPathRole | null {
  const segments = path.split('/');
  if (segments.some((s) => s.startsWith('.'))) return null;
  if (segments.length === 4 && segments[0] === 'health' && segments[3] === 'health.lua') return { role: 'health-script' };
  if (!YAML_FILE.test(path)) return null;
  if (segments.length === 1) return path === 'fleet.yaml' || path === 'fleet.yml' ? { role: 'settings' } : null;
  const [top, second] = segments;
  if (top === 'clusters') return { role: 'cluster' };
  if (top === 'policies') return { role: 'policy' };
  if (top === 'workloads') return { role: 'workload' };
  if (top === 'interpreters') return { role: 'interpreter' };
  if (top === 'status' && second === 'clusters' && segments.length === 3) return { role: 'cluster-status', cluster: segments[2]!.replace(YAML_FILE, '') };
  if (top === 'status' && second === 'placements' && segments.length > 2) return { role: 'placement' };
  return null;
}

/** True when the loader reads this path (for watchers and the CLI: a change elsewhere cannot change the fleet). */
export function isFleetFile(path: string): boolean {
  return unsafePathProblem(path) === null && fleetPathRole(path) !== null;
}
