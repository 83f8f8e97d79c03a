/**
 * One reconcile pass: source → load → observe clusters → schedule → render → apply → observe objects →
 * record. Each cluster is handled on its own; its failure is data in the report, never an exception that
 * stops the others. The status commit is computed from the tip's desired state plus what this pass observed,
 * so `flotilla schedule --ref <status commit>` replays the decision.
 */
import pLimit from 'p-limit';
import { applyClusterPlan, type ChangeSet } from '../apply/apply-cluster.js';
import { planClusterApply } from '../apply/plan.js';
import type { FleetRepository, CommitOutcome } from '../git/repo.js';
import type { ClusterClient } from '../kube/client.js';
import { loadFleet } from '../load/index.js';
import { ANNOTATION_CONFLICT_RESOLUTION, ANNOTATION_DRIFT, KARMADA_ANNOTATION_CONFLICT_RESOLUTION } from '../model/constants.js';
import { detectDrift } from '../drift/index.js';
import type { ClusterDef, ClusterStatus, Fleet, HealthStatus, PlacementClusterStatus } from '../model/fleet.js';
import type { Condition, KubeObject } from '../model/kube.js';
import type { PlacementDecision } from '../model/placement.js';
import type { Problem } from '../model/problem.js';
import { formatProblem } from '../model/problem.js';
import { formatRef, identityKey, type ObjectRef } from '../model/refs.js';
import { probeCluster, type ClusterProbe } from '../observe/cluster-status.js';
import type { WatchTarget } from '../observe/watch.js';
import { assessHealth, aggregateStatus } from '../health/index.js';
import { clusterStatusFile, inventoryFile, parseInventory, placementFile, statusWrites, withTransitionTimes, type PlacementObservation } from '../record/status-files.js';
import { inventoryPath } from '../record/paths.js';
import { renderFleet, type RenderResult } from '../render/index.js';
import { scheduleFleet } from '../schedule/index.js';
import type { ClusterConnector } from './clusters.js';

export type Logger = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface ReconcilerOptions {
  repo: FleetRepository;
  connector: ClusterConnector;
  /** The explicit override of the prune circuit breaker. */
  allowMassPrune?: boolean;
  /** How long a cluster must keep failing before it is recorded NotReady (Karmada: 30 s). */
  clusterFailureThresholdMs?: number;
  /** Re-apply every object this often even if nothing changed, to correct drift (0 disables). */
  resyncIntervalMs?: number;
  /** Clusters handled at once. */
  clusterConcurrency?: number;
  /** Compare every unchanged object with a server-side apply dry-run each pass, and correct drift. */
  detectDrift?: boolean;
  now?: () => Date;
  log?: Logger;
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
  rescheduled: boolean;
  clusters: ClusterReport[];
  problems: Problem[];
  notices: string[];
  durationMs: number;
}

interface Memo {
  fingerprint: string;
  readiness: string;
  decisions: PlacementDecision[];
  render: RenderResult;
}

const STATUS_PREFIXES = ['status/clusters/', 'status/placements/'];

export class Reconciler {
  private memo?: Memo;
  private readonly failingSince = new Map<string, number>();
  /** Objects observed missing (or drifted) that must be re-applied next pass, per cluster. */
  private readonly forceApply = new Map<string, Set<string>>();
  private lastResync = 0;
  /** What the last pass applied, per reachable cluster: the kinds worth watching. */
  watchTargets: WatchTarget[] = [];
  private readonly opts: Required<Omit<ReconcilerOptions, 'log'>> & { log: Logger };

  constructor(opts: ReconcilerOptions) {
    this.opts = {
      allowMassPrune: false,
      clusterFailureThresholdMs: 30_000,
      resyncIntervalMs: 10 * 60_000,
      clusterConcurrency: 4,
      detectDrift: true,
      now: () => new Date(),
      log: () => {},
      ...opts,
    };
  }

