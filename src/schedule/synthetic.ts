/**
 * Generated fleets for the benchmark and for property tests: many clusters across regions, mixed placement
 * strategies, capacity in status files, some unhealthy clusters. Seeded, so every run builds the same fleet.
 */
import type { ClusterDef, ClusterStatus, Fleet, PlacementRecord, PropagationPolicyDoc, ResourceTemplate } from '../model/fleet.js';
import type { Placement } from '../model/karmada.js';
import type { PlacementDecision } from '../model/placement.js';
import { identityKey } from '../model/refs.js';
import { cluster, configMap, deployment, fleet, pp, cpp, status, template } from './testing.js';
import { seededRandom } from '../util/prng.js';

export interface SyntheticOptions {
  clusters: number;
  templates: number;
  seed?: number;
  /** Namespaces the templates are spread over (default 10). */
  namespaces?: number;
}

const REGIONS = ['ap-south', 'eu-central', 'eu-west', 'sa-east', 'us-east', 'us-west'];

const dynamic: Placement['replicaScheduling'] = { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } };

/** One placement per strategy family the scheduler supports. */
function placements(): Record<string, Placement> {
  return {
    duplicated: { clusterAffinity: { labelSelector: { matchLabels: { env: 'prod' } } }, replicaScheduling: { replicaSchedulingType: 'Duplicated' } },
    static: {
      clusterAffinity: { fieldSelector: { matchExpressions: [{ key: 'region', operator: 'In', values: ['eu-west', 'eu-central', 'us-east'] }] } },
      replicaScheduling: {
        replicaSchedulingType: 'Divided',
        replicaDivisionPreference: 'Weighted',
        weightPreference: {
          staticWeightList: [
            { targetCluster: { fieldSelector: { matchExpressions: [{ key: 'region', operator: 'In', values: ['eu-west'] }] } }, weight: 3 },
            { targetCluster: { labelSelector: { matchLabels: { tier: 'gold' } } }, weight: 2 },
            { targetCluster: { fieldSelector: { matchExpressions: [{ key: 'region', operator: 'In', values: ['us-east'] }] } }, weight: 1 },
          ],
        },
      },
    },
    dynamic: {
      clusterAffinity: { labelSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] } },
      spreadConstraints: [{ spreadByField: 'cluster', minGroups: 2, maxGroups: 8 }],
      replicaScheduling: dynamic,
    },
    aggregated: {
      clusterAffinity: { fieldSelector: { matchExpressions: [{ key: 'region', operator: 'In', values: ['us-east', 'us-west'] }] } },
      replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' },
    },
    regions: {
      spreadConstraints: [
        { spreadByField: 'region', minGroups: 2, maxGroups: 3 },
        { spreadByField: 'cluster', minGroups: 3, maxGroups: 6 },
      ],
      replicaScheduling: dynamic,
    },
    failover: {
      clusterAffinities: [
        { affinityName: 'primary', fieldSelector: { matchExpressions: [{ key: 'region', operator: 'In', values: ['eu-west'] }] }, labelSelector: { matchLabels: { tier: 'gold' } } },
        { affinityName: 'backup', fieldSelector: { matchExpressions: [{ key: 'region', operator: 'In', values: ['eu-central'] }] } },
      ],
      spreadConstraints: [{ spreadByField: 'cluster', minGroups: 1, maxGroups: 2 }],
      replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' },
    },
  };
}

