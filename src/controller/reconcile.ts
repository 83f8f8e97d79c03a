/**
 * One reconcile pass: read the fleet at the branch tip → observe clusters → schedule and render → prepare each
 * cluster (read, plan) → record the intent → apply per cluster → observe placements → record status. Each
 * cluster is handled on its own; its failure is data in the report, never an exception that stops the others.
 * The status commit is computed from the tip's desired state plus what this pass observed, so
 * `flotilla schedule --ref <status commit>` replays the decision (docs/architecture.md).
 */
import pLimit from 'p-limit';
import { intentInventory } from '../apply/intent-inventory.js';
import type { ChangeSet } from '../apply/apply-cluster.js';
import { DEFAULT_APPLY_CONCURRENCY } from '../apply/concurrency.js';
import { throwIfAbandoned } from '../coordination/abandon.js';
import { recordedCluster } from '../coordination/recorded-cluster.js';
import { ownsCluster, type ShardAssignment } from '../coordination/shard.js';
import { shardStatusWrites } from '../coordination/shard-status.js';
import { snapshotFiles, type CommitOutcome, type FleetRepository, type StatusWrite, type StatusWritesAt } from '../git/repo.js';
import { loadFleet } from '../load/index.js';
import { ANNOTATION_CONFLICT_RESOLUTION, ANNOTATION_DRIFT, KARMADA_ANNOTATION_CONFLICT_RESOLUTION } from '../model/constants.js';
import type { Fleet, ResourceTemplate } from '../model/fleet.js';
import type { PlacementDecision } from '../model/placement.js';
import { formatProblem, type Problem } from '../model/problem.js';
import { formatRef, identityKey, type ObjectRef } from '../model/refs.js';
import type { WatchTarget } from '../observe/watch.js';
import { IMPLICIT_SOURCE, inventoryFile, inventoryPath, parseInventory, placementPath, type Inventory, type StatusYaml } from '../record/index.js';
import { toStatusYaml } from '../record/status-files.js';
import { heldResources, renderFleet, type RenderResult } from '../render/index.js';
import { scheduleFleet, type RebalancerOutcome, type ScheduleResult } from '../schedule/index.js';
import { canonicalJson, sha256Hex } from '../util/canonical.js';
import { PassMemo } from '../util/pass-memo.js';
import { executeCluster, prepareCluster, type ApplyRules, type ClusterOutcome, type PreparedCluster } from './cluster-pass.js';
import type { ClusterConnector } from './clusters.js';
import { applyTaintPolicies, ClusterReadiness, type ObservedCluster } from './observe-clusters.js';
import { observePlacements } from './placement-status.js';
import { failoverStep, type FailoverOutcome } from './failover-step.js';
import { fleetInterpreter, luaScriptChecker } from '../interpret/fleet-interpreter.js';
import type { RetainRule } from '../apply/apply-cluster.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import { intentCommitMessage, OWNED_STATUS_PREFIXES, statusCommitMessage, statusWrites, wantedStatusFiles } from './status-commit.js';
import { errorFields } from './log-fields.js';
import { instrumentSource, NO_TELEMETRY, timed, type ControllerTelemetry } from './telemetry.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the controller logs: a message for people, fields for machines (an error's `code`, a pass's figures). */
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/** What a pass needs from the fleet repository (FleetRepository; an in-memory one in unit tests). */
export type FleetSource = Pick<FleetRepository, 'sync' | 'readFleet' | 'commitStatus'> & Partial<Pick<FleetRepository, 'desiredCommitOf'>>;

