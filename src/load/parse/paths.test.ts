import { describe, expect, it } from 'vitest';
import { fleetPathRole, isFleetFile, unsafePathProblem } from './paths.js';

describe('fleetPathRole', () => {
  it.each([
    ['fleet.yaml', { role: 'settings' }],
    ['fleet.yml', { role: 'settings' }],
    ['clusters/member1.yaml', { role: 'cluster' }],
    ['clusters/eu/member1.yml', { role: 'cluster' }],
    ['policies/web.yaml', { role: 'policy' }],
    ['workloads/shop/web.yaml', { role: 'workload' }],
    ['status/clusters/member1.yaml', { role: 'cluster-status', cluster: 'member1' }],
    ['status/placements/default/deployment.apps-web.yaml', { role: 'placement' }],
    ['status/placements/_cluster/namespace-shop.yml', { role: 'placement' }],
  ])('%s is read', (path, role) => {
    expect(fleetPathRole(path)).toEqual(role);
    expect(isFleetFile(path)).toBe(true);
  });

  it.each([
    'README.md',
    'other.yaml',
    'workloads/README.md',
    'workloads/web.json',
    'workloads/web.YAML',
    '.github/workflows/ci.yaml',
    'workloads/.hidden/web.yaml',
    'workloads/.web.yaml',
    'status/inventory/member1.yaml',
    'status/clusters/eu/member1.yaml',
    'status/other.yaml',
    'docs/clusters/member1.yaml',
  ])('%s is ignored', (path) => {
    expect(fleetPathRole(path)).toBeNull();
    expect(isFleetFile(path)).toBe(false);
  });
});

describe('unsafePathProblem', () => {
  it.each([
    ['/etc/passwd.yaml', 'absolute'],
    ['C:/fleet/x.yaml', 'absolute'],
    ['workloads/../../x.yaml', "'..'"],
    ['workloads\\web.yaml', 'backslash'],
    ['workloads/web\0.yaml', 'NUL'],
    ['workloads//web.yaml', 'empty'],
    ['workloads/./web.yaml', "'.'"],
    ['', 'empty path'],
  ])('%j is refused', (path, fragment) => {
    expect(unsafePathProblem(path)).toContain(fragment);
    expect(isFleetFile(path)).toBe(false);
  });

  it('accepts ordinary relative paths', () => {
    expect(unsafePathProblem('workloads/a..b/web.yaml')).toBeNull();
  });
});
