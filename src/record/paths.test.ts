import { describe, expect, it } from 'vitest';
import { UnsafePathError } from '../model/errors.js';
import type { ObjectRef } from '../model/refs.js';
import { clusterStatusPath, inventoryPath, placementPath } from './paths.js';

const ref = (over: Partial<ObjectRef>): ObjectRef => ({ apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'default', name: 'w', ...over });

describe('status paths refuse names that would leave their folder', () => {
  it.each([
    ['a kind with ../', () => placementPath(ref({ kind: 'x/../../../../ESCAPED-KIND', name: 'pwn' }))],
    ['a name with /', () => placementPath(ref({ name: '../../clusters/member1' }))],
    ['a namespace of ..', () => placementPath(ref({ namespace: '..' }))],
    ['a group with a backslash', () => placementPath(ref({ apiVersion: 'a\\..\\b/v1' }))],
    ['a name with a NUL', () => placementPath(ref({ name: 'w\0' }))],
    ['a cluster with /', () => clusterStatusPath('../../policies/evil')],
    ['an inventory cluster with \\', () => inventoryPath('..\\x')],
    ['a cluster with a newline', () => inventoryPath('m1\nm2')],
  ])('%s', (_, build) => {
    expect(build).toThrow(UnsafePathError);
  });

  it('keeps ordinary names as the fleet repository format spells them', () => {
    expect(placementPath(ref({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespace: '', name: 'system:view' }))).toBe(
      'status/placements/_cluster/clusterrole.rbac.authorization.k8s.io-system:view.yaml',
    );
    expect(clusterStatusPath('member1')).toBe('status/clusters/member1.yaml');
    expect(inventoryPath('member1')).toBe('status/inventory/member1.yaml');
  });
});
