import type { HealthStatus } from '../../model/fleet.js';
import type { KubeObject } from '../../model/kube.js';
import { type JsonObject } from '../../util/json.js';

/** What the controller observed for one placement member. */
export interface MemberStatus {
  cluster: string;
  /** Whether the object is in Flotilla's inventory for that cluster (it was applied). */
  applied: boolean;
  health: HealthStatus;
  message?: string;
  /** The live object's `.status` in that cluster; when absent, `object.status` is used. */
  status?: Record<string, unknown> | null;
  object?: KubeObject | null;
}

/** `status.aggregated` of a placement record: the worst health plus the kind's counters, keys sorted. */
export type AggregatedStatus = Record<string, unknown> & { health: HealthStatus };

/** One member's reflected status, members sorted by cluster name. `status` undefined: nothing collected. */
export interface Reported {
  cluster: string;
  status: JsonObject | undefined;
  object: KubeObject | undefined;
}

export type Aggregator = (template: KubeObject, members: readonly Reported[]) => Record<string, unknown>;
