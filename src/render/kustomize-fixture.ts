/**
 * The same fleet twice, to time `flotilla render` against `kubectl kustomize`: (a) a fleet repository with one
 * ClusterPropagationPolicy placing everything everywhere (Duplicated) and one ClusterOverridePolicy per cluster
 * (a plaintext JSON patch and a labelsOverrider, targeting that cluster by name); (b) a kustomize tree with a `base/`
 * holding the same templates and one `overlays/<cluster>/` per cluster holding the same JSON 6902 patch and label.
 *
 * Templates are Deployments, Services and ConfigMaps in round robin over `ceil(nTemplates / 50)` namespaces, plus
 * one Namespace object per namespace (not counted in nTemplates). Pure and deterministic: same arguments, same bytes.
 */
import type { KubeObject } from '../model/kube.js';
import { toManifestYaml, toYaml } from './manifest-yaml.js';

export interface FixtureFile {
  path: string;
  content: string;
}

export interface KustomizeComparison {
  fleet: FixtureFile[];
  kustomize: FixtureFile[];
}

/** The annotation and label each cluster's override adds (the JSON 6902 patch and `labels` of its overlay). */
export const FIXTURE_CLUSTER_ANNOTATION = 'fleet.example.com/cluster';
export const FIXTURE_CLUSTER_LABEL = 'fleet.example.com/cluster';

const KINDS: { apiVersion: string; kind: string; group: string }[] = [
  { apiVersion: 'v1', kind: 'Namespace', group: '' },
  { apiVersion: 'apps/v1', kind: 'Deployment', group: 'apps' },
  { apiVersion: 'v1', kind: 'Service', group: '' },
  { apiVersion: 'v1', kind: 'ConfigMap', group: '' },
];

export function fixtureClusterName(index: number, nClusters: number): string {
  return `member-${String(index + 1).padStart(Math.max(3, String(nClusters).length), '0')}`;
}

export function generateKustomizeComparison(nClusters: number, nTemplates: number): KustomizeComparison {
  const clusters = Array.from({ length: nClusters }, (_, i) => fixtureClusterName(i, nClusters));
  const templates = fixtureTemplates(nTemplates);
  const templateFiles = templates.map((t) => ({ path: t.file, content: t.objects.map(toManifestYaml).join('---\n') }));

  const fleet: FixtureFile[] = [
    ...clusters.map((name, i) => ({ path: `clusters/${name}.yaml`, content: toManifestYaml(clusterObject(name, i)) })),
    { path: 'policies/propagate-everything.yaml', content: toManifestYaml(propagationPolicy()) },
    ...clusters.map((name) => ({ path: `policies/overrides/${name}.yaml`, content: toManifestYaml(overridePolicy(name)) })),
    ...templateFiles.map((f) => ({ path: `workloads/${f.path}`, content: f.content })),
  ];
  const kustomize: FixtureFile[] = [
    {
      path: 'base/kustomization.yaml',
      content: toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: templateFiles.map((f) => f.path) }),
    },
    ...templateFiles.map((f) => ({ path: `base/${f.path}`, content: f.content })),
    ...clusters.map((name) => ({ path: `overlays/${name}/kustomization.yaml`, content: toYaml(overlay(name)) })),
  ];
  return { fleet, kustomize };
}

function fixtureTemplates(nTemplates: number): { file: string; objects: KubeObject[] }[] {
  const nNamespaces = Math.max(1, Math.ceil(nTemplates / 50));
  const width = Math.max(4, String(nTemplates).length);
  const namespaces = Array.from({ length: nNamespaces }, (_, i) => `team-${String(i).padStart(2, '0')}`);
  const out = [{ file: 'namespaces.yaml', objects: namespaces.map(namespaceObject) }];
  for (let i = 0; i < nTemplates; i++) {
    const name = `app-${String(i).padStart(width, '0')}`;
    const namespace = namespaces[i % nNamespaces]!;
    const kind = (['Deployment', 'Service', 'ConfigMap'] as const)[i % 3]!;
    const object = kind === 'Deployment' ? deployment(name, namespace, i) : kind === 'Service' ? service(name, namespace) : configMap(name, namespace, i);
    out.push({ file: `${kind.toLowerCase()}-${name}.yaml`, objects: [object] });
  }
  return out;
}

function meta(name: string, namespace: string): KubeObject['metadata'] {
  return { name, namespace, labels: { app: name }, annotations: { 'fleet.example.com/owner': namespace } };
}

function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { team: name }, annotations: { 'fleet.example.com/owner': name } } };
}

function deployment(name: string, namespace: string, i: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, namespace),
    spec: {
      replicas: (i % 3) + 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'app',
              image: `registry.example.com/apps/${name}:1.${i % 10}.0`,
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'LOG_LEVEL', value: 'info' }],
              resources: { requests: { cpu: '100m', memory: '128Mi' } },
            },
          ],
        },
      },
    },
  };
}

function service(name: string, namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, namespace),
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

function configMap(name: string, namespace: string, i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(name, namespace),
    data: { 'app.properties': `name=${name}\nshard=${i}\n`, LOG_LEVEL: 'info' },
  };
}

function clusterObject(name: string, i: number): KubeObject {
  const region = `region-${i % 4}`;
  return {
    apiVersion: 'cluster.karmada.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name, labels: { region } },
    spec: { syncMode: 'Push', apiEndpoint: `https://${name}.example.com:6443`, region },
  };
}

const SELECTORS = KINDS.map(({ apiVersion, kind }) => ({ apiVersion, kind }));

function propagationPolicy(): KubeObject {
  return {
    apiVersion: 'policy.karmada.io/v1alpha1',
    kind: 'ClusterPropagationPolicy',
    metadata: { name: 'everything' },
    spec: { resourceSelectors: SELECTORS, placement: { replicaScheduling: { replicaSchedulingType: 'Duplicated' } } },
  };
}

function patchOperations(cluster: string): { op: string; path: string; value: string }[] {
  return [{ op: 'add', path: `/metadata/annotations/${FIXTURE_CLUSTER_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`, value: cluster }];
}

function overridePolicy(cluster: string): KubeObject {
  return {
    apiVersion: 'policy.karmada.io/v1alpha1',
    kind: 'ClusterOverridePolicy',
    metadata: { name: cluster },
    spec: {
      resourceSelectors: SELECTORS,
      overrideRules: [
        {
          targetCluster: { clusterNames: [cluster] },
          overriders: {
            plaintext: patchOperations(cluster).map(({ op, path, value }) => ({ path, operator: op, value })),
            labelsOverrider: [{ operator: 'add', value: { [FIXTURE_CLUSTER_LABEL]: cluster } }],
          },
        },
      ],
    },
  };
}

function overlay(cluster: string): Record<string, unknown> {
  const patch = toYaml(patchOperations(cluster)).trimEnd();
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['../../base'],
    labels: [{ pairs: { [FIXTURE_CLUSTER_LABEL]: cluster } }],
    patches: KINDS.map(({ group, kind }) => ({ target: group ? { group, version: 'v1', kind } : { version: 'v1', kind }, patch })),
  };
}
