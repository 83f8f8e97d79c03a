import { describe, expect, it } from 'vitest';
import type { HealthStatus } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import { assessHealth, assessObjects, HEALTH_ORDER, isWorse, kindsWithOwnRules, worstHealth } from './index.js';
import { fromYaml } from './testing.js';

describe('assessHealth', () => {
  it('reports an object that should exist but does not as Missing', () => {
    expect(assessHealth(null)).toEqual({ health: 'Missing', message: 'Resource does not exist' });
    expect(assessHealth(undefined).health).toBe('Missing');
  });

  it('reports any kind being deleted as Progressing, before its own rules', () => {
    const failedJob = fromYaml(`apiVersion: batch/v1
kind: Job
metadata: {name: j, deletionTimestamp: "2025-03-01T10:00:00Z", finalizers: [batch.kubernetes.io/job-tracking]}
status: {conditions: [{type: Failed, status: "True"}]}`);
    expect(assessHealth(failedJob)).toEqual({ health: 'Progressing', message: 'Pending deletion' });
    const cm = fromYaml('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, deletionTimestamp: "2025-03-01T10:00:00Z"}');
    expect(assessHealth(cm).health).toBe('Progressing');
  });

  it.each([
    ['no kind', { apiVersion: 'v1', metadata: { name: 'x' } }],
    ['metadata not a mapping', { apiVersion: 'v1', kind: 'ConfigMap', metadata: 'x' }],
    ['a string', 'kind: ConfigMap'],
  ])('reports something that is not an object (%s) as Unknown instead of throwing', (_, input) => {
    const r = assessHealth(input as unknown as KubeObject);
    expect(r.health).toBe('Unknown');
    expect(r.message).toMatch(/apiVersion and kind are required, and metadata must be a mapping/);
  });

  it('assesses an object written without metadata (a script test input) as if metadata were empty', () => {
    expect(assessHealth({ apiVersion: 'v1', kind: 'ConfigMap' } as unknown as KubeObject)).toEqual({ health: 'Healthy', message: '' });
    expect(assessHealth(fromYaml('apiVersion: apps/v1\nkind: Deployment\nspec: {replicas: 2}\nstatus: {replicas: 2, updatedReplicas: 2, availableReplicas: 1}')).health).toBe('Progressing');
  });

  it('reports a status of the wrong shape as Unknown with the field path', () => {
    const r = assessHealth(fromYaml('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, generation: 1}\nstatus: [1, 2]'));
    expect(r).toEqual({ health: 'Unknown', message: 'Deployment web: status: expected an object, got a list' });
  });

  it('picks rules by API group and kind, whatever the version', () => {
    const paused = (apiVersion: string) => fromYaml(`apiVersion: ${apiVersion}\nkind: Deployment\nmetadata: {name: d}\nspec: {paused: true}`);
    expect(assessHealth(paused('apps/v1')).health).toBe('Suspended');
    expect(assessHealth(paused('apps/v1beta2')).health).toBe('Suspended');
    expect(assessHealth(paused('example.com/v1')).health).toBe('Healthy');
  });

  it('does not modify its input', () => {
    const obj = fromYaml('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, generation: 2}\nspec: {replicas: 2}\nstatus: {observedGeneration: 1}');
    const before = JSON.stringify(obj);
    assessHealth(obj);
    expect(JSON.stringify(obj)).toBe(before);
  });

  it('has its own rules for the core kinds the spec names', () => {
    expect(kindsWithOwnRules()).toEqual(
      expect.arrayContaining([
        'apps/Deployment',
        'apps/StatefulSet',
        'apps/DaemonSet',
        'apps/ReplicaSet',
        'batch/Job',
        'batch/CronJob',
        '/Pod',
        '/Service',
        'networking.k8s.io/Ingress',
        '/PersistentVolumeClaim',
        'autoscaling/HorizontalPodAutoscaler',
        'apiregistration.k8s.io/APIService',
      ]),
    );
  });
});

describe('health order', () => {
  it("is gitops-engine's healthOrder, best to worst", () => {
    expect(HEALTH_ORDER).toEqual(['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown']);
  });

  it.each<[HealthStatus[], HealthStatus]>([
    [['Healthy', 'Healthy'], 'Healthy'],
    [['Healthy', 'Suspended'], 'Suspended'],
    [['Suspended', 'Progressing', 'Healthy'], 'Progressing'],
    [['Progressing', 'Missing'], 'Missing'],
    [['Degraded', 'Missing', 'Progressing'], 'Degraded'],
    [['Degraded', 'Unknown'], 'Unknown'],
    [['Healthy'], 'Healthy'],
    [[], 'Unknown'],
  ])('worstHealth(%j) is %s', (input, expected) => {
    expect(worstHealth(input)).toBe(expected);
  });

  it('keeps Progressing and Degraded apart', () => {
    expect(isWorse('Progressing', 'Degraded')).toBe(true);
    expect(isWorse('Degraded', 'Progressing')).toBe(false);
    expect(isWorse('Healthy', 'Healthy')).toBe(false);
  });

  it('ranks a value outside the type as Unknown, never as Healthy', () => {
    expect(worstHealth(['Healthy', 'Bogus' as HealthStatus])).toBe('Unknown');
  });

  it('does not depend on the order of its input', () => {
    const all = [...HEALTH_ORDER];
    for (let i = 0; i < all.length; i++) {
      const rotated = [...all.slice(i), ...all.slice(0, i)];
      expect(worstHealth(rotated)).toBe('Unknown');
      expect(worstHealth(rotated.filter((h) => h !== 'Unknown'))).toBe('Degraded');
    }
  });
});

describe('assessObjects (flotilla health -f)', () => {
  it('gives one entry per object, in input order, with namespace "" when absent', () => {
    const objs = [
      fromYaml('apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\nstatus: {phase: Active}'),
      fromYaml('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {paused: true}'),
      fromYaml('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: shop}'),
    ];
    const out = assessObjects(objs);
    expect(JSON.parse(JSON.stringify(out))).toEqual({
      objects: [
        { resource: { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'shop' }, health: 'Healthy', message: '' },
        { resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }, health: 'Suspended', message: 'Deployment is paused' },
        { resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'cfg' }, health: 'Healthy', message: '' },
      ],
    });
    expect(Object.keys(out.objects[0]!)).toEqual(['resource', 'health', 'message']);
  });

  it('reports a broken document without failing the others', () => {
    const out = assessObjects([{ kind: 'Widget' } as unknown as KubeObject, fromYaml('apiVersion: v1\nkind: Secret\nmetadata: {name: s}')]);
    expect(out.objects.map((o) => o.health)).toEqual(['Unknown', 'Healthy']);
    expect(out.objects[0]!.resource).toEqual({ apiVersion: '', kind: 'Widget', namespace: '', name: '' });
  });
});
