import { describe, expect, it } from 'vitest';
import type { OverridePolicyDoc } from '../model/fleet.js';
import type { Overriders } from '../model/karmada.js';
import { applyOverrides } from './apply-overrides.js';
import { clusterDef, clusterOverridePolicy, configMap, deployment, overridePolicy, rule } from './testing.js';

/** Each policy overwrites one annotation with its name: the value shows which policy ran last. */
function tracer(name: string): Overriders {
  return { plaintext: [{ path: '/metadata/annotations/trace', operator: 'replace', value: `last:${name}` }] };
}

function run(policies: OverridePolicyDoc[], cluster = clusterDef('m1', { region: 'eu' }), labels: Record<string, string> = { tier: 'web' }) {
  const template = deployment('web', { labels });
  template.metadata.annotations = { trace: '' };
  const outcome = applyOverrides(template, cluster, policies);
  return { outcome, trace: outcome.object.metadata.annotations?.trace };
}

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };

describe('applyOverrides ordering (docs/fleet-repository.md#override-order)', () => {
  it('cluster policies first, then namespace policies; generic → label → name; ties by name', () => {
    const policies = [
      overridePolicy('default', 'op-by-name', { resourceSelectors: [{ ...DEPLOYMENT, namespace: 'default', name: 'web' }], overrideRules: [rule(tracer('op-by-name'))] }),
      overridePolicy('default', 'op-all', { overrideRules: [rule(tracer('op-all'))] }),
      clusterOverridePolicy('cop-z-by-label', { resourceSelectors: [{ ...DEPLOYMENT, labelSelector: { matchLabels: { tier: 'web' } } }], overrideRules: [rule(tracer('cop-z-by-label'))] }),
      clusterOverridePolicy('cop-y-empty', { overrideRules: [rule(tracer('cop-y-empty'))] }),
      clusterOverridePolicy('cop-b-kind', { resourceSelectors: [DEPLOYMENT], overrideRules: [rule(tracer('cop-b-kind'))] }),
      clusterOverridePolicy('cop-a-by-name', { resourceSelectors: [{ ...DEPLOYMENT, name: 'web' }], overrideRules: [rule(tracer('cop-a-by-name'))] }),
      overridePolicy('other', 'op-elsewhere', { overrideRules: [rule(tracer('op-elsewhere'))] }),
      clusterOverridePolicy('cop-mismatch', { resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap' }], overrideRules: [rule(tracer('cop-mismatch'))] }),
    ];
    const { outcome } = run(policies);
    expect(outcome.error).toBeUndefined();
    expect(outcome.applied.map((a) => a.name)).toEqual(['cop-b-kind', 'cop-y-empty', 'cop-z-by-label', 'cop-a-by-name', 'op-all', 'op-by-name']);
    expect(outcome.applied[4]).toEqual({ kind: 'OverridePolicy', namespace: 'default', name: 'op-all' });
    expect(outcome.applied[0]).toEqual({ kind: 'ClusterOverridePolicy', name: 'cop-b-kind' });
    // The last writer wins: the most specific OverridePolicy.
    expect(outcome.object.metadata.annotations?.trace).toBe('last:op-by-name');
  });

  it('the input order of policies does not matter', () => {
    const a = clusterOverridePolicy('a', { overrideRules: [rule(tracer('a'))] });
    const b = clusterOverridePolicy('b', { overrideRules: [rule(tracer('b'))] });
    expect(run([a, b]).outcome.applied).toEqual(run([b, a]).outcome.applied);
    expect(run([b, a]).trace).toBe('last:b');
  });

  it('rules in list order, only those whose targetCluster matches the cluster', () => {
    const p = clusterOverridePolicy('p', {
      overrideRules: [
        { targetCluster: { labelSelector: { matchLabels: { region: 'eu' } } }, overriders: { labelsOverrider: [{ operator: 'add', value: { first: 'eu' } }] } },
        { targetCluster: { clusterNames: ['m2'] }, overriders: { labelsOverrider: [{ operator: 'add', value: { second: 'm2' } }] } },
        { overriders: { labelsOverrider: [{ operator: 'add', value: { first: 'all' } }] } },
      ],
    });
    const onM1 = run([p], clusterDef('m1', { region: 'eu' })).outcome.object.metadata.labels;
    const onM2 = run([p], clusterDef('m2', { region: 'us' })).outcome.object.metadata.labels;
    expect(onM1).toMatchObject({ first: 'all' });
    expect(onM1).not.toHaveProperty('second');
    expect(onM2).toMatchObject({ first: 'all', second: 'm2' });
    expect(run([p], clusterDef('m1', { region: 'eu' })).outcome.applied).toEqual([{ kind: 'ClusterOverridePolicy', name: 'p' }]);
  });

  it('a policy with no rule for the cluster is not listed as applied', () => {
    const p = clusterOverridePolicy('p', { overrideRules: [rule(tracer('p'), ['elsewhere'])] });
    expect(run([p]).outcome.applied).toEqual([]);
  });

  it('namespace policies match the labels the cluster policies left (as Karmada)', () => {
    const cop = clusterOverridePolicy('add-label', { overrideRules: [rule({ labelsOverrider: [{ operator: 'add', value: { canary: 'true' } }] })] });
    const op = overridePolicy('default', 'canary-only', {
      resourceSelectors: [{ ...DEPLOYMENT, namespace: 'default', labelSelector: { matchLabels: { canary: 'true' } } }],
      overrideRules: [rule(tracer('canary-only'))],
    });
    expect(run([op]).outcome.applied).toEqual([]);
    expect(run([op, cop]).outcome.applied.map((a) => a.name)).toEqual(['add-label', 'canary-only']);
  });

  it('OverridePolicies never apply to cluster-scoped objects', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } };
    const op = overridePolicy('', 'weird', { overrideRules: [rule({ labelsOverrider: [{ operator: 'add', value: { x: 'y' } }] })] });
    const outcome = applyOverrides(ns, clusterDef('m1'), [op]);
    expect(outcome.applied).toEqual([]);
    expect(outcome.object).toEqual(ns);
  });

  it('the deprecated single-rule form still applies', () => {
    const p = clusterOverridePolicy('old', { targetCluster: { clusterNames: ['m1'] }, overriders: tracer('old') });
    expect(run([p]).trace).toBe('last:old');
  });
});