export interface ReconcilerOptions {
  repo: FleetSource;
  connector: ClusterConnector;
  /** The explicit override of the prune circuit breaker. */
  allowMassPrune?: boolean;
  /** How long a cluster must keep failing before it is recorded NotReady (Karmada: 30 s). */
  clusterFailureThresholdMs?: number;
  /** How long a NotReady cluster must keep answering before it is recorded Ready again (Karmada: 30 s). */
  clusterSuccessThresholdMs?: number;
  /** Re-apply every object this often even if nothing changed, to correct drift (0 disables). */
  resyncIntervalMs?: number;
  /** Clusters handled at once. */
  clusterConcurrency?: number;
  /** Requests in flight at once on one cluster while reading and applying its objects. */
  applyConcurrency?: number;
  /** Compare every unchanged object with a server-side apply dry-run each pass, and correct drift. */
  detectDrift?: boolean;
  /** The controller's only clock: timestamps, durations, thresholds and resync all read it. */
  now?: () => Date;
  log?: Logger;
  /** Told about stages, Git round trips and pass outcomes (metrics); nothing by default. */
  telemetry?: ControllerTelemetry;
  /**
   * Sharding (docs/operations.md): the shards this replica holds, read at the start of each pass. Only their
   * clusters are observed, applied to and recorded; the others are scheduled with as the commit records them.
   */
  shard?: () => ShardAssignment;
}

export interface ClusterReport {
  name: string;
  ready: boolean;
  reason: string;
  message: string;
  changeSet?: ChangeSet;
}

export interface PassReport {
  tip: string;
  outcome: CommitOutcome['kind'];
  statusCommit?: string;
  /** The write-ahead commit that recorded objects about to be created, when there was one. */
  intentCommit?: string;
  rescheduled: boolean;
  clusters: ClusterReport[];
  problems: Problem[];
  notices: string[];
  durationMs: number;
  /** When something recorded becomes due without any change (a threshold, a toleration, a grace period). */
  nextWakeAt?: number;
}

interface Memo {
  fingerprint: string;
  readiness: string;
  tasks: string;
  decisions: PlacementDecision[];
  rebalancers: RebalancerOutcome[];
  render: RenderResult;
}

interface SourceState {
  tip: string;
  /** The desired-state commit the tip stands for (named in every status commit's trailer). */
  observed: string;
  fingerprint: string;
  fleet: Fleet;
  statusFiles: Map<string, Uint8Array>;
  now: Date;
}

interface Placement {
  decisions: PlacementDecision[];
  rebalancers: RebalancerOutcome[];
  failover: Pick<FailoverOutcome, 'decidedPrunes' | 'timeline'>;
  render: RenderResult;
  rescheduled: boolean;
  templates: Map<string, ResourceTemplate>;
}

type Intent = { kind: 'ready'; base: string; mayCreate: boolean; commit?: string } | { kind: 'superseded'; tip: string };

export class Reconciler {
  private memo?: Memo;
  private readonly readiness: ClusterReadiness;
  /** Objects seen missing after the last pass applied them: re-applied next pass, per cluster. */
  private readonly forceApply = new Map<string, Set<string>>();
  private lastResync = 0;
  /** What the last pass applied, per reachable cluster: the kinds worth watching. */
  watchTargets: WatchTarget[] = [];
  /** The clusters of the last pass's fleet, for the readiness check between passes. */
  private knownClusters: Fleet['clusters'] = [];
  /** When this controller first saw each NoExecute taint that carries no timeAdded (see failoverStep). */
  private readonly taintFirstSeen = new Map<string, number>();
  /** The next eviction or eviction-task deadline the last pass found. */
  private failoverDueAt: number | null = null;
  private readonly opts: Required<Omit<ReconcilerOptions, 'log' | 'shard'>> & Pick<ReconcilerOptions, 'shard'> & { log: Logger };
  /** This pass's shards; undefined when the controller is not sharded. */
  private assignment?: ShardAssignment;
  /**
   * Placement files and inventories as the last pass wrote and merged them. A large fleet has thousands, nearly
   * all unchanged from one pass to the next, and turning each into YAML (and, sharded, parsing and merging it)
   * every pass cost more than the rest of a quiet pass.
   */
  private readonly statusYamlMemo = new PassMemo<string>();
  private readonly placementMerges = new PassMemo<string | undefined>();