function syntheticCluster(i: number, rand: () => number): { def: ClusterDef; status: ClusterStatus | undefined } {
  const name = `cluster-${String(i).padStart(4, '0')}`;
  const region = REGIONS[i % REGIONS.length] as string;
  const def = cluster(name, {
    region,
    zones: [`${region}-${1 + (i % 3)}`],
    provider: i % 2 === 0 ? 'aws' : 'gcp',
    labels: { env: rand() < 0.6 ? 'prod' : 'staging', tier: rand() < 0.3 ? 'gold' : 'standard' },
    ...(rand() < 0.05 ? { taints: [{ key: 'maintenance', effect: 'NoSchedule' as const }] } : {}),
  });
  if (rand() < 0.05) return { def, status: undefined };
  const cpu = 16 + Math.floor(rand() * 112);
  const used = Math.floor(rand() * cpu * 0.8);
  const ready = rand() < 0.04 ? 'False' : 'True';
  const s = status({
    ready,
    allocatable: { cpu: String(cpu), memory: `${cpu * 4}Gi`, pods: '1100' },
    allocated: { cpu: `${used * 1000 + 500}m`, memory: `${used * 3}Gi`, pods: String(Math.floor(rand() * 300)) },
    ...(i % 7 === 0 ? { apis: [{ groupVersion: 'apps/v1', kinds: ['Deployment', 'StatefulSet'] }, { groupVersion: 'v1', kinds: ['ConfigMap', 'Secret'] }] } : {}),
  });
  return { def, status: s };
}

export function syntheticFleet(opts: SyntheticOptions): Fleet {
  const rand = seededRandom(opts.seed ?? 1);
  const namespaces = Array.from({ length: opts.namespaces ?? 10 }, (_, i) => `team-${i}`);
  const clusters: ClusterDef[] = [];
  const statuses: Record<string, ClusterStatus> = {};
  for (let i = 0; i < opts.clusters; i++) {
    const c = syntheticCluster(i, rand);
    clusters.push(c.def);
    if (c.status) statuses[c.def.name] = c.status;
  }

  const kinds = placements();
  const strategyNames = Object.keys(kinds);
  const policies: PropagationPolicyDoc[] = [];
  for (const ns of namespaces) {
    for (const s of strategyNames) {
      policies.push(
        pp(`${s}`, ns, {
          resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', labelSelector: { matchLabels: { strategy: s } } }],
          propagateDeps: true,
          placement: kinds[s] as Placement,
        }),
      );
    }
  }
  // Catch-alls: jobs and anything left go through cluster-wide policies.
  policies.push(cpp('jobs', { resourceSelectors: [{ apiVersion: 'batch/v1', kind: 'Job' }], placement: { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' } } }));
  policies.push(cpp('configs', { priority: -1, resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap', labelSelector: { matchLabels: { shared: 'true' } } }], placement: kinds['duplicated'] as Placement }));

  const templates: ResourceTemplate[] = [];
  for (let i = 0; i < opts.templates; i++) {
    const ns = namespaces[i % namespaces.length] as string;
    const roll = rand();
    if (roll < 0.1) {
      templates.push(configMap(`config-${i}`, ns, rand() < 0.5 ? { shared: 'true' } : undefined));
      continue;
    }
    if (roll < 0.15) {
      templates.push(
        template({
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: `job-${i}`, namespace: ns },
          spec: { parallelism: 1 + Math.floor(rand() * 6), template: { spec: { containers: [{ name: 'j', resources: { requests: { cpu: '250m' } } }] } } },
        }),
      );
      continue;
    }
    const strategy = strategyNames[Math.floor(rand() * strategyNames.length)] as string;
    const cm = `config-${Math.floor(rand() * opts.templates)}`;
    templates.push(
      deployment(`app-${i}`, {
        namespace: ns,
        replicas: Math.floor(rand() * 20),
        labels: { strategy },
        podSpec: {
          containers: [
            {
              name: 'app',
              envFrom: [{ configMapRef: { name: cm } }],
              resources: { requests: { cpu: ['100m', '250m', '500m', '1'][Math.floor(rand() * 4)] as string, memory: ['128Mi', '512Mi', '1Gi'][Math.floor(rand() * 3)] as string } },
            },
          ],
        },
      }),
    );
  }
  return fleet({ clusters, statuses, policies, templates });
}

/** The fleet as the next pass sees it: this pass's decisions recorded under status/placements. */
export function withPlacements(f: Fleet, decisions: readonly PlacementDecision[]): Fleet {
  const placements = new Map<string, PlacementRecord>();
  for (const d of decisions) {
    placements.set(identityKey(d.resource), {
      resource: d.resource,
      policy: d.policy,
      clusters: d.clusters,
      ...(d.observedAffinityName !== undefined ? { observedAffinityName: d.observedAffinityName } : {}),
    });
  }
  return { ...f, placements };
}
