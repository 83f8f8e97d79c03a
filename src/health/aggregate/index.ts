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
import type { AggregatedStatusItem, ResourceInterpreter } from '../../model/interpreters.js';
import { formatProblem } from '../../model/problem.js';

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
export function aggregateStatus(template: KubeObject, members: readonly MemberStatus[], interpreter?: ResourceInterpreter): AggregatedStatus {
  const sorted = [...members].sort((a, b) => compareStrings(a.cluster, b.cluster));
  const health = worstHealth(sorted.map(effectiveHealth));
  if (interpreter?.has(template.apiVersion, template.kind, 'AggregateStatus')) return aggregateByScript(template, sorted, health, interpreter);
  const statuses = interpreter?.has(template.apiVersion, template.kind, 'InterpretStatus') ? reflectMembers(sorted, interpreter).members : sorted;
  const aggregator = AGGREGATORS.get(`${groupOf(template.apiVersion)}/${template.kind}`);
  if (!aggregator) return { health };
  try {
    const counters = aggregator(template, statuses.map(reported));
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

/** Karmada's ResourceHealth for an AggregatedStatusItem. */
function karmadaHealth(health: HealthStatus): AggregatedStatusItem['health'] {
  return health === 'Healthy' ? 'Healthy' : health === 'Degraded' ? 'Unhealthy' : 'Unknown';
}

/** Each member's status as the kind's ReflectStatus script reports it (else the live `.status`). */
function reflectMembers(members: readonly MemberStatus[], interpreter: ResourceInterpreter): { members: MemberStatus[]; messages: string[] } {
  const messages: string[] = [];
  const reflected = members.map((m) => {
    if (!m.object) return m;
    const outcome = interpreter.reflectStatus(m.object);
    if (!outcome) return m;
    if (outcome.error) messages.push(`cluster ${m.cluster}: ${formatProblem(outcome.error)}`);
    return { ...m, status: isPlainObject(outcome.value) ? outcome.value : null };
  });
  return { members: reflected, messages };
}

/**
 * A kind with an AggregateStatus script: the members (status reflected) become Karmada's AggregatedStatusItems
 * and the `status` the script returns is recorded with the worst health. A failing script leaves only the health,
 * and the message says why.
 */
function aggregateByScript(template: KubeObject, members: readonly MemberStatus[], health: HealthStatus, interpreter: ResourceInterpreter): AggregatedStatus {
  const reflected = reflectMembers(members, interpreter);
  const messages = reflected.messages;
  const items: AggregatedStatusItem[] = reflected.members.map((m) => {
    const status = m.status !== undefined ? m.status : m.object?.status;
    return { clusterName: m.cluster, ...(status !== undefined && status !== null ? { status } : {}), applied: m.applied, health: karmadaHealth(m.health) };
  });
  const aggregated = interpreter.aggregateStatus(template, items);
  if (aggregated?.error) messages.push(formatProblem(aggregated.error));
  const status = isPlainObject(aggregated?.value?.status) ? aggregated.value.status : {};
  return sortKeys({ ...status, health, ...(messages.length > 0 ? { message: messages.join('; ') } : {}) });
}