  async reconcileOnce(): Promise<PassReport> {
    const started = Date.now();
    const { repo, log } = this.opts;
    const now = this.opts.now();
    const tip = await repo.sync();
    const snapshot = await repo.readFleet(tip);
    const statusFiles = new Map(snapshot.files.filter((f) => f.path.startsWith('status/')).map((f) => [f.path, f.content]));
    const fleet = loadFleet(snapshot.files.filter((f) => !f.path.startsWith('status/inventory/')));
    const notices: string[] = [];

    // Observe the clusters first: this pass schedules with what it is about to record.
    const limit = pLimit(this.opts.clusterConcurrency);
    const observed = await Promise.all(fleet.clusters.map((c) => limit(() => this.observeCluster(c, fleet, now))));
    for (const o of observed) fleet.clusterStatuses.set(o.def.name, o.status);
    const readiness = observed.map((o) => `${o.def.name}=${o.ready}`).join(',');

    const resyncDue = this.opts.resyncIntervalMs > 0 && Date.now() - this.lastResync >= this.opts.resyncIntervalMs;
    const rescheduled = !this.memo || this.memo.fingerprint !== snapshot.desiredFingerprint || this.memo.readiness !== readiness;
    let decisions: PlacementDecision[];
    let render: RenderResult;
    if (rescheduled || !this.memo) {
      decisions = scheduleFleet(fleet, { explain: false }).decisions;
      render = renderFleet(fleet, decisions, { cache: this.memo?.render.cache });
      this.memo = { fingerprint: snapshot.desiredFingerprint, readiness, decisions, render };
    } else {
      ({ decisions, render } = this.memo);
    }
    if (resyncDue) this.lastResync = Date.now();

    const templates = new Map(fleet.templates.map((t) => [identityKey(t.ref), t]));
    const canTakeOver = takeoverRule(fleet, decisions, templates);
    const heldEverywhere = new Set(fleet.heldResources.map(identityKey));
    // Like Karmada, losing (or deleting) the policy does not delete what it propagated: the objects stay as
    // they are until a policy claims the template again. Deleting the template itself is what prunes.
    for (const d of decisions) {
      const key = identityKey(d.resource);
      if (d.reason === 'NoPolicyMatched' && (fleet.placements.get(key)?.clusters.length ?? 0) > 0) heldEverywhere.add(key);
    }
    const brokenFiles = new Set(fleet.brokenFiles);
    // With fleet.yaml unreadable its limits (maxPruneFraction) are unknown: delete nothing until it is fixed.
    const settingsBroken = fleet.brokenFiles.some((f) => f === 'fleet.yaml' || f === 'fleet.yml');
    if (settingsBroken) notices.push('fleet.yaml cannot be read: pruning is suspended on every cluster until it is fixed');

    const reports: ClusterReport[] = await Promise.all(
      observed.map((o) =>
        limit(async (): Promise<ClusterReport> => {
          const base = { name: o.def.name, ready: o.ready, reason: o.probe.reason, message: o.probe.message };
          if (!o.client || !o.probe.ready) return base;
          const manifests = render.clusters.find((c) => c.cluster === o.def.name)?.objects ?? [];
          const held = new Set(heldEverywhere);
          for (const h of render.held) if (h.cluster === o.def.name) held.add(identityKey(h.ref));
          for (const d of decisions) if (d.suspendedClusters?.includes(o.def.name)) held.add(identityKey(d.resource));
          const force = new Set(this.forceApply.get(o.def.name) ?? []);
          if (resyncDue) for (const m of manifests) force.add(identityKey(m.ref));
          const plan = planClusterApply({
            cluster: o.def.name,
            desired: manifests.map((m) => ({ ref: m.ref, object: m.object, hash: m.hash, source: m.sourceFile || '(implicit)' })),
            previous: parseInventory(o.def.name, statusFiles.get(inventoryPath(o.def.name))),
            held,
            brokenFiles,
            forceApply: force,
            maxPruneFraction: settingsBroken ? 0 : fleet.settings.maxPruneFraction,
            allowMassPrune: this.opts.allowMassPrune && !settingsBroken,
            pruneSuspended: settingsBroken,
          });
          const changeSet = await applyClusterPlan(o.client, plan, { canTakeOver });
          this.forceApply.delete(o.def.name);
          if (changeSet.pruneBlocked) notices.push(changeSet.pruneBlocked);
          for (const e of changeSet.entries) {
            if (e.action === 'failed' || e.action === 'conflict') log('warn', `${o.def.name}: ${formatRef(e.ref)} ${e.action}: ${e.message ?? ''}`);
          }
          return { ...base, changeSet };
        }),
      ),
    );

    this.watchTargets = observed.flatMap((o) => {
      const report = reports.find((r) => r.name === o.def.name);
      if (!o.client || !report?.changeSet) return [];
      const kinds = new Map(report.changeSet.inventory.entries.map((e) => [`${e.ref.apiVersion}|${e.ref.kind}`, { apiVersion: e.ref.apiVersion, kind: e.ref.kind }]));
      return [{ client: o.client, kinds: [...kinds.values()] }];
    });
    const observations = await this.observeObjects(decisions, observed, reports, templates, render, notices);
    const wanted = new Map<string, string>();
    for (const o of observed) {
      const f = clusterStatusFile(o.def.name, o.status);
      wanted.set(f.path, f.content);
    }
    for (const d of decisions) {
      if (!d.policy && d.clusters.length === 0) continue;
      const f = placementFile(d, observations.get(identityKey(d.resource)));
      wanted.set(f.path, f.content);
    }
    for (const r of reports) {
      if (!r.changeSet) continue;
      const f = inventoryFile(r.changeSet.inventory);
      wanted.set(f.path, f.content);
    }
    const writes = statusWrites(statusFiles, wanted, STATUS_PREFIXES);
    const problems = [...fleet.errors, ...render.problems];
    let outcome: CommitOutcome = { kind: 'unchanged' };
    if (writes.length > 0) {
      outcome = await repo.commitStatus(tip, writes, commitMessage(tip, writes, reports, notices, problems));
      if (outcome.kind === 'superseded') log('info', `branch moved to ${outcome.tip.slice(0, 7)} with new desired state; recomputing`);
    }
    for (const p of problems) log('warn', formatProblem(p));
    for (const n of notices) log('warn', n);
    return {
      tip,
      outcome: outcome.kind,
      statusCommit: outcome.kind === 'committed' ? outcome.commit : undefined,
      rescheduled,
      clusters: reports,
      problems,
      notices,
      durationMs: Date.now() - started,
    };
  }