  constructor(opts: ReconcilerOptions) {
    this.opts = {
      allowMassPrune: false,
      clusterFailureThresholdMs: 30_000,
      clusterSuccessThresholdMs: 30_000,
      resyncIntervalMs: 10 * 60_000,
      clusterConcurrency: 4,
      applyConcurrency: DEFAULT_APPLY_CONCURRENCY,
      detectDrift: true,
      now: () => new Date(),
      log: () => {},
      telemetry: NO_TELEMETRY,
      ...opts,
    };
    this.opts.repo = instrumentSource(this.opts.repo, this.opts.telemetry);
    this.readiness = new ClusterReadiness(this.opts.connector, this.opts.clusterFailureThresholdMs, this.opts.clusterSuccessThresholdMs);
  }

  /** `abandon` aborts the pass at its next safe point (between steps, never inside a commit and its push). */
  async reconcileOnce(abandon?: AbortSignal): Promise<PassReport> {
    this.assignment = this.opts.shard?.();
    try {
      const report = await this.pass(abandon);
      this.opts.telemetry.passCompleted(report);
      return report;
    } catch (err) {
      this.opts.telemetry.passFailed(err as Error);
      throw err;
    }
  }

  private async pass(abandon: AbortSignal | undefined): Promise<PassReport> {
    const { telemetry } = this.opts;
    const source = await this.readSource();
    const observed = await timed(telemetry, 'observe', () => this.observeClusters(source));
    const placement = this.placeAndRender(source, observed);
    const { rules, notices, orphaned } = applyRulesFor(source.fleet, placement, this.opts);
    // Preparing, the write-ahead intent commit and applying are one stage: the time until the clusters hold the fleet.
    const applied = telemetry.stageStarted('apply');
    const prepared = await this.prepareClusters(source, observed, placement, rules, notices);
    throwIfAbandoned(abandon, 'recording intent');
    const intent = await this.recordIntent(source, prepared);
    const base = { tip: source.tip, rescheduled: placement.rescheduled, problems: [...source.fleet.errors, ...placement.render.problems], notices };
    if (intent.kind === 'superseded') {
      applied();
      this.opts.log('info', `branch moved to ${intent.tip.slice(0, 7)} with new desired state before applying; recomputing`);
      return { ...base, outcome: 'superseded', clusters: observed.filter((o) => this.owns(o.def.name)).map((o) => clusterReport(o)), durationMs: this.elapsedSince(source.now) };
    }
    throwIfAbandoned(abandon, 'applying');
    const outcomes = await this.executeClusters(prepared, rules, placement, intent.mayCreate);
    applied();
    throwIfAbandoned(abandon, 'recording status');
    const report = await timed(telemetry, 'record', () => this.recordStatus(source, intent.base, observed, placement, outcomes, orphaned, base));
    return { ...report, intentCommit: intent.commit, durationMs: this.elapsedSince(source.now), ...this.wakeUp() };
  }

  /** Whether a cluster answers differently from the last pass (see ClusterReadiness.readinessChanged). */
  readinessChanged(): Promise<boolean> {
    return this.readiness.readinessChanged(this.knownClusters.filter((c) => this.owns(c.name)));
  }

  private wakeUp(): { nextWakeAt?: number } {
    const due = [this.readiness.nextTransitionAt(), this.failoverDueAt].filter((t): t is number => t !== null);
    return due.length === 0 ? {} : { nextWakeAt: Math.min(...due) };
  }

