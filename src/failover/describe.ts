/**
 * The failover timeline in words, for status commit messages: `git log` of the fleet repository reads as the
 * incident's history. Pure string building from what was decided.
 */
import type { ClusterStatus, PlacementCluster } from '../model/fleet.js';
import type { ObjectRef } from '../model/refs.js';
import { formatTaint } from '../schedule/taints.js';
import type { DroppedTask } from './settle.js';
import type { EvictionOrder } from './timed-evictions.js';
import { formatDuration, parseTime } from './time.js';

export interface EvictionEvent {
  order: EvictionOrder;
  /** The placement's clusters after rescheduling, to say where the replicas went. */
  after: readonly PlacementCluster[];
}

export interface PurgeEvent {
  resource: ObjectRef;
  dropped: DroppedTask;
}

export interface EvictionTimeline {
  evictions?: readonly EvictionEvent[];
  purges?: readonly PurgeEvent[];
  /** Per cluster, what happened to it (see `clusterReadyNote`), put in front of its taint-based evictions. */
  clusterNotes?: ReadonlyMap<string, string>;
}

/**
 * One line per cause; a cause with one resource is one line
 * (`member1 NotReady for 30s; taint cluster.karmada.io/not-ready:NoExecute; shop/web: 2 replicas evicted from member1 to member3`),
 * with several the resources follow on indented lines. Then one line per deleted old copy.
 */
export function describeEvictions(timeline: EvictionTimeline): string[] {
  const groups = new Map<string, { header: string[]; items: string[] }>();
  for (const event of timeline.evictions ?? []) {
    const { order } = event;
    const header = order.taint
      ? [timeline.clusterNotes?.get(order.fromCluster), `taint ${formatTaint(order.taint)}`].filter((s): s is string => s !== undefined)
      : [`${shortRef(order.resource)} ${order.message}`];
    const id = order.taint ? `${order.fromCluster}\u0000${header.join('; ')}` : `${order.fromCluster}\u0000${header[0]}`;
    const group = groups.get(id) ?? { header, items: [] };
    group.items.push(evictionLine(event));
    groups.set(id, group);
  }
  const lines: string[] = [];
  for (const { header, items } of groups.values()) {
    if (items.length === 1) lines.push([...header, items[0]].join('; '));
    else lines.push(header.join('; '), ...items.map((i) => `  ${i}`));
  }
  for (const p of timeline.purges ?? []) lines.push(purgeLine(p));
  return lines;
}

function evictionLine({ order, after }: EvictionEvent): string {
  const before = new Map(order.clusters.map((c) => [c.name, c.replicas]));
  // Where the replicas went: clusters that are new to the placement or hold more than before.
  const gained = after.filter((c) => c.name !== order.fromCluster && (!before.has(c.name) || c.replicas > (before.get(c.name) ?? 0))).map((c) => c.name);
  const what = order.replicas !== undefined ? `${order.replicas} replica${order.replicas === 1 ? '' : 's'} evicted` : 'evicted';
  const to = gained.length > 0 ? ` to ${gained.join(', ')}` : after.some((c) => c.name !== order.fromCluster) ? '' : ' (no other cluster fits: kept there)';
  return `${shortRef(order.resource)}: ${what} from ${order.fromCluster}${to}`;
}

function purgeLine({ resource, dropped }: PurgeEvent): string {
  const where = `${shortRef(resource)}: old copy on ${dropped.task.fromCluster} deleted`;
  switch (dropped.why) {
    case 'HealthyElsewhere':
      return `${where} (Healthy on ${(dropped.healthyOn ?? []).join(', ')})`;
    case 'GracePeriodExpired':
      return `${where} (grace period ${dropped.task.gracePeriodSeconds !== undefined ? `${dropped.task.gracePeriodSeconds}s` : 'default'} expired)`;
    case 'PurgeDirectly':
      return `${where} (purgeMode Directly)`;
    case 'DeletionConfirmed':
      return `${where} (suppressDeletion set to false)`;
  }
}

/** `shop/web`, or `web` for a cluster-scoped object: short enough for a commit message. */
function shortRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/**
 * `member1 NotReady for 30s` / `member1 unreachable for 2m`, measured from the Ready condition's last transition;
 * undefined while the cluster is Ready or has no Ready condition.
 */
export function clusterReadyNote(cluster: string, status: ClusterStatus | undefined, nowMs: number): string | undefined {
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready || ready.status === 'True') return undefined;
  const state = ready.status === 'False' ? 'NotReady' : 'unreachable';
  const since = parseTime(ready.lastTransitionTime);
  return since === undefined ? `${cluster} ${state}` : `${cluster} ${state} for ${formatDuration(nowMs - since)}`;
}
