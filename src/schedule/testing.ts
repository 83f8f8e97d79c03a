/**
 * Small builders for fleets in tests, so each test states only what matters to it. Not used by production code.
 */
import type {
  ClusterDef,
  ClusterStatus,
  Fleet,
  InvalidPolicyDoc,
  PlacementCluster,
  PlacementRecord,
  PropagationPolicyDoc,
  ResourceTemplate,
} from '../model/fleet.js';
import { DEFAULT_FLEET_SETTINGS } from '../model/fleet.js';
import type { Placement, PropagationSpec, ResourceSelector } from '../model/karmada.js';
import type { KubeObject, Taint } from '../model/kube.js';
import type { ObjectRef, PolicyRef } from '../model/refs.js';
import { identityKey } from '../model/refs.js';

export interface ClusterOptions {
  labels?: Record<string, string>;
  region?: string;
  zones?: string[];
  provider?: string;
  taints?: Taint[];
}

export function cluster(name: string, opts: ClusterOptions = {}): ClusterDef {
  return {
    name,
    labels: opts.labels ?? {},
    annotations: {},
    spec: {
      syncMode: 'Push',
      ...(opts.region !== undefined ? { region: opts.region } : {}),
      ...(opts.zones !== undefined ? { zones: opts.zones } : {}),
      ...(opts.provider !== undefined ? { provider: opts.provider } : {}),
      ...(opts.taints !== undefined ? { taints: opts.taints } : {}),
    },
    source: { file: `clusters/${name}.yaml`, line: 1, column: 1 },
  };
}

export interface StatusOptions {
  ready?: 'True' | 'False' | 'Unknown';
  allocatable?: Record<string, string>;
  allocated?: Record<string, string>;
  allocating?: Record<string, string>;
  apis?: { groupVersion: string; kinds: string[] }[];
}

export function status(opts: StatusOptions = {}): ClusterStatus {
  const s: ClusterStatus = {};
  if (opts.ready !== undefined) s.conditions = [{ type: 'Ready', status: opts.ready }];
  if (opts.allocatable !== undefined) {
    s.resourceSummary = { allocatable: opts.allocatable, allocated: opts.allocated ?? {}, allocating: opts.allocating ?? {} };
  }
  if (opts.apis !== undefined) {
    s.apiEnablements = opts.apis.map((a) => ({
      groupVersion: a.groupVersion,
      resources: a.kinds.map((kind) => ({ name: `${kind.toLowerCase()}s`, kind })),
    }));
  }
  return s;
}

/** Capacity for `replicas` pods of 1 CPU each (pods are not the limit). */
export function capacityFor(replicas: number): ClusterStatus {
  return status({ ready: 'True', allocatable: { cpu: String(replicas), memory: '1Ti', pods: '10000' } });
}

export function template(object: KubeObject, namespaced = true, file?: string): ResourceTemplate {
  const namespace = namespaced ? (object.metadata.namespace ?? 'default') : '';
  const ref: ObjectRef = { apiVersion: object.apiVersion, kind: object.kind, namespace, name: object.metadata.name };
  const obj = namespaced ? { ...object, metadata: { ...object.metadata, namespace } } : object;
  return { ref, object: obj, source: { file: file ?? `workloads/${object.metadata.name}.yaml`, line: 1, column: 1 }, namespaced };
}

export interface WorkloadOptions {
  namespace?: string;
  replicas?: number;
  labels?: Record<string, string>;
  /** Per-pod CPU request, e.g. "1" or "500m". */
  cpu?: string;
  memory?: string;
  podSpec?: Record<string, unknown>;
}

export function deployment(name: string, opts: WorkloadOptions = {}): ResourceTemplate {
  const requests: Record<string, string> = {};
  if (opts.cpu !== undefined) requests['cpu'] = opts.cpu;
  if (opts.memory !== undefined) requests['memory'] = opts.memory;
  const podSpec = opts.podSpec ?? { containers: [{ name: 'app', image: 'nginx', ...(Object.keys(requests).length > 0 ? { resources: { requests } } : {}) }] };
  return template({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: opts.namespace ?? 'default', ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: { ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}), template: { spec: podSpec } },
  });
}