  private async readSource(): Promise<SourceState> {
    const now = this.opts.now();
    const { repo, telemetry } = this.opts;
    const { tip, snapshot, observed } = await timed(telemetry, 'source', async () => {
      const tip = await repo.sync();
      const snapshot = await repo.readFleet(tip);
      return { tip, snapshot, observed: (await repo.desiredCommitOf?.(tip)) ?? tip };
    });
    const statusFiles = new Map(snapshot.files.filter((f) => f.path.startsWith('status/')).map((f) => [f.path, f.content]));
    const fleet = timed(telemetry, 'load', () => loadFleet(snapshotFiles(snapshot).filter((f) => !f.path.startsWith('status/inventory/')), { checkScripts: luaScriptChecker() }));
    return { tip, observed, fingerprint: snapshot.desiredFingerprint, fleet, statusFiles, now };
  }

  /** This pass schedules with the cluster statuses it is about to record, taints of ClusterTaintPolicies included. */
  private async observeClusters(source: SourceState): Promise<ObservedCluster[]> {
    const limit = pLimit(this.opts.clusterConcurrency);
    const { fleet } = source;
    const capacityIntervalMs = fleet.settings.summaryIntervalSeconds * 1000;
    const observed = await Promise.all(
      fleet.clusters.map((c) =>
        this.owns(c.name) ? limit(() => this.readiness.observe(c, fleet.clusterStatuses.get(c.name), source.now, capacityIntervalMs)) : recordedCluster(c, fleet.clusterStatuses.get(c.name)),
      ),
    );
    this.knownClusters = fleet.clusters;
    for (const o of observed) {
      if (!this.owns(o.def.name)) continue;
      applyTaintPolicies(o, fleet.clusterStatuses.get(o.def.name), fleet.clusterTaintPolicies, source.now);
      fleet.clusterStatuses.set(o.def.name, o.status);
    }
    return observed;
  }

  private placeAndRender(source: SourceState, observed: ObservedCluster[]): Placement {
    // Taints decide placements too (a policy may taint a cluster that is still Ready).
    // So do the APIs a cluster serves (a CRD the fleet itself just applied makes its custom resources placeable).
    const readiness = observed
      .map((o) => `${o.def.name}=${o.ready}${(o.status.taints ?? []).map((t) => `|${t.key}=${t.value ?? ''}:${t.effect}`).join('')}|${sha256Hex(canonicalJson(o.status.apiEnablements ?? null))}`)
      .join(',');
    const templates = new Map(source.fleet.templates.map((t) => [identityKey(t.ref), t]));
    // Recorded eviction tasks change what the scheduler does with a placement record, unlike the rest of status/.
    const tasks = [...source.fleet.placements.values()].filter((r) => r.gracefulEvictionTasks?.length).map((r) => `${identityKey(r.resource)}=${canonicalJson(r.gracefulEvictionTasks)}`).join(',');
    const rescheduled = !this.memo || this.memo.fingerprint !== source.fingerprint || this.memo.readiness !== readiness || this.memo.tasks !== tasks;
    const { telemetry } = this.opts;
    const interpreter = fleetInterpreter(source.fleet);
    if (rescheduled || !this.memo) {
      const { decisions, rebalancers } = timed(telemetry, 'schedule', () => scheduleWithCapacity(source.fleet, observed));
      const render = timed(telemetry, 'render', () => renderFleet(source.fleet, decisions, { cache: this.memo?.render.cache, interpreter }));
      this.memo = { fingerprint: source.fingerprint, readiness, tasks, decisions, rebalancers, render };
    }
    const memo = this.memo;
    const clock = { nowMs: source.now.getTime(), firstSeenMs: this.taintFirstSeen };
    const failover = failoverStep(source.fleet, memo, (fleet) => scheduleFleet(fleet, { explain: false, interpreter }), clock);
    const render = failover.changed ? timed(telemetry, 'render', () => renderFleet(source.fleet, failover.decisions, { cache: memo.render.cache, interpreter })) : memo.render;
    this.failoverDueAt = failover.nextDueAtMs;
    this.opts.telemetry.placementsDecided(failover.decisions);
    return { decisions: failover.decisions, rebalancers: failover.rebalancers, render, rescheduled: rescheduled || failover.changed, templates, failover };
  }

