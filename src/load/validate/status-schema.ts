/**
 * Status files Flotilla writes (docs/fleet-repository.md#status-files): read leniently (unknown fields ignored, quantities
 * as strings or numbers) but with the fields the scheduler relies on checked.
 */
import { TAINT_FIELDS } from './cluster-schema.js';
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