  private async observeCluster(def: ClusterDef, fleet: Fleet, now: Date) {
    const previous = fleet.clusterStatuses.get(def.name);
    const client = await this.opts.connector.connect(def);
    const probe: ClusterProbe =
      typeof client === 'string' ? { ready: false, reason: 'ClusterNotReachable', message: client, status: {} } : await probeCluster(client);
    const prevReady = previous?.conditions?.find((c) => c.type === 'Ready');
    let ready = probe.ready;
    if (probe.ready) this.failingSince.delete(def.name);
    else {
      const since = this.failingSince.get(def.name) ?? Date.now();
      this.failingSince.set(def.name, since);
      // A blip must not mark a healthy cluster NotReady: only a failure that lasts (Karmada's failure threshold).
      if (prevReady?.status === 'True' && Date.now() - since < this.opts.clusterFailureThresholdMs) ready = true;
    }
    const condition: Condition = probe.ready || !ready
      ? { type: 'Ready', status: probe.ready ? 'True' : 'False', reason: probe.reason, message: probe.message }
      : (prevReady as Condition);
    // An unreachable cluster keeps its last known version and summaries; only its condition changes.
    const status: ClusterStatus = probe.ready ? { ...probe.status } : { ...(previous ?? {}), ...probe.status };
    status.conditions = withTransitionTimes([condition], previous?.conditions, now.toISOString().replace(/\.\d+Z$/, 'Z'));
    return { def, client: typeof client === 'string' ? undefined : client, probe, ready, status };
  }

  private async observeObjects(
    decisions: PlacementDecision[],
    observed: { def: ClusterDef; client?: ClusterClient; probe: ClusterProbe }[],
    reports: ClusterReport[],
    templates: Map<string, { object: KubeObject }>,
    render: RenderResult,
    notices: string[],
  ): Promise<Map<string, PlacementObservation>> {
    const desiredByCluster = new Map(render.clusters.map((c) => [c.cluster, new Map(c.objects.map((o) => [identityKey(o.ref), o.object]))]));
    const out = new Map<string, PlacementObservation>();
    const byCluster = new Map(observed.map((o) => [o.def.name, o]));
    const changes = new Map(reports.map((r) => [r.name, new Map((r.changeSet?.entries ?? []).map((e) => [identityKey(e.ref), e]))]));
    const inventories = new Map(reports.map((r) => [r.name, new Set((r.changeSet?.inventory.entries ?? []).map((e) => identityKey(e.ref)))]));
    const limit = pLimit(8);
    await Promise.all(
      decisions.map((d) =>
        limit(async () => {
          if (d.clusters.length === 0) return;
          const key = identityKey(d.resource);
          const members: { cluster: string; applied: boolean; health: HealthStatus; message?: string; object?: KubeObject | null; status?: Record<string, unknown> | null }[] = [];
          const clusters: PlacementClusterStatus[] = [];
          for (const pc of d.clusters) {
            const o = byCluster.get(pc.name);
            const change = changes.get(pc.name)?.get(key);
            const applied = inventories.get(pc.name)?.has(key) ?? false;
            let health: HealthStatus = 'Unknown';
            let message: string | undefined;
            let live: KubeObject | undefined;
            let drift = false;
            if (!o?.client || !o.probe.ready) message = `cluster ${pc.name} is not reachable`;
            else if (change?.action === 'conflict' || change?.action === 'failed') {
              health = change.action === 'conflict' ? 'Missing' : 'Unknown';
              message = change.message;
            } else {
              try {
                live = await o.client.get(d.resource);
                const h = assessHealth(live ?? null);
                health = h.health;
                message = h.message || undefined;
                const desired = desiredByCluster.get(pc.name)?.get(key);
                if (!live && desired && change?.action === 'unchanged') {
                  // Deleted behind Flotilla's back: put it back now rather than a pass later.
                  await o.client.apply(desired);
                  live = await o.client.get(d.resource);
                  const again = assessHealth(live ?? null);
                  health = again.health;
                  message = `was deleted from the cluster; re-applied${again.message ? `: ${again.message}` : ''}`;
                  notices.push(`${pc.name}: ${formatRef(d.resource)} was missing and has been re-applied`);
                } else if (!live) this.markForApply(pc.name, key);
                // Only objects left alone this pass can have drifted; what was just applied is in sync.
                if (live && desired && change?.action === 'unchanged' && this.opts.detectDrift) {
                  const found = await this.checkDrift(o.client, live, desired, templates.get(key)?.object);
                  if (found) {
                    drift = found.reportOnly;
                    message = found.message;
                    notices.push(`${pc.name}: ${formatRef(d.resource)}: ${found.message}`);
                    if (!found.reportOnly) {
                      // Judge what is there now, after the correction, not what was found before it.
                      live = (await o.client.get(d.resource)) ?? live;
                      health = assessHealth(live).health;
                    }
                  }
                }
              } catch (err) {
                message = (err as Error).message;
              }
            }
            clusters.push({ name: pc.name, applied, health, ...(message ? { message } : {}), ...(drift ? { drift: true } : {}) });
            members.push({ cluster: pc.name, applied, health, object: live ?? null, status: (live?.status as Record<string, unknown> | undefined) ?? null });
          }
          const template = templates.get(key)?.object;
          const aggregated = template ? (aggregateStatus(template, members) as PlacementObservation['aggregated']) : undefined;
          out.set(key, { clusters, aggregated });
        }),
      ),
    );
    return out;
  }

