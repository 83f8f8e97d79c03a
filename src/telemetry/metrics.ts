/**
 * The controller's Prometheus metrics (prom-client), behind the ControllerTelemetry interface. Each controller
 * gets its own Registry rather than prom-client's global one, so tests and several controllers in one process
 * never share counters. Labels stay bounded: a stage, a Git operation, a result, a cluster name (one per Cluster
 * object of the fleet); never the name of a resource, which would grow a series per object.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isDriftCorrection } from '../controller/cluster-pass.js';
import type { ControllerTelemetry, GitOperation, PassStage } from '../controller/telemetry.js';
import type { PlacementDecision } from '../model/placement.js';
import type { PassReport } from '../controller/reconcile.js';
import type { ChangeEntry } from '../apply/apply-cluster.js';

const STAGE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const GIT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, file descriptors); default true. */
  processMetrics?: boolean;
  /** Wall clock in milliseconds, for the last-success timestamp. */
  now?: () => number;
  /** Monotonic clock in milliseconds, for durations. */
  monotonic?: () => number;
}

const OBJECT_COUNTERS: { name: string; help: string; counts: (e: ChangeEntry) => boolean }[] = [
  { name: 'flotilla_objects_applied_total', help: 'Objects created or updated on a member cluster by server-side apply.', counts: (e) => e.action === 'created' || e.action === 'configured' },
  { name: 'flotilla_objects_pruned_total', help: 'Objects deleted from a member cluster because the fleet no longer places them there.', counts: (e) => e.action === 'deleted' },
  { name: 'flotilla_objects_drift_corrected_total', help: 'Objects re-applied because they had drifted or were deleted by hand (also counted as applied).', counts: isDriftCorrection },
  { name: 'flotilla_objects_failed_total', help: 'Objects that could not be applied or pruned (API errors and field-ownership conflicts).', counts: (e) => e.action === 'failed' || e.action === 'conflict' },
];

export class PrometheusTelemetry implements ControllerTelemetry {
  readonly registry = new Registry();
  /** When the last pass that returned a report ended (ms since the epoch), for readiness. */
  lastSuccessAt: number | undefined;
  private readonly now: () => number;
  private readonly monotonic: () => number;
  private readonly stageDuration: Histogram<'stage'>;
  private readonly passes: Counter<'result'>;
  private readonly objectCounters: { counter: Counter<'cluster'>; counts: (e: ChangeEntry) => boolean }[];
  private readonly placements: Gauge<'state'>;
  private readonly clusterReady: Gauge<'cluster'>;
  private readonly gitDuration: Record<GitOperation, Histogram>;
  private readonly gitFailures: Counter<'operation'>;
  private readonly lastSuccess: Gauge;
  private readonly statusCommits: Counter<'kind'>;
  private knownClusters = new Set<string>();

  constructor(opts: MetricsOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.monotonic = opts.monotonic ?? (() => performance.now());
    const registers = [this.registry];
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.stageDuration = new Histogram({ name: 'flotilla_reconcile_stage_duration_seconds', help: 'Time spent in each stage of a reconcile pass.', labelNames: ['stage'], buckets: STAGE_BUCKETS, registers });
    this.passes = new Counter({ name: 'flotilla_reconcile_passes_total', help: 'Reconcile passes by result: success, superseded (the branch moved; recomputed) or error (Git failed).', labelNames: ['result'], registers });
    this.objectCounters = OBJECT_COUNTERS.map((c) => ({ counter: new Counter({ name: c.name, help: c.help, labelNames: ['cluster'], registers }), counts: c.counts }));
    this.placements = new Gauge({ name: 'flotilla_placements', help: 'Resource templates selected by a policy, by whether they could be scheduled.', labelNames: ['state'], registers });
    this.clusterReady = new Gauge({ name: 'flotilla_cluster_ready', help: 'Whether the member cluster is recorded Ready (1) or not (0).', labelNames: ['cluster'], registers });
    this.gitDuration = {
      fetch: new Histogram({ name: 'flotilla_git_fetch_duration_seconds', help: 'Time to fetch the fleet branch (for a local repository: to read it).', buckets: GIT_BUCKETS, registers }),
      push: new Histogram({ name: 'flotilla_git_push_duration_seconds', help: 'Time to build and publish a status commit, retries on a race included.', buckets: GIT_BUCKETS, registers }),
    };
    this.gitFailures = new Counter({ name: 'flotilla_git_failures_total', help: 'Git fetches and pushes that failed.', labelNames: ['operation'], registers });
    this.lastSuccess = new Gauge({ name: 'flotilla_last_successful_pass_timestamp_seconds', help: 'When the last reconcile pass completed, in seconds since the Unix epoch.', registers });
    this.statusCommits = new Counter({ name: 'flotilla_status_commits_total', help: 'Commits written to the fleet repository: status after a pass, intent before creating objects.', labelNames: ['kind'], registers });
    // Series that exist before the first event, so a dashboard shows 0 instead of nothing.
    for (const op of ['fetch', 'push'] as const) this.gitFailures.inc({ operation: op }, 0);
    for (const kind of ['status', 'intent']) this.statusCommits.inc({ kind }, 0);
    for (const result of ['success', 'superseded', 'error']) this.passes.inc({ result }, 0);
  }

  stageStarted(stage: PassStage): () => void {
    const start = this.monotonic();
    return () => this.stageDuration.observe({ stage }, (this.monotonic() - start) / 1000);
  }

  placementsDecided(decisions: readonly PlacementDecision[]): void {
    // A template no policy selected has no placement to report.
    const placed = decisions.filter((d) => d.policy || d.clusters.length > 0);
    const scheduled = placed.filter((d) => d.scheduled).length;
    this.placements.set({ state: 'scheduled' }, scheduled);
    this.placements.set({ state: 'unschedulable' }, placed.length - scheduled);
  }

  gitStarted(operation: GitOperation): (ok: boolean) => void {
    const start = this.monotonic();
    return (ok) => {
      this.gitDuration[operation].observe((this.monotonic() - start) / 1000);
      if (!ok) this.gitFailures.inc({ operation });
    };
  }

  passCompleted(report: PassReport): void {
    this.passes.inc({ result: report.outcome === 'superseded' ? 'superseded' : 'success' });
    const current = new Set(report.clusters.map((c) => c.name));
    // A cluster removed from the fleet stops reporting readiness rather than freezing at its last value.
    for (const gone of this.knownClusters) if (!current.has(gone)) this.clusterReady.remove({ cluster: gone });
    this.knownClusters = current;
    for (const c of report.clusters) {
      this.clusterReady.set({ cluster: c.name }, c.ready ? 1 : 0);
      const entries = c.changeSet?.entries ?? [];
      for (const { counter, counts } of this.objectCounters) counter.inc({ cluster: c.name }, entries.filter(counts).length);
    }
    if (report.intentCommit) this.statusCommits.inc({ kind: 'intent' });
    if (report.statusCommit) this.statusCommits.inc({ kind: 'status' });
    this.lastSuccessAt = this.now();
    this.lastSuccess.set(this.lastSuccessAt / 1000);
  }

  passFailed(): void {
    this.passes.inc({ result: 'error' });
  }

  /** The Prometheus text exposition of every metric. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