  private async prepareClusters(source: SourceState, observed: ObservedCluster[], placement: Placement, rules: ApplyRules, notices: string[]): Promise<PreparedCluster[]> {
    const resyncDue = this.opts.resyncIntervalMs > 0 && source.now.getTime() - this.lastResync >= this.opts.resyncIntervalMs;
    if (resyncDue) this.lastResync = source.now.getTime();
    const limit = pLimit(this.opts.clusterConcurrency);
    const reachable = observed.filter((o): o is ObservedCluster & { client: NonNullable<ObservedCluster['client']> } => o.client !== undefined && o.probe.ready);
    const prepared = await Promise.all(
      reachable.map((o) =>
        limit(() => {
          const name = o.def.name;
          const manifests = placement.render.clusters.find((c) => c.cluster === name)?.objects ?? [];
          const held = rules.held.on(name);
          const force = new Set(this.forceApply.get(name) ?? []);
          if (resyncDue) for (const m of manifests) force.add(identityKey(m.ref));
          const desired = manifests.map((m) => ({ ref: m.ref, object: m.object, hash: m.hash, source: m.sourceFile || IMPLICIT_SOURCE }));
          return prepareCluster({ observed: o, desired, held, previous: parseInventory(name, source.statusFiles.get(inventoryPath(name))), force }, rules).catch((err: Error) => {
            this.opts.log('error', `${name}: preparing failed unexpectedly; nothing is applied there this pass: ${err.message}`, { cluster: name, ...errorFields(err) });
            return undefined;
          });
        }),
      ),
    );
    const ready = prepared.filter((p): p is PreparedCluster => p !== undefined);
    for (const p of ready) notices.push(...p.notices);
    return ready;
  }

  /**
   * Write-ahead: before the first request that could create an object, the inventory that lists it (pending) is
   * committed, so a controller killed mid-apply leaks nothing. If Git cannot take it, nothing new is created this
   * pass (updates and prunes of known objects are safe and go on).
   */
  private async recordIntent(source: SourceState, prepared: PreparedCluster[]): Promise<Intent> {
    const intents = prepared.flatMap((p) => {
      const inventory = intentInventory(p.input.previous, p.plan.apply, p.input.observed.def.name);
      const creating = inventory ? inventory.entries.length - (p.input.previous?.entries.length ?? 0) : 0;
      return inventory ? [{ inventory, creating }] : [];
    });
    if (intents.length === 0) return { kind: 'ready', base: source.tip, mayCreate: true };
    const writes: StatusWrite[] = intents.map((i) => {
      const f = inventoryFile(i.inventory);
      return { path: f.path, content: new TextEncoder().encode(f.content) };
    });
    try {
      const outcome = await this.opts.repo.commitStatus(source.tip, writes, intentCommitMessage(source.tip, source.observed, intents));
      if (outcome.kind === 'superseded') return { kind: 'superseded', tip: outcome.tip };
      for (const w of writes) source.statusFiles.set(w.path, w.content!);
      return outcome.kind === 'committed' ? { kind: 'ready', base: outcome.commit, mayCreate: true, commit: outcome.commit } : { kind: 'ready', base: source.tip, mayCreate: true };
    } catch (err) {
      this.opts.log('error', `cannot record the objects about to be created; creating nothing this pass: ${(err as Error).message}`, errorFields(err));
      return { kind: 'ready', base: source.tip, mayCreate: false };
    }
  }

