/**
 * Step 1 of a pass: how each member cluster is doing. A cluster is recorded NotReady only after failing for the
 * failure threshold (Karmada's), so one blip does not reschedule the fleet; until then its last Ready condition
 * stands.
 */
import type { ClusterApi } from '../kube/cluster-api.js';
import { nextClusterTaints } from '../match/cluster-taints.js';
import type { ClusterDef, ClusterStatus, ClusterTaintPolicyDoc } from '../model/fleet.js';
import type { Condition, Taint } from '../model/kube.js';
import { probeCluster, type ClusterProbe } from '../observe/cluster-status.js';
import { withTransitionTimes } from '../record/index.js';
import { canonicalJson } from '../util/canonical.js';
import { wholeSecondTimestamp as timestamp } from '../model/time.js';
import type { ClusterConnector } from './clusters.js';

export interface ObservedCluster {
  def: ClusterDef;
  /** Absent when no client could be made (no context, refused credentials). */
  client?: ClusterApi;
  probe: ClusterProbe;
  /** Ready as recorded: a failure younger than the threshold still counts as Ready. */
  ready: boolean;
  /** What is recorded (and scheduled with): capacity figures may be the previously recorded ones. */
  status: ClusterStatus;
  /** The status as probed, when its capacity figures were held back this pass. */
  fresh?: ClusterStatus;
}

/**
 * Capacity figures (`resourceSummary`) move whenever pods come and go: recording each change would add a commit
 * every few seconds on a busy cluster. They are recorded when `due`, or when nothing was recorded before; in
 * between the recorded ones stand (a scheduling decision that depends on the change is handled by the caller).
 */
export function holdCapacity(fresh: ClusterStatus, recorded: ClusterStatus | undefined, due: boolean): ClusterStatus {
  if (due || !recorded?.resourceSummary || !fresh.resourceSummary) return fresh;
  return { ...fresh, resourceSummary: recorded.resourceSummary };
}

/** `status` with `taints` set to exactly these (absent when none, so an untainted status keeps its shape). */
function withTaints(status: ClusterStatus, taints: Taint[]): ClusterStatus {
  const { taints: _previous, ...rest } = status;
  return taints.length > 0 ? { ...rest, taints } : rest;
}

/**
 * Applies the ClusterTaintPolicies to what was just observed: the taints recorded before (`previous`) are
 * carried on, added to and removed from by the conditions about to be recorded, at the controller's clock.
 */
export function applyTaintPolicies(observed: ObservedCluster, previous: ClusterStatus | undefined, policies: readonly ClusterTaintPolicyDoc[], now: Date): void {
  const taints = nextClusterTaints(observed.def, observed.status.conditions ?? [], previous?.taints ?? [], policies, timestamp(now));
  observed.status = withTaints(observed.status, taints);
  if (observed.fresh) observed.fresh = withTaints(observed.fresh, taints);
}


export class ClusterReadiness {
  private readonly failingSince = new Map<string, number>();
  private readonly healthySince = new Map<string, number>();
  /** When each cluster's capacity figures were last let through to the record. */
  private readonly capacityRecordedAt = new Map<string, number>();
  /** Per cluster: what its Ready condition says as recorded, and whether it answered at the last probe. */
  private readonly last = new Map<string, { recordedReady: boolean; probedReady: boolean }>();

  constructor(
    private readonly connector: ClusterConnector,
    private readonly failureThresholdMs: number,
    private readonly successThresholdMs = 0,
  ) {}