describe('applyOverrides failures', () => {
  it('names the policy file and line, the field, the template and the cluster; the template is untouched', () => {
    const good = clusterOverridePolicy('a-good', { overrideRules: [rule({ labelsOverrider: [{ operator: 'add', value: { ok: '1' } }] })] });
    const bad = clusterOverridePolicy('b-bad', { overrideRules: [rule({}), rule({ plaintext: [{ path: '/spec/strategy/type', operator: 'replace', value: 'Recreate' }] })] }, 12);
    const template = deployment('web');
    const copy = structuredClone(template);
    const outcome = applyOverrides(template, clusterDef('m1'), [bad, good]);
    expect(outcome.error).toEqual({
      file: 'policies/b-bad.yaml',
      line: 12,
      column: 1,
      message: 'spec.overrideRules[1].overriders.plaintext[0]: cannot override Deployment/default/web for cluster m1: replace "/spec/strategy/type": /spec/strategy does not exist',
    });
    expect(outcome.applied.map((a) => a.name)).toEqual(['a-good', 'b-bad']);
    expect(outcome.object).toEqual(copy);
    expect(template).toEqual(copy);
  });

  it.each([
    ['renaming', { plaintext: [{ path: '/metadata/name', operator: 'replace', value: 'other' }] }],
    ['moving to another namespace', { plaintext: [{ path: '/metadata/namespace', operator: 'replace', value: 'other' }] }],
    ['changing the kind', { plaintext: [{ path: '/kind', operator: 'replace', value: 'StatefulSet' }] }],
    ['replacing the object with a scalar', { plaintext: [{ path: '', operator: 'replace', value: 3 }] }],
  ] as [string, Overriders][])('refuses %s', (_name, overriders) => {
    const outcome = applyOverrides(configMap('c', {}), clusterDef('m1'), [clusterOverridePolicy('p', { overrideRules: [rule(overriders)] })]);
    expect(outcome.error?.message).toMatch(/^spec\.overrideRules\[0\]\.overriders: cannot override ConfigMap\/default\/c for cluster m1: /);
  });
});
