import { describe, expect, it } from 'vitest';
import {
  ANNOTATION_APPLIED_OVERRIDES,
  ANNOTATION_CONTENT_HASH,
  ANNOTATION_POLICY,
  ANNOTATION_SOURCE,
  LABEL_MANAGED,
  LABEL_RETAIN_REPLICAS,
} from '../model/constants.js';
import type { ResourceTemplate } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import type { PlacementDecision } from '../model/placement.js';
import { contentHash } from '../util/canonical.js';
import { renderFleet } from './render-fleet.js';
import {
  clusterDef,
  clusterOverridePolicy,
  configMap,
  decisionFor,
  deployment,
  fleetOf,
  job,
  rule,
  templateOf,
} from './testing.js';
import type { RenderResult } from './types.js';

const clusters = [clusterDef('m2', { region: 'us' }), clusterDef('m1', { region: 'eu' }), clusterDef('m3', { region: 'eu' })];

function objectsOn(result: RenderResult, cluster: string): KubeObject[] {
  return result.clusters.find((c) => c.cluster === cluster)!.objects.map((o) => o.object);
}

function find(result: RenderResult, cluster: string, kind: string, name: string): KubeObject | undefined {
  return objectsOn(result, cluster).find((o) => o.kind === kind && o.metadata.name === name);
}

