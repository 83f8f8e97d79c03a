/**
 * Aggregation of one placement's member statuses into `status.aggregated` (docs/fleet-repository.md#placement), after Karmada's
 * AggregateStatus interpreter (docs/fleet-repository.md#health). Pure and deterministic: members are taken in cluster-name
 * order, keys come out sorted, and nothing is added that was not observed (no timestamps of Flotilla's own).
 */
import type { HealthStatus } from '../../model/fleet.js';
import type { KubeObject } from '../../model/kube.js';
import { compareStrings, groupOf } from '../../model/refs.js';
import { sortKeys } from '../../util/canonical.js';
import { HealthInputError } from '../fields.js';
import { worstHealth } from '../order.js';
import { aggregateCronJob } from './cronjob.js';
import { aggregateJob } from './job.js';
import { aggregateIngress, aggregateService } from './loadbalancer.js';
import { aggregatePod } from './pod.js';
import { aggregatePodDisruptionBudget } from './poddisruptionbudget.js';
import type { AggregatedStatus, Aggregator, MemberStatus, Reported } from './types.js';
import { aggregatePersistentVolume, aggregatePersistentVolumeClaim } from './volumes.js';
import { aggregateDaemonSet, aggregateDeployment, aggregateStatefulSet } from './workloads.js';
import { isPlainObject } from '../../util/json.js';

export type { AggregatedStatus, MemberStatus } from './types.js';

const AGGREGATORS: ReadonlyMap<string, Aggregator> = new Map<string, Aggregator>([
  ['apps/Deployment', aggregateDeployment],
  ['apps/StatefulSet', aggregateStatefulSet],
  ['apps/DaemonSet', aggregateDaemonSet],
  ['batch/Job', aggregateJob],
  ['batch/CronJob', aggregateCronJob],
  ['/Service', aggregateService],
  ['networking.k8s.io/Ingress', aggregateIngress],
  ['/Pod', aggregatePod],
  ['/PersistentVolume', aggregatePersistentVolume],
  ['/PersistentVolumeClaim', aggregatePersistentVolumeClaim],
  ['policy/PodDisruptionBudget', aggregatePodDisruptionBudget],
]);

/**
 * `health` is the worst member health (gitops-engine order); a member where the object is not applied counts as at
 * least Missing, since what runs there (if anything) is not what Flotilla put there. No members at all is Unknown.
 * Kinds without an aggregation rule get `health` alone. A member status that cannot be read does not throw: the
 * counters are left out and `message` says why.
 */
export function aggregateStatus(template: KubeObject, members: readonly MemberStatus[]): AggregatedStatus {
  const sorted = [...members].sort((a, b) => compareStrings(a.cluster, b.cluster));
  const health = worstHealth(sorted.map(effectiveHealth));
  const aggregator = AGGREGATORS.get(`${groupOf(template.apiVersion)}/${template.kind}`);
  if (!aggregator) return { health };
  try {
    const counters = aggregator(template, sorted.map(reported));
    return sortKeys({ ...counters, health });
  } catch (err) {
    if (!(err instanceof HealthInputError)) throw err;
    return { health, message: `cannot aggregate member status: ${err.message}` };
  }
}

function reported(m: MemberStatus): Reported {
  const raw = m.status !== undefined ? m.status : m.object?.status;
  if (raw !== undefined && raw !== null && !isPlainObject(raw)) throw new HealthInputError(`cluster ${m.cluster}: status is not an object`);
  return { cluster: m.cluster, status: raw ?? undefined, object: m.object ?? undefined };
}

function effectiveHealth(m: MemberStatus): HealthStatus {
  return m.applied ? m.health : worstHealth([m.health, 'Missing']);
}