  /**
   * Someone changed the object in the cluster: a server-side apply dry-run of what Flotilla wants differs from
   * what is there (Flux's method; fields others own are not drift). Corrected at once, unless the template
   * says to report only.
   */
  private async checkDrift(client: ClusterClient, live: KubeObject, desired: KubeObject, template: KubeObject | undefined): Promise<{ reportOnly: boolean; message: string } | undefined> {
    const dryRun = await client.apply(desired, { dryRun: true });
    const report = detectDrift(live, dryRun);
    if (!report.drifted) return undefined;
    const paths = report.changes.map((c) => c.path).slice(0, 5).join(', ') + (report.changes.length > 5 ? ', …' : '');
    const reportOnly = (template?.metadata.annotations?.[ANNOTATION_DRIFT] ?? '').toLowerCase() === 'report';
    if (reportOnly) return { reportOnly, message: `drifted from the fleet repository at ${paths} (not corrected: ${ANNOTATION_DRIFT}: report)` };
    await client.apply(desired);
    return { reportOnly, message: `drift at ${paths} corrected` };
  }

  private markForApply(cluster: string, key: string): void {
    const set = this.forceApply.get(cluster) ?? new Set<string>();
    set.add(key);
    this.forceApply.set(cluster, set);
  }
}

/** Take over an unmanaged object only when the policy or the template says Overwrite (Karmada's rule). */
function takeoverRule(fleet: Fleet, decisions: PlacementDecision[], templates: Map<string, { object: KubeObject }>): (ref: ObjectRef) => boolean {
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

function commitMessage(tip: string, writes: { path: string; content: Uint8Array | null }[], reports: ClusterReport[], notices: string[], problems: Problem[]): string {
  const lines: string[] = [];
  const clusterFiles = writes.filter((w) => w.path.startsWith('status/clusters/')).length;
  const placementFiles = writes.filter((w) => w.path.startsWith('status/placements/')).length;
  const parts: string[] = [];
  if (clusterFiles) parts.push(`${clusterFiles} cluster${clusterFiles > 1 ? 's' : ''}`);
  if (placementFiles) parts.push(`${placementFiles} placement${placementFiles > 1 ? 's' : ''}`);
  if (parts.length === 0) parts.push('inventory');
  lines.push(`flotilla: status of ${tip.slice(0, 7)} (${parts.join(', ')})`, '');
  for (const r of reports) {
    const counts = new Map<string, number>();
    for (const e of r.changeSet?.entries ?? []) if (e.action !== 'unchanged') counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
    const summary = [...counts].map(([a, n]) => `${n} ${a}`).join(', ');
    lines.push(`${r.name}: ${r.ready ? 'Ready' : `NotReady (${r.reason})`}${summary ? `; ${summary}` : ''}`);
  }
  for (const n of notices) lines.push(`! ${n}`);
  if (problems.length > 0) lines.push(`! ${problems.length} problem(s) in the fleet; first: ${formatProblem(problems[0]!)}`);
  return lines.join('\n');
}