/** The object without what Flotilla adds: what the user asked for. */
function withoutFlotilla(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj) as KubeObject;
  for (const map of [copy.metadata.labels, copy.metadata.annotations]) {
    for (const key of Object.keys(map ?? {})) if (key.startsWith('flotilla.dev/')) delete map![key];
  }
  if (copy.metadata.labels && Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  if (copy.metadata.annotations && Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  return copy;
}

describe('renderFleet: output shape', () => {
  const web = templateOf(deployment('web', { replicas: 2 }));
  const settings = templateOf(configMap('settings', { a: 'b' }, 'team-a'), 'workloads/team-a/settings.yaml');
  const fleet = fleetOf({ clusters, templates: [web, settings] });
  const result = renderFleet(fleet, [decisionFor(web, [['m1', 2], ['m2', 2]]), decisionFor(settings, [['m1', 0]])]);

  it('lists every cluster by name, even those with nothing placed', () => {
    expect(result.clusters.map((c) => c.cluster)).toEqual(['m1', 'm2', 'm3']);
    expect(result.clusters[2]!.objects).toEqual([]);
  });

  it('sorts objects by apiVersion, kind, namespace, name and names their files', () => {
    expect(result.clusters[0]!.objects.map((o) => o.relPath)).toEqual([
      'default/deployment.apps-web.yaml',
      'team-a/configmap-settings.yaml',
      '_cluster/namespace-team-a.yaml',
    ]);
    expect(result.clusters[0]!.objects.map((o) => `${o.ref.apiVersion} ${o.ref.kind}`)).toEqual(['apps/v1 Deployment', 'v1 ConfigMap', 'v1 Namespace']);
  });

  it('adds only Flotilla metadata; the hash is the canonical hash without the hash annotation', () => {
    const rendered = result.clusters[0]!.objects[0]!;
    const obj = rendered.object;
    expect(obj.metadata.labels?.[LABEL_MANAGED]).toBe('true');
    expect(obj.metadata.annotations?.[ANNOTATION_SOURCE]).toBe('workloads/deployment-web.yaml');
    expect(obj.metadata.annotations?.[ANNOTATION_POLICY]).toBe('ClusterPropagationPolicy/everything');
    expect(obj.metadata.annotations).not.toHaveProperty(ANNOTATION_APPLIED_OVERRIDES);
    const { [ANNOTATION_CONTENT_HASH]: hash, ...rest } = obj.metadata.annotations!;
    expect(hash).toBe(rendered.hash);
    expect(hash).toBe(contentHash({ ...obj, metadata: { ...obj.metadata, annotations: rest } }));
    expect(withoutFlotilla(obj)).toEqual(web.object);
    expect(rendered.sourceFile).toBe('workloads/deployment-web.yaml');
  });

  it('returns frozen objects and leaves the fleet untouched', () => {
    const obj = result.clusters[0]!.objects[0]!.object;
    expect(() => {
      obj.metadata.name = 'x';
    }).toThrow(TypeError);
    expect(web.object).toEqual(deployment('web', { replicas: 2 }));
    expect(Object.isFrozen(web.object)).toBe(false);
    expect(Object.isFrozen(web.ref)).toBe(false);
  });

  it('writes the namespace of a namespaced template that did not spell it out', () => {
    const bare: ResourceTemplate = { ...templateOf(configMap('bare', {})), object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bare' } } };
    const r = renderFleet(fleetOf({ clusters, templates: [bare] }), [decisionFor(bare, [['m1', 0]])]);
    expect(find(r, 'm1', 'ConfigMap', 'bare')?.metadata.namespace).toBe('default');
    expect(bare.object.metadata).toEqual({ name: 'bare' });
  });

  it('formats the policy annotation for namespaced policies with the namespace', () => {
    const r = renderFleet(fleet, [decisionFor(web, [['m1', 2]], { kind: 'PropagationPolicy', namespace: 'default', name: 'web' })]);
    expect(find(r, 'm1', 'Deployment', 'web')?.metadata.annotations?.[ANNOTATION_POLICY]).toBe('PropagationPolicy/default/web');
  });

  it('replaces Flotilla keys a template carries instead of trusting them', () => {
    const forged = templateOf({
      ...configMap('forged', {}),
      metadata: { name: 'forged', namespace: 'default', annotations: { [ANNOTATION_CONTENT_HASH]: 'x', [ANNOTATION_APPLIED_OVERRIDES]: '[]', keep: 'me' } },
    });
    const r = renderFleet(fleetOf({ clusters, templates: [forged] }), [decisionFor(forged, [['m1', 0]])]);
    const annotations = find(r, 'm1', 'ConfigMap', 'forged')!.metadata.annotations!;
    expect(annotations.keep).toBe('me');
    expect(annotations).not.toHaveProperty(ANNOTATION_APPLIED_OVERRIDES);
    expect(annotations[ANNOTATION_CONTENT_HASH]).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('renderFleet: replicas and overrides', () => {
  it('revises replicas first, then overrides (which may change them)', () => {
    const web = templateOf(deployment('web', { replicas: 5 }));
    const cop = clusterOverridePolicy('pin-us', {
      resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment' }],
      overrideRules: [rule({ plaintext: [{ path: '/spec/replicas', operator: 'replace', value: 9 }] }, ['m2'])],
    });
    const r = renderFleet(fleetOf({ clusters, templates: [web], overridePolicies: [cop] }), [decisionFor(web, [['m1', 3], ['m2', 2]])]);
    expect(find(r, 'm1', 'Deployment', 'web')?.spec).toMatchObject({ replicas: 3 });
    expect(find(r, 'm2', 'Deployment', 'web')?.spec).toMatchObject({ replicas: 9 });
    expect(find(r, 'm2', 'Deployment', 'web')?.metadata.annotations?.[ANNOTATION_APPLIED_OVERRIDES]).toBe('[{"kind":"ClusterOverridePolicy","name":"pin-us"}]');
  });

  it('drops spec.replicas where retain-replicas is set, also when an override sets the label', () => {
    const web = templateOf(deployment('web', { replicas: 4 }));
    const cop = clusterOverridePolicy('hpa-in-eu', {
      overrideRules: [{ targetCluster: { labelSelector: { matchLabels: { region: 'eu' } } }, overriders: { labelsOverrider: [{ operator: 'add', value: { [LABEL_RETAIN_REPLICAS]: 'true' } }] } }],
    });
    const r = renderFleet(fleetOf({ clusters, templates: [web], overridePolicies: [cop] }), [decisionFor(web, [['m1', 2], ['m2', 2]])]);
    expect(find(r, 'm1', 'Deployment', 'web')?.spec).not.toHaveProperty('replicas');
    expect(find(r, 'm2', 'Deployment', 'web')?.spec).toMatchObject({ replicas: 2 });
  });

  it('splits Job completions over the clusters of a divided Job', () => {
    const j = templateOf(job('batch', { parallelism: 4, completions: 9 }));
    const r = renderFleet(fleetOf({ clusters, templates: [j] }), [decisionFor(j, [['m1', 3], ['m2', 1]])]);
    const specs = ['m1', 'm2'].map((c) => find(r, c, 'Job', 'batch')?.spec as { parallelism: number; completions: number });
    expect(specs.map((s) => s.parallelism)).toEqual([3, 1]);
    expect(specs[0]!.completions + specs[1]!.completions).toBe(9);
    expect(specs[0]!.completions).toBeGreaterThan(specs[1]!.completions);
  });

  it('renders suspended clusters and propagated dependencies like any other', () => {
    const cm = templateOf(configMap('dep', { k: 'v' }));
    const d: PlacementDecision = { ...decisionFor(cm, [['m1', 0], ['m3', 0]]), suspendedClusters: ['m3'], requiredBy: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' }] };
    const r = renderFleet(fleetOf({ clusters, templates: [cm] }), [d]);
    expect(find(r, 'm1', 'ConfigMap', 'dep')).toBeDefined();
    expect(find(r, 'm3', 'ConfigMap', 'dep')).toBeDefined();
  });

  it('ignores clusters the fleet does not define and decisions without a template', () => {
    const cm = templateOf(configMap('c', {}));
    const ghost = decisionFor({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'ghost' }, [['m1', 0]]);
    const r = renderFleet(fleetOf({ clusters, templates: [cm] }), [decisionFor(cm, [['gone', 0], ['m1', 0]]), ghost]);
    expect(r.clusters.map((c) => c.cluster)).toEqual(['m1', 'm2', 'm3']);
    expect(objectsOn(r, 'm1').map((o) => o.metadata.name)).toEqual(['c']);
  });
});

describe('renderFleet: failure isolation', () => {
  const web = templateOf(deployment('web', { replicas: 2 }));
  const cm = templateOf(configMap('settings', { a: 'b' }));
  const bad = clusterOverridePolicy(
    'strategy-in-eu',
    { overrideRules: [{ targetCluster: { labelSelector: { matchLabels: { region: 'eu' } } }, overriders: { plaintext: [{ path: '/spec/strategy/type', operator: 'replace', value: 'Recreate' }] } }] },
    7,
  );
  const fleet = fleetOf({ clusters, templates: [web, cm], overridePolicies: [bad] });
  const result = renderFleet(fleet, [decisionFor(web, [['m1', 1], ['m2', 1]]), decisionFor(cm, [['m1', 0], ['m2', 0]])]);

  it('reports the policy file and line, the template and the cluster', () => {
    expect(result.problems).toEqual([
      {
        file: 'policies/strategy-in-eu.yaml',
        line: 7,
        column: 1,
        message: 'spec.overrideRules[0].overriders.plaintext[0]: cannot override ConfigMap/default/settings for cluster m1: replace "/spec/strategy/type": /spec does not exist',
      },
      {
        file: 'policies/strategy-in-eu.yaml',
        line: 7,
        column: 1,
        message: 'spec.overrideRules[0].overriders.plaintext[0]: cannot override Deployment/default/web for cluster m1: replace "/spec/strategy/type": /spec/strategy does not exist',
      },
    ]);
  });

  it('holds exactly the failing pairs; everything else renders', () => {
    expect(result.held).toEqual([
      { cluster: 'm1', ref: web.ref },
      { cluster: 'm1', ref: cm.ref },
    ]);
    expect(find(result, 'm1', 'Deployment', 'web')).toBeUndefined();
    expect(find(result, 'm2', 'Deployment', 'web')).toBeDefined();
    expect(find(result, 'm2', 'ConfigMap', 'settings')).toBeDefined();
  });

  it('holds templates the loader could not settle on their decided and previous clusters', () => {
    const dup = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-x', name: 'dup' };
    const fromBrokenFile = templateOf(configMap('half', {}), 'workloads/broken.yaml');
    const placements = new Map([['/ConfigMap/team-x/dup', { resource: dup, policy: null, clusters: [{ name: 'm3', replicas: 0 }] }]]);
    const f = fleetOf({ clusters, templates: [fromBrokenFile], heldResources: [dup], brokenFiles: ['workloads/broken.yaml'], placements });
    const r = renderFleet(f, [decisionFor(dup, [['m1', 0]]), decisionFor(fromBrokenFile, [['m2', 0]])]);
    expect(r.held).toEqual([
      { cluster: 'm1', ref: dup },
      { cluster: 'm2', ref: fromBrokenFile.ref },
      { cluster: 'm3', ref: dup },
    ]);
    expect(r.clusters.flatMap((c) => c.objects.map((o) => o.ref.name))).toEqual(['team-x', 'team-x']);
    expect(r.problems).toEqual([]);
  });
});

describe('renderFleet: namespaces', () => {
  const inTeam = templateOf(configMap('c', {}, 'team-a'));
  const inDefault = templateOf(configMap('d', {}, 'default'));
  const inSystem = templateOf(configMap('s', {}, 'kube-system'));
  const nsTemplate = templateOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b', labels: { owner: 'b' } } });
  const inTeamB = templateOf(configMap('e', {}, 'team-b'));

  it('adds an implicit Namespace, never for built-in namespaces', () => {
    const r = renderFleet(fleetOf({ clusters, templates: [inTeam, inDefault, inSystem] }), [decisionFor(inTeam, [['m1', 0]]), decisionFor(inDefault, [['m1', 0]]), decisionFor(inSystem, [['m1', 0]])]);
    const namespaces = r.clusters[0]!.objects.filter((o) => o.ref.kind === 'Namespace');
    expect(namespaces.map((n) => n.ref.name)).toEqual(['team-a']);
    expect(namespaces[0]!.object).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a', labels: { [LABEL_MANAGED]: 'true' }, annotations: { [ANNOTATION_CONTENT_HASH]: namespaces[0]!.hash } },
    });
    expect(namespaces[0]!.sourceFile).toBe('');
    expect(objectsOn(r, 'm2')).toEqual([]);
  });

  it('uses the Namespace template with its overrides for that cluster, even if no policy placed it', () => {
    const cop = clusterOverridePolicy('ns-label', {
      resourceSelectors: [{ apiVersion: 'v1', kind: 'Namespace' }],
      overrideRules: [rule({ labelsOverrider: [{ operator: 'add', value: { zone: 'm1' } }] }, ['m1'])],
    });
    const r = renderFleet(fleetOf({ clusters, templates: [nsTemplate, inTeamB], overridePolicies: [cop] }), [decisionFor(inTeamB, [['m1', 0], ['m2', 0]])]);
    expect(find(r, 'm1', 'Namespace', 'team-b')?.metadata.labels).toEqual({ owner: 'b', zone: 'm1', [LABEL_MANAGED]: 'true' });
    expect(find(r, 'm2', 'Namespace', 'team-b')?.metadata.labels).toEqual({ owner: 'b', [LABEL_MANAGED]: 'true' });
    expect(find(r, 'm2', 'Namespace', 'team-b')?.metadata.annotations).not.toHaveProperty(ANNOTATION_POLICY);
  });

  it('does not add a second Namespace where the template is placed', () => {
    const r = renderFleet(fleetOf({ clusters, templates: [nsTemplate, inTeamB] }), [decisionFor(inTeamB, [['m1', 0]]), decisionFor(nsTemplate, [['m1', 0]])]);
    const namespaces = objectsOn(r, 'm1').filter((o) => o.kind === 'Namespace');
    expect(namespaces).toHaveLength(1);
    expect(namespaces[0]!.metadata.annotations?.[ANNOTATION_POLICY]).toBe('ClusterPropagationPolicy/everything');
  });

  it('keeps a namespace for objects that are held there', () => {
    const bad = clusterOverridePolicy('bad', { resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap' }], overrideRules: [rule({ plaintext: [{ path: '/nope', operator: 'remove' }] })] });
    const r = renderFleet(fleetOf({ clusters, templates: [inTeam], overridePolicies: [bad] }), [decisionFor(inTeam, [['m1', 0]])]);
    expect(r.held).toEqual([{ cluster: 'm1', ref: inTeam.ref }]);
    expect(objectsOn(r, 'm1').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/team-a']);
  });
});

describe('renderFleet: options.clusters', () => {
  it('renders only the named clusters', () => {
    const cm = templateOf(configMap('c', {}));
    const r = renderFleet(fleetOf({ clusters, templates: [cm] }), [decisionFor(cm, [['m1', 0], ['m2', 0]])], { clusters: ['m2', 'nope'] });
    expect(r.clusters.map((c) => c.cluster)).toEqual(['m2']);
    expect(r.clusters[0]!.objects).toHaveLength(1);
  });
});
