/**
 * Small builders for render tests and benchmarks: Fleet, ClusterDef, templates, policies and decisions as plain
 * data, without the loader.
 */
import { parseAllDocuments } from 'yaml';
import { DEFAULT_FLEET_SETTINGS, type ClusterDef, type Fleet, type OverridePolicyDoc, type ResourceTemplate } from '../model/fleet.js';
import type { ClusterSpec, OverrideSpec, Overriders } from '../model/karmada.js';
import type { KubeObject } from '../model/kube.js';
import type { PlacementDecision } from '../model/placement.js';
import { refOf, type ObjectRef, type PolicyRef } from '../model/refs.js';
import { contentHash } from '../util/canonical.js';
import type { RenderResult } from './types.js';

export function clusterDef(name: string, labels: Record<string, string> = {}, spec: Partial<ClusterSpec> = {}): ClusterDef {
  return { name, labels, annotations: {}, spec: { syncMode: 'Push', ...spec }, source: { file: `clusters/${name}.yaml`, line: 1, column: 1 } };
}

const CLUSTER_SCOPED_KINDS = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'Node', 'PersistentVolume', 'StorageClass']);

/** A template as the loader hands it over: namespace defaulted to `default` for namespaced kinds. */
export function templateOf(object: KubeObject, file = `workloads/${object.kind.toLowerCase()}-${object.metadata.name}.yaml`): ResourceTemplate {
  const namespaced = !CLUSTER_SCOPED_KINDS.has(object.kind);
  const obj = namespaced && !object.metadata.namespace ? { ...object, metadata: { ...object.metadata, namespace: 'default' } } : object;
  return { ref: refOf(obj), object: obj, source: { file, line: 1, column: 1 }, namespaced };
}

export interface DeploymentOptions {
  namespace?: string;
  replicas?: number;
  labels?: Record<string, string>;
  image?: string;
  containers?: Record<string, unknown>[];
}

export function deployment(name: string, options: DeploymentOptions = {}): KubeObject {
  const spec: Record<string, unknown> = {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: options.containers ?? [{ name: 'app', image: options.image ?? 'registry.example.com/team/app:1.0.0' }] },
    },
  };
  if (options.replicas !== undefined) spec.replicas = options.replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: options.namespace ?? 'default', labels: { app: name, ...options.labels } },
    spec,
  };
}

export function configMap(name: string, data: Record<string, string>, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

export function job(name: string, spec: Record<string, unknown>, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace },
    spec: { ...spec, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox:1.36' }] } } },
  };
}

export function clusterOverridePolicy(name: string, spec: OverrideSpec, line = 1): OverridePolicyDoc {
  return { kind: 'ClusterOverridePolicy', name, namespace: '', spec, source: { file: `policies/${name}.yaml`, line, column: 1 } };
}

export function overridePolicy(namespace: string, name: string, spec: OverrideSpec, line = 1): OverridePolicyDoc {
  return { kind: 'OverridePolicy', name, namespace, spec, source: { file: `policies/${namespace}/${name}.yaml`, line, column: 1 } };
}

/** One rule for every cluster (or for the named ones). */
export function rule(overriders: Overriders, clusterNames?: string[]): NonNullable<OverrideSpec['overrideRules']>[number] {
  return clusterNames ? { targetCluster: { clusterNames }, overriders } : { overriders };
}

export const CPP: PolicyRef = { kind: 'ClusterPropagationPolicy', namespace: '', name: 'everything' };

