/**
 * Status files Flotilla writes (docs/fleet-repository.md#status-files): read leniently (unknown fields ignored, quantities
 * as strings or numbers) but with the fields the scheduler relies on checked.
 */
import { TAINT_FIELDS } from './cluster-schema.js';
import { nonEmpty } from './selector-schemas.js';
import { anyValue, bool, enumOf, int32, int64, listOf, mapOf, objectOf, refined, required, str, type Schema } from './schema.js';

const HEALTH = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'];

const condition = objectOf(
  {
    type: required(str()),
    status: required(enumOf('True', 'False', 'Unknown')),
    reason: str(),
    message: str(),
    lastTransitionTime: str(),
    observedGeneration: int64(),
  },
  'ignore',
);

const quantities = (): Schema => mapOf({ type: 'string', numbersAsStrings: true });

export const clusterStatusBody = (): Schema =>
  objectOf(
    {
      conditions: listOf(condition),
      kubernetesVersion: str(),
      nodeSummary: objectOf({ totalNum: int32(), readyNum: int32() }, 'ignore'),
      resourceSummary: objectOf({ allocatable: quantities(), allocated: quantities(), allocating: quantities() }, 'ignore'),
      apiEnablements: listOf(
        objectOf(
          {
            groupVersion: required(str()),
            resources: listOf(objectOf({ name: required(str()), kind: required(str()) }, 'ignore')),
          },
          'ignore',
        ),
      ),
      taints: listOf(objectOf({ ...TAINT_FIELDS, timeAdded: str() }, 'ignore')),
    },
    'ignore',
  );

const objectRef = objectOf({ apiVersion: required(str()), kind: required(str()), namespace: str(), name: required(str()) }, 'ignore');

export const placementSpec = (): Schema =>
  objectOf(
    {
      resource: required(objectRef),
      policy: objectOf({ kind: required(enumOf('PropagationPolicy', 'ClusterPropagationPolicy')), namespace: str(), name: required(str()) }, 'ignore'),
      clusters: required(listOf(objectOf({ name: required(str()), replicas: required(int32()) }, 'ignore'))),
    },
    'ignore',
  );

export const placementStatus = (): Schema =>
  objectOf(
    {
      conditions: listOf(condition),
      observedAffinityName: str(),
      appliedPlacement: str(),
      rebalancedBy: listOf(str()),
      clusters: listOf(
        objectOf({ name: required(str()), applied: required(bool()), health: required(enumOf(...HEALTH)), message: str(), drift: bool(), degradedSince: str() }, 'ignore'),
      ),
      aggregated: refined(mapOf(anyValue()), (value, path, report) => {
        const health = (value as { health?: unknown }).health;
        if (health !== undefined && (typeof health !== 'string' || !HEALTH.includes(health))) {
          report.error([...path, 'health'], `expected ${HEALTH.slice(0, -1).join(', ')} or Unknown, got ${JSON.stringify(health)}`);
        }
      }),
    },
    'ignore',
  );

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A task's clock starts at its creationTimestamp; one that cannot be read would make it expire never or at once. */
function timestampProblem(value: string): string | null {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value)) ? null : `expected an RFC 3339 time such as 2026-01-01T00:00:00Z, got ${JSON.stringify(value)}`;
}

/** Karmada's accepted spellings; `Immediately` and `Graciously` are read as `Directly` and `Gracefully`. */
export const PURGE_MODES: readonly string[] = ['Directly', 'Gracefully', 'Never', 'Immediately', 'Graciously'];

/** One entry of `spec.gracefulEvictionTasks` (Karmada's GracefulEvictionTask, as Flotilla records it). */
export const gracefulEvictionTask = (): Schema =>
  objectOf(
    {
      fromCluster: required(str(nonEmpty)),
      replicas: int32(),
      reason: required(enumOf('TaintUntolerated', 'ApplicationFailure')),
      message: str(),
      producer: required(enumOf('TaintManager', 'ResourceBindingApplicationFailoverController')),
      purgeMode: enumOf(...PURGE_MODES),
      gracePeriodSeconds: int32(1),
      suppressDeletion: bool(),
      creationTimestamp: str(timestampProblem),
      clustersBeforeFailover: listOf(str(nonEmpty)),
    },
    'ignore',
  );