  private async executeClusters(prepared: PreparedCluster[], rules: ApplyRules, placement: Placement, mayCreate: boolean): Promise<Map<string, ClusterOutcome>> {
    const limit = pLimit(this.opts.clusterConcurrency);
    const outcomes = new Map<string, ClusterOutcome>();
    await Promise.all(
      prepared.map((p) =>
        limit(async () => {
          const name = p.input.observed.def.name;
          const placed = placement.decisions.filter((d) => d.clusters.some((c) => c.name === name)).map((d) => d.resource);
          // A defect on one cluster must not cost the others their pass: it is logged and that cluster is left as is.
          const outcome = await executeCluster(p, rules, placed, mayCreate).catch((err: Error) => {
            this.opts.log('error', `${name}: applying failed unexpectedly; nothing more is done there this pass: ${err.message}`, { cluster: name, ...errorFields(err) });
            return undefined;
          });
          if (!outcome) return;
          outcomes.set(name, outcome);
          if (outcome.missing.length > 0) this.forceApply.set(name, new Set(outcome.missing));
          else this.forceApply.delete(name);
        }),
      ),
    );
    this.watchTargets = prepared.map((p) => {
      const entries = outcomes.get(p.input.observed.def.name)?.changeSet.inventory.entries ?? [];
      const kinds = new Map(entries.map((e) => [`${e.ref.apiVersion}|${e.ref.kind}`, { apiVersion: e.ref.apiVersion, kind: e.ref.kind }]));
      return { client: p.input.observed.client, kinds: [...kinds.values()] };
    });
    return outcomes;
  }

  private async recordStatus(
    source: SourceState,
    commitBase: string,
    observed: ObservedCluster[],
    placement: Placement,
    outcomes: Map<string, ClusterOutcome>,
    orphaned: ObjectRef[],
    base: Omit<PassReport, 'outcome' | 'clusters' | 'durationMs'>,
  ): Promise<Omit<PassReport, 'durationMs'>> {
    const { log } = this.opts;
    this.statusYamlMemo.nextPass();
    this.placementMerges.nextPass();
    // The documents behind the wanted files, for the shard merge (which would otherwise parse them back).
    const docs = new Map<string, unknown>();
    const toYaml: StatusYaml = (path, doc) => {
      docs.set(path, doc);
      return this.statusYamlMemo.get(path, JSON.stringify(doc), () => toStatusYaml(doc));
    };
    const clusters = observed.filter((o) => this.owns(o.def.name)).map((o) => clusterReport(o, outcomes.get(o.def.name)?.changeSet));
    for (const o of outcomes.values()) if (o.changeSet.pruneBlocked) base.notices.push(o.changeSet.pruneBlocked);
    const blips = { clusters: new Set(observed.filter((o) => o.ready && !o.probe.ready).map((o) => o.def.name)), previous: source.fleet.placements };
    const observations = observePlacements(placement.decisions, outcomes, placement.templates, blips, source.now.toISOString(), fleetInterpreter(source.fleet));
    const sources = new Map([...placement.templates].map(([k, t]) => [k, t.source]));
    const wanted = wantedStatusFiles(
      {
        clusters: observed.map((o) => ({ name: o.def.name, status: o.status })),
        decisions: placement.decisions,
        observations,
        inventories: [...[...outcomes.values()].map((o) => o.changeSet.inventory), ...evictedWhileAway(source.statusFiles, placement.failover.decidedPrunes, outcomes)],
        sources,
        rebalancers: placement.rebalancers,
      },
      base.problems,
      toYaml,
    );
    // A template whose policy is gone keeps its objects where they are, so its placement record stays too: it is
    // what holds them on the next pass (deleting it would turn them into prune candidates).
    for (const ref of orphaned) {
      const path = placementPath(ref);
      const current = source.statusFiles.get(path);
      if (current) wanted.set(path, new TextDecoder().decode(current));
    }
    const { assignment } = this;
    const reuse = { merges: this.placementMerges, wantedDoc: (path: string) => docs.get(path) };
    const writes = assignment ? shardStatusWrites(source.statusFiles, wanted, assignment, reuse) : statusWrites(source.statusFiles, wanted, OWNED_STATUS_PREFIXES);
    let outcome: CommitOutcome = { kind: 'unchanged' };
    if (writes.length > 0) {
      // Shards share placement files: on any other parent than the tip read (an intent commit, which may itself
      // have been rebased, or a race), their part is merged again into that parent's files.
      const writesAt: StatusWrite[] | StatusWritesAt = assignment
        ? async (parent) => (parent === source.tip ? writes : shardStatusWrites(await this.statusFilesAt(parent), wanted, assignment, reuse))
        : writes;
      outcome = await this.opts.repo.commitStatus(commitBase, writesAt, statusCommitMessage(source.tip, source.observed, writes, clusters, base.notices, base.problems, placement.failover.timeline));
      if (outcome.kind === 'superseded') log('info', `branch moved to ${outcome.tip.slice(0, 7)} with new desired state; recomputing`);
    }
    for (const c of clusters) {
      for (const e of c.changeSet?.entries ?? []) if (e.action === 'failed' || e.action === 'conflict') log('warn', `${c.name}: ${formatRef(e.ref)} ${e.action}: ${e.message ?? ''}`, { cluster: c.name });
    }
    for (const p of base.problems) log('warn', formatProblem(p));
    for (const n of base.notices) log('warn', n);
    for (const line of placement.failover.timeline) log('info', line.trim());
    // An old copy waits for its replacement to be Healthy as recorded: a commit that recorded new health may be
    // what lets it go, so look again at once rather than at the next poll.
    if (outcome.kind === 'committed' && placement.decisions.some((d) => d.gracefulEvictionTasks?.length)) this.failoverDueAt = this.opts.now().getTime();
    return { ...base, outcome: outcome.kind, statusCommit: outcome.kind === 'committed' ? outcome.commit : undefined, clusters };
  }