export function decisionFor(template: ResourceTemplate | ObjectRef, clusters: [string, number][], policy: PolicyRef | null = CPP): PlacementDecision {
  const resource = 'ref' in template ? template.ref : template;
  return {
    resource,
    policy,
    scheduled: true,
    reason: 'Success',
    message: '',
    clusters: clusters.map(([name, replicas]) => ({ name, replicas })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

export function fleetOf(parts: Partial<Fleet>): Fleet {
  return {
    settings: DEFAULT_FLEET_SETTINGS,
    clusters: [],
    clusterStatuses: new Map(),
    propagationPolicies: [],
    invalidPolicies: [],
    overridePolicies: [],
    clusterTaintPolicies: [],
    workloadRebalancers: [],
    templates: [],
    placements: new Map(),
    brokenFiles: [],
    heldResources: [],
    errors: [],
    warnings: [],
    ...parts,
  };
}

export interface SyntheticFleetOptions {
  clusters: number;
  templates: number;
  /** Override policies (image, label and plaintext overriders) each targeting a subset of the clusters. */
  policies?: number;
  namespaces?: number;
}

/**
 * A fleet shaped like a real one at scale: Deployments, Services and ConfigMaps over a few namespaces, every
 * template on every cluster (Duplicated), and a few override policies aimed at subsets of clusters by label.
 */
export function syntheticFleet(options: SyntheticFleetOptions): { fleet: Fleet; decisions: PlacementDecision[] } {
  const nNamespaces = options.namespaces ?? 10;
  const regions = ['eu-west', 'eu-north', 'us-east', 'us-west', 'ap-south'];
  const clusters = Array.from({ length: options.clusters }, (_, i) =>
    clusterDef(`member-${String(i).padStart(4, '0')}`, { region: regions[i % regions.length]!, tier: i % 3 === 0 ? 'edge' : 'core' }),
  );
  const templates: ResourceTemplate[] = [];
  for (let i = 0; i < options.templates; i++) {
    const name = `app-${String(i).padStart(4, '0')}`;
    const namespace = `team-${i % nNamespaces}`;
    const kind = i % 3;
    const object =
      kind === 0
        ? deployment(name, { namespace, replicas: 2 + (i % 4), image: `registry.example.com/team-${i % nNamespaces}/${name}:1.${i % 7}.0` })
        : kind === 1
          ? {
              apiVersion: 'v1',
              kind: 'Service',
              metadata: { name, namespace, labels: { app: name } },
              spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
            }
          : configMap(name, { 'settings.json': JSON.stringify({ name, shard: i }), LOG_LEVEL: 'info' }, namespace);
    templates.push(templateOf(object));
  }
  const nPolicies = options.policies ?? 4;
  const policies: OverridePolicyDoc[] = [];
  for (let p = 0; p < nPolicies; p++) {
    const region = regions[p % regions.length]!;
    const selectors = [{ apiVersion: 'apps/v1', kind: 'Deployment' }];
    const target = { labelSelector: { matchLabels: { region } } };
    if (p % 3 === 0) {
      policies.push(
        clusterOverridePolicy(`mirror-${region}-${p}`, {
          resourceSelectors: selectors,
          overrideRules: [{ targetCluster: target, overriders: { imageOverrider: [{ component: 'Registry', operator: 'replace', value: `mirror.${region}.example.com` }] } }],
        }),
      );
    } else if (p % 3 === 1) {
      policies.push(
        clusterOverridePolicy(`label-${region}-${p}`, {
          overrideRules: [{ targetCluster: target, overriders: { labelsOverrider: [{ operator: 'add', value: { 'example.com/region': region } }] } }],
        }),
      );
    } else {
      policies.push(
        clusterOverridePolicy(`scale-edge-${p}`, {
          resourceSelectors: selectors,
          overrideRules: [
            {
              targetCluster: { labelSelector: { matchLabels: { tier: 'edge' } } },
              overriders: { plaintext: [{ path: '/spec/template/spec/containers/0/env', operator: 'add', value: [{ name: 'EDGE', value: 'true' }] }] },
            },
          ],
        }),
      );
    }
  }
  const decisions = templates.map((t) =>
    decisionFor(
      t,
      clusters.map((c) => [c.name, t.ref.kind === 'Deployment' ? ((t.object.spec as { replicas: number }).replicas ?? 1) : 0]),
    ),
  );
  return { fleet: fleetOf({ clusters, templates, overridePolicies: policies }), decisions };
}

/**
 * Just enough of a loader to read the kustomize comparison fixture: Clusters, ClusterOverridePolicies and templates;
 * every template placed on every cluster as the fixture's Duplicated policy says.
 */
export function fleetFromFixture(files: readonly { path: string; content: string }[]): { fleet: Fleet; decisions: PlacementDecision[] } {
  const clusters: ClusterDef[] = [];
  const templates: ResourceTemplate[] = [];
  const overridePolicies: OverridePolicyDoc[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(file.content)) {
      const obj = doc.toJS() as KubeObject | null;
      if (!obj) continue;
      const source = { file: file.path, line: 1, column: 1 };
      if (obj.kind === 'Cluster') {
        clusters.push({ ...clusterDef(obj.metadata.name, obj.metadata.labels ?? {}, obj.spec as Partial<ClusterSpec>), source });
      } else if (obj.kind === 'ClusterOverridePolicy') {
        overridePolicies.push({ kind: 'ClusterOverridePolicy', name: obj.metadata.name, namespace: '', spec: obj.spec as OverrideSpec, source });
      } else if (file.path.startsWith('workloads/')) {
        templates.push(templateOf(obj, file.path));
      }
    }
  }
  const decisions = templates.map((t) =>
    decisionFor(
      t,
      clusters.map((c) => [c.name, t.ref.kind === 'Deployment' ? ((t.object.spec as { replicas?: number }).replicas ?? 1) : 0]),
    ),
  );
  return { fleet: fleetOf({ clusters, templates, overridePolicies }), decisions };
}

/** Everything a render result says, as one comparable string. */
export function renderSnapshot(result: RenderResult): string {
  return JSON.stringify({
    clusters: result.clusters.map((c) => ({ cluster: c.cluster, objects: c.objects.map((o) => [o.relPath, o.sourceFile, o.hash, contentHash(o.object)]) })),
    problems: result.problems,
    held: result.held,
  });
}