  async observe(def: ClusterDef, previous: ClusterStatus | undefined, now: Date, capacityIntervalMs = 0): Promise<ObservedCluster> {
    const connected = await this.connector.connect(def);
    const probe: ClusterProbe = connected.ok ? await probeCluster(connected.client) : { ready: false, reason: 'ClusterNotReachable', message: connected.reason, status: {} };
    const prevReady = previous?.conditions?.find((c) => c.type === 'Ready');
    const ready = this.recordedReady(def.name, probe.ready, prevReady === undefined ? undefined : prevReady.status === 'True', now.getTime());
    this.last.set(def.name, { recordedReady: ready, probedReady: probe.ready });
    // Until a transition is recorded, the recorded condition stands as it was (so a blip rewrites nothing).
    const condition: Condition =
      ready === probe.ready ? { type: 'Ready', status: probe.ready ? 'True' : 'False', reason: probe.reason, message: probe.message } : (prevReady as Condition);
    // An unreachable cluster keeps its last known version and summaries; only its condition changes.
    const probed: ClusterStatus = probe.ready ? { ...probe.status } : { ...(previous ?? {}), ...probe.status };
    probed.conditions = withTransitionTimes([condition], previous?.conditions, timestamp(now));
    // A controller that just started counts the interval from its start: a restart is not a reason to commit.
    if (!this.capacityRecordedAt.has(def.name)) this.capacityRecordedAt.set(def.name, now.getTime());
    const due = now.getTime() - this.capacityRecordedAt.get(def.name)! >= capacityIntervalMs;
    const status = holdCapacity(probed, previous, due);
    if (status === probed) this.capacityRecordedAt.set(def.name, now.getTime());
    const held = status !== probed && canonicalJson(status.resourceSummary) !== canonicalJson(probed.resourceSummary);
    return { def, client: connected.ok ? connected.client : undefined, probe, ready, status, ...(held ? { fresh: probed } : {}) };
  }

  /**
   * When the earliest pending transition becomes due: a failing cluster still recorded Ready is recorded NotReady
   * once the failure threshold has passed, a recovered one Ready once the success threshold has. The controller
   * wakes up then instead of waiting for its next poll, so detection does not cost a poll interval on top.
   */
  nextTransitionAt(): number | null {
    let next: number | null = null;
    for (const [cluster, { recordedReady, probedReady }] of this.last) {
      if (recordedReady === probedReady) continue;
      const at = recordedReady ? (this.failingSince.get(cluster) ?? 0) + this.failureThresholdMs : (this.healthySince.get(cluster) ?? 0) + this.successThresholdMs;
      next = next === null ? at : Math.min(next, at);
    }
    return next;
  }

  /**
   * A cheap check between passes (one `/readyz` per cluster, Karmada probes every 10 s): true when some cluster
   * answers differently from the last pass, so a dying cluster starts its failure threshold at once rather than at
   * the next poll.
   */
  async readinessChanged(defs: readonly ClusterDef[]): Promise<boolean> {
    const answers = await Promise.all(
      defs.map(async (def) => {
        const before = this.last.get(def.name);
        if (!before) return false;
        const connected = await this.connector.connect(def);
        if (!connected.ok) return before.probedReady;
        const ready = await connected.client.readiness().then((h) => h.status === 200, () => false);
        return ready !== before.probedReady;
      }),
    );
    return answers.some(Boolean);
  }

  /**
   * Karmada's two thresholds: a Ready cluster is recorded NotReady only after failing for the failure threshold,
   * and a NotReady one Ready again only after answering for the success threshold (a flapping cluster is not
   * re-admitted at its first good answer). A cluster with no recorded condition is taken as probed.
   */
  private recordedReady(cluster: string, probedReady: boolean, wasReady: boolean | undefined, nowMs: number): boolean {
    const streak = (map: Map<string, number>, other: Map<string, number>) => {
      other.delete(cluster);
      const since = map.get(cluster) ?? nowMs;
      map.set(cluster, since);
      return nowMs - since;
    };
    if (probedReady) {
      const healthyFor = streak(this.healthySince, this.failingSince);
      return wasReady !== false || healthyFor >= this.successThresholdMs;
    }
    const failingFor = streak(this.failingSince, this.healthySince);
    return wasReady === true && failingFor < this.failureThresholdMs;
  }
}