  private owns(cluster: string): boolean {
    return !this.assignment || ownsCluster(this.assignment, cluster);
  }

  private async statusFilesAt(commit: string): Promise<Map<string, Uint8Array>> {
    const snapshot = await this.opts.repo.readFleet(commit);
    return new Map(snapshot.files.filter((f) => f.path.startsWith('status/')).map((f) => [f.path, f.content]));
  }

  private elapsedSince(start: Date): number {
    return this.opts.now().getTime() - start.getTime();
  }
}

/**
 * Schedules with the capacity figures about to be recorded. Where fresher figures were held back (see
 * holdCapacity), they are let through when they change a placement: a decision never waits for the interval, and
 * the commit still holds what the decision was made from.
 */
function scheduleWithCapacity(fleet: Fleet, observed: ObservedCluster[]): Pick<ScheduleResult, 'decisions' | 'rebalancers'> {
  const interpreter = fleetInterpreter(fleet);
  const decisions = scheduleFleet(fleet, { explain: false, interpreter });
  const held = observed.filter((o) => o.fresh);
  if (held.length === 0) return decisions;
  const recorded = new Map(held.map((o) => [o.def.name, o.status]));
  for (const o of held) fleet.clusterStatuses.set(o.def.name, o.fresh!);
  const withFresh = scheduleFleet(fleet, { explain: false, interpreter });
  if (canonicalJson(withFresh.decisions.map((d) => d.clusters)) !== canonicalJson(decisions.decisions.map((d) => d.clusters))) {
    for (const o of held) {
      o.status = o.fresh!;
      delete o.fresh;
    }
    return withFresh;
  }
  for (const [name, status] of recorded) fleet.clusterStatuses.set(name, status);
  return decisions;
}

/**
 * Old copies whose eviction completed while their cluster could not be reached: their inventory entries are
 * marked, so the deletion, when the cluster is back, is carried out as the decision it is and not refused by the
 * circuit breaker as a mass deletion.
 */
