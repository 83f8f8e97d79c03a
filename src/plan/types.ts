/** What merging one revision of the fleet into another would change: the data every plan output is made from. */
import type { Fleet, FleetFile, PlacementCluster } from '../model/fleet.js';
import type { ResourceInterpreter, ScriptChecker } from '../model/interpreters.js';
import type { KubeObject } from '../model/kube.js';
import type { Problem } from '../model/problem.js';
import type { ObjectRef } from '../model/refs.js';

/** One side of the comparison: the fleet files at a revision (including its `status/`) and what to call it. */
export interface PlanSide {
  /** A commit id, or `WORKTREE` for files read from disk. */
  revision: string;
  files: readonly FleetFile[];
}

export interface PlacementChange {
  resource: ObjectRef;
  before: PlacementCluster[];
  after: PlacementCluster[];
}

/** Which keys of a Secret's `data`/`stringData` a change touches; values are never part of a plan. */
export interface SecretKeyChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

export type ObjectChangeKind = 'added' | 'changed' | 'removed';

export interface ObjectDiff {
  resource: ObjectRef;
  change: ObjectChangeKind;
  /** Unified diff of the rendered YAML, Secret values replaced by placeholders. */
  diff: string;
  /** Only for core Secrets. */
  secretKeys?: SecretKeyChanges;
}

export interface ClusterChange {
  name: string;
  added: ObjectRef[];
  changed: ObjectRef[];
  removed: ObjectRef[];
  /** Sorted like the resources. */
  diffs: ObjectDiff[];
}

export type PlanWarningKind = 'MassPrune' | 'Unschedulable' | 'ClusterEmptied';

/** A change a reviewer should look at twice: it would be refused, leaves a resource unplaced, or empties a cluster. */
export interface PlanWarning {
  kind: PlanWarningKind;
  message: string;
  cluster?: string;
  resource?: ObjectRef;
}

export interface PlanResult {
  base: string;
  head: string;
  /** Resources whose clusters or replicas differ, sorted by apiVersion, kind, namespace, name. */
  placements: PlacementChange[];
  /** Clusters with at least one added, changed or removed object, sorted by name. */
  clusters: ClusterChange[];
  /** The head fleet's problems (load, schedule, render), sorted. */
  errors: Problem[];
  /** Sorted by kind, then cluster, then resource. */
  warnings: PlanWarning[];
}

/** What the prune circuit breaker needs to judge one cluster after the merge. */
export interface PruneCheckInput {
  cluster: string;
  /** Head's rendered objects on the cluster. */
  desired: { ref: ObjectRef; object: KubeObject; hash: string; source: string }[];
  /** `status/inventory/<cluster>.yaml` at base, when there is one. */
  inventory: Uint8Array | undefined;
  /** identityKeys of objects whose desired state is unknown at head: the controller keeps them. */
  held: Set<string>;
  brokenFiles: Set<string>;
  maxPruneFraction: number;
  /** fleet.yaml cannot be read at head: the controller deletes nothing. */
  settingsBroken: boolean;
}

export interface PlanOptions {
  /**
   * The controller's prune rule: the reason it would refuse to prune, or undefined. Injected because the rule
   * lives with apply, which this pure folder may not import; without it no prune warnings are given.
   */
  pruneRefusal?: (input: PruneCheckInput) => string | undefined;
  /**
   * The fleet's Lua scripts (interpreters/, health/), injected for the same reason: the Lua VM is not pure. Each
   * side is planned with its own scripts, so a pull request that changes a script shows what the change does.
   */
  scripts?: PlanScripts;
}

export interface PlanScripts {
  check: ScriptChecker;
  interpreterFor(fleet: Fleet): ResourceInterpreter;
}
