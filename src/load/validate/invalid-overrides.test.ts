import { describe, expect, it } from 'vitest';
import { loadTexts, problemsWith } from '../testing.js';

const cm = (name: string, ns: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\n`;
const deploy = (name: string, ns: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, image: x}]}\n`;
const workloads = {
  'workloads/web.yaml': deploy('web', 'shop'),
  'workloads/api.yaml': deploy('api', 'search'),
  'workloads/cfg.yaml': cm('cfg', 'shop'),
};
const held = (texts: Record<string, string>) => loadTexts({ ...workloads, ...texts }).heldResources.map((r) => `${r.kind}/${r.namespace}/${r.name}`);

describe('an override policy that cannot be used', () => {
  it('holds the templates it selects instead of applying them without the override', () => {
    const fleet = loadTexts({
      ...workloads,
      'policies/mirror.yaml':
        'apiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: {name: mirror, namespace: shop}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]\n  overrideRules:\n    - overriders:\n        imageOverrider: [{component: Registry, operator: set, value: mirror.example.com}]\n',
    });
    expect(fleet.heldResources.map((r) => r.name)).toEqual(['web']);
    expect(fleet.overridePolicies).toEqual([]);
    expect(problemsWith(fleet.errors, 'keep their last applied version')).toHaveLength(1);
    expect(problemsWith(fleet.errors, 'keep their last applied version')[0]!.file).toBe('policies/mirror.yaml');
  });

  it('holds everything in its scope when its selectors cannot be read', () => {
    expect(
      held({
        'policies/broken.yaml': 'apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterOverridePolicy\nmetadata: {name: broken}\nspec:\n  resourceSelectors: nonsense\n  overrideRules: []\n',
      }),
    ).toEqual(['Deployment/search/api', 'Deployment/shop/web', 'ConfigMap/shop/cfg']);
  });

  it('holds what a policy defined twice selects, since neither definition is used', () => {
    const opText = 'apiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: {name: twice, namespace: shop}\nspec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap, name: cfg}]\n  overrideRules: [{overriders: {labelsOverrider: [{operator: add, value: {a: b}}]}}]\n';
    expect(held({ 'policies/a.yaml': opText, 'policies/b.yaml': opText })).toEqual(['ConfigMap/shop/cfg']);
  });

  it('holds nothing when a valid policy is fine', () => {
    const ok = 'apiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: {name: ok, namespace: shop}\nspec:\n  overrideRules: [{overriders: {labelsOverrider: [{operator: add, value: {a: b}}]}}]\n';
    expect(held({ 'policies/ok.yaml': ok })).toEqual([]);
  });
});