function evictedWhileAway(statusFiles: Map<string, Uint8Array>, decided: ReadonlyMap<string, ReadonlySet<string>>, outcomes: ReadonlyMap<string, ClusterOutcome>): Inventory[] {
  const out: Inventory[] = [];
  for (const [cluster, keys] of decided) {
    if (outcomes.has(cluster) || keys.size === 0) continue;
    const previous = parseInventory(cluster, statusFiles.get(inventoryPath(cluster)));
    if (!previous || !previous.entries.some((e) => keys.has(identityKey(e.ref)) && !e.evicted)) continue;
    out.push({ cluster, entries: previous.entries.map((e) => (keys.has(identityKey(e.ref)) ? { ...e, evicted: true } : e)) });
  }
  return out;
}

function clusterReport(o: ObservedCluster, changeSet?: ChangeSet): ClusterReport {
  return { name: o.def.name, ready: o.ready, reason: o.probe.reason, message: o.probe.message, ...(changeSet ? { changeSet } : {}) };
}

/** The fleet-wide rules of this pass: what is held everywhere, what may be pruned or taken over. */
function applyRulesFor(fleet: Fleet, placement: Placement, opts: { allowMassPrune: boolean; detectDrift: boolean; applyConcurrency: number }): { rules: ApplyRules; notices: string[]; orphaned: ObjectRef[] } {
  const notices: string[] = [];
  const held = heldResources(fleet, placement.decisions, placement.render);
  // With fleet.yaml unreadable its limits (maxPruneFraction) are unknown: delete nothing until it is fixed.
  const settingsBroken = fleet.brokenFiles.some((f) => f === 'fleet.yaml' || f === 'fleet.yml');
  if (settingsBroken) notices.push('fleet.yaml cannot be read: pruning is suspended on every cluster until it is fixed');
  const rules: ApplyRules = {
    held,
    brokenFiles: new Set(fleet.brokenFiles),
    settingsBroken,
    maxPruneFraction: fleet.settings.maxPruneFraction,
    allowMassPrune: opts.allowMassPrune,
    canTakeOver: takeoverRule(fleet, placement.decisions, placement.templates),
    detectDrift: opts.detectDrift,
    driftReportOnly: (key) => (placement.templates.get(key)?.object.metadata.annotations?.[ANNOTATION_DRIFT] ?? '').toLowerCase() === 'report',
    decidedPrunes: (cluster) => placement.failover.decidedPrunes.get(cluster) ?? new Set(),
    retain: retainRule(fleetInterpreter(fleet)),
    objectConcurrency: opts.applyConcurrency,
  };
  return { rules, notices, orphaned: held.orphaned };
}

/** Take over an unmanaged object only when the policy or the template says Overwrite (Karmada's rule). */
function takeoverRule(fleet: Fleet, decisions: PlacementDecision[], templates: Map<string, ResourceTemplate>): (ref: ObjectRef) => boolean {
  const byRef = new Map(decisions.map((d) => [identityKey(d.resource), d]));
  return (ref) => {
    const annotations = templates.get(identityKey(ref))?.object.metadata.annotations ?? {};
    const fromTemplate = annotations[ANNOTATION_CONFLICT_RESOLUTION] ?? annotations[KARMADA_ANNOTATION_CONFLICT_RESOLUTION];
    if (fromTemplate) return fromTemplate.toLowerCase() === 'overwrite';
    const policy = byRef.get(identityKey(ref))?.policy;
    if (!policy) return false;
    const doc = fleet.propagationPolicies.find((p) => p.kind === policy.kind && p.namespace === policy.namespace && p.name === policy.name);
    return doc?.spec.conflictResolution === 'Overwrite';
  };
}

/** Karmada's Retain through the fleet's retention scripts; a failing script fails that object's apply, with the script's location. */
function retainRule(interpreter: ResourceInterpreter): RetainRule {
  return {
    applies: (desired) => interpreter.has(desired.apiVersion, desired.kind, 'Retain'),
    retain: (desired, observed) => {
      const outcome = interpreter.retain(desired, observed);
      if (outcome === undefined) return { object: desired };
      return outcome.error ? { error: `not applied: ${formatProblem(outcome.error)}` } : { object: outcome.value };
    },
  };
}