export function configMap(name: string, namespace = 'default', labels?: Record<string, string>): ResourceTemplate {
  return template({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(labels ? { labels } : {}) }, data: {} });
}

export function selectByName(kind: string, name: string, apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1'): ResourceSelector {
  return { apiVersion, kind, name };
}

export function selectKind(kind: string, apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1'): ResourceSelector {
  return { apiVersion, kind };
}

export type PolicySpec = Partial<Omit<PropagationSpec, 'placement'>> & { placement?: Placement };

export function pp(name: string, namespace: string, spec: PolicySpec): PropagationPolicyDoc {
  return {
    kind: 'PropagationPolicy',
    name,
    namespace,
    labels: {},
    spec: {
      ...spec,
      resourceSelectors: (spec.resourceSelectors ?? []).map((s) => ({ ...s, namespace: s.namespace ?? namespace })),
      placement: spec.placement ?? {},
    },
    source: { file: `policies/${name}.yaml`, line: 1, column: 1 },
  };
}

export function cpp(name: string, spec: PolicySpec): PropagationPolicyDoc {
  return {
    kind: 'ClusterPropagationPolicy',
    name,
    namespace: '',
    labels: {},
    spec: { ...spec, resourceSelectors: spec.resourceSelectors ?? [], placement: spec.placement ?? {} },
    source: { file: `policies/${name}.yaml`, line: 1, column: 1 },
  };
}

export function invalidPolicy(kind: InvalidPolicyDoc['kind'], name: string, namespace: string, selectors: ResourceSelector[]): InvalidPolicyDoc {
  return { kind, name, namespace, resourceSelectors: selectors, source: { file: `policies/${name}.yaml`, line: 3, column: 1 } };
}

export function ppRef(name: string, namespace = 'default'): PolicyRef {
  return { kind: 'PropagationPolicy', namespace, name };
}

export function cppRef(name: string): PolicyRef {
  return { kind: 'ClusterPropagationPolicy', namespace: '', name };
}

export function placed(...pairs: [string, number][]): PlacementCluster[] {
  return pairs.map(([name, replicas]) => ({ name, replicas }));
}

export function record(resource: ResourceTemplate | ObjectRef, policy: PolicyRef | null, clusters: PlacementCluster[], observedAffinityName?: string): PlacementRecord {
  const ref = 'ref' in resource ? resource.ref : resource;
  return { resource: ref, policy, clusters, ...(observedAffinityName !== undefined ? { observedAffinityName } : {}) };
}

export interface FleetParts {
  clusters?: ClusterDef[];
  statuses?: Record<string, ClusterStatus>;
  policies?: PropagationPolicyDoc[];
  invalidPolicies?: InvalidPolicyDoc[];
  templates?: ResourceTemplate[];
  placements?: PlacementRecord[];
}

export function fleet(parts: FleetParts): Fleet {
  return {
    settings: DEFAULT_FLEET_SETTINGS,
    clusters: parts.clusters ?? [],
    clusterStatuses: new Map(Object.entries(parts.statuses ?? {})),
    propagationPolicies: parts.policies ?? [],
    invalidPolicies: parts.invalidPolicies ?? [],
    overridePolicies: [],
    clusterTaintPolicies: [],
    workloadRebalancers: [],
    templates: parts.templates ?? [],
    placements: new Map((parts.placements ?? []).map((p) => [identityKey(p.resource), p])),
    brokenFiles: [],
    heldResources: [],
    errors: [],
    warnings: [],
  };
}

/** `{name: replicas}` of a decision, for compact assertions. */
export function replicasByCluster(clusters: readonly PlacementCluster[]): Record<string, number> {
  return Object.fromEntries(clusters.map((c) => [c.name, c.replicas]));
}
