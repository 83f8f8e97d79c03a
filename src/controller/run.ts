/**
 * The controller loop: a reconcile pass every interval (jittered, so a fleet of controllers does not poll a
 * Git server in lock-step), right away when a local repository's branch moves (--watch), and again at once
 * when a pass was superseded by a concurrent commit.
 */
import { join } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { FleetRepository } from '../git/repo.js';
import type { Logger, PassReport, Reconciler } from './reconcile.js';
import { FleetWatcher } from '../observe/watch.js';
import { UsageError } from '../model/errors.js';
import { errorFields, passFigures } from './log-fields.js';
import { PassAbandonedError } from '../coordination/abandon.js';

export interface RunOptions {
  reconciler: Reconciler;
  /** Watch the objects Flotilla applied and reconcile when one changes (default true). */
  watchClusters?: boolean;
  /** Only what --watch needs: where the local repository's refs are. */
  repo: Pick<FleetRepository, 'isRemote' | 'gitdir'>;
  intervalMs: number;
  /** How often each cluster's `/readyz` is checked between passes (0: only at passes). */
  probeIntervalMs?: number;
  once?: boolean;
  watch?: boolean;
  log: Logger;
  signal?: AbortSignal;
  /** Abandons the pass in flight at its next safe point (leadership lost); `signal` only stops the loop after it. */
  abandonSignal?: AbortSignal;
  onPass?: (report: PassReport) => void;
}

export function jittered(intervalMs: number, random = Math.random): number {
  return Math.round(intervalMs * (0.9 + 0.2 * random()));
}

/** What the controller loop ends with: the last pass's report, and the error of the last pass if it threw. */
export interface RunResult {
  last?: PassReport;
  error?: Error;
}

/**
 * Whether a pass left anything undone: a fleet problem, a cluster not Ready, or an object that failed, conflicted
 * or was skipped. `run --once` exits non-zero on it, so a CI job or a cron notices.
 */
export function passFailed(r: RunResult): boolean {
  if (r.error || !r.last) return true;
  const { last } = r;
  if (last.problems.length > 0 || last.clusters.some((c) => !c.ready)) return true;
  return last.clusters.some((c) => c.changeSet?.entries.some((e) => e.action === 'failed' || e.action === 'conflict' || e.action === 'skipped'));
}

export async function runController(opts: RunOptions): Promise<RunResult> {
  const { reconciler, log } = opts;
  let wake: (() => void) | undefined;
  let pending: boolean;
  let watcher: FSWatcher | undefined;
  if (opts.watch && !opts.once) {
    if (opts.repo.isRemote) throw new UsageError('--watch works with a local repository; remote repositories are polled (or told by webhook)');
    const g = opts.repo.gitdir;
    watcher = watch([join(g, 'refs', 'heads'), join(g, 'packed-refs'), join(g, 'HEAD')], { ignoreInitial: true, depth: 3 });
    let timer: NodeJS.Timeout | undefined;
    watcher.on('all', () => {
      // A commit touches several files (lock, ref, reflog): one pass for the lot.
      clearTimeout(timer);
      timer = setTimeout(() => {
        pending = true;
        wake?.();
      }, 100);
    });
    await new Promise<void>((r) => watcher!.once('ready', () => r()));
  }
  opts.signal?.addEventListener('abort', () => wake?.());
  let debounce: NodeJS.Timeout | undefined;
  const clusterWatcher =
    opts.watchClusters !== false && !opts.once
      ? new FleetWatcher(() => {
          // A burst of events (a rollout updates status many times) becomes one pass and one commit.
          clearTimeout(debounce);
          debounce = setTimeout(() => {
            pending = true;
            wake?.();
          }, 200);
        })
      : undefined;
  let last: PassReport | undefined;
  let error: Error | undefined;
  try {
    while (!opts.signal?.aborted) {
      pending = false;
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          error = undefined;
          last = await reconciler.reconcileOnce(opts.abandonSignal);
          clusterWatcher?.update(reconciler.watchTargets);
          opts.onPass?.(last);
          log('info', summarize(last), { pass: passFigures(last) });
          if (last.outcome !== 'superseded') break;
        } catch (err) {
          if (err instanceof PassAbandonedError) {
            log('warn', err.message);
            break;
          }
          // A failed fetch or push: nothing was pruned on its account; try again next tick.
          error = err as Error;
          log('error', `reconcile failed: ${error.message}`, errorFields(error));
          break;
        }
      }
      if (opts.once) break;
      if (pending) continue;
      await waitForNextPass(reconciler, opts, last, (w) => (wake = w));
      wake = undefined;
    }
  } finally {
    clearTimeout(debounce);
    clusterWatcher?.stop();
    await watcher?.close();
  }
  return { last, error };
}

/**
 * Until the poll interval passes, something recorded falls due (a threshold, a toleration, a grace period), a
 * cluster's readiness check answers differently, or `setWake` is called (a watch event, a new commit, abort).
 */
async function waitForNextPass(reconciler: Reconciler, opts: RunOptions, last: PassReport | undefined, setWake: (wake: () => void) => void): Promise<void> {
  let delay = jittered(opts.intervalMs);
  if (last?.nextWakeAt !== undefined) delay = Math.max(50, Math.min(delay, last.nextWakeAt - Date.now()));
  const probeMs = opts.probeIntervalMs ?? 0;
  await new Promise<void>((resolve) => {
    let probe: NodeJS.Timeout | undefined;
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(t);
      clearTimeout(probe);
      resolve();
    };
    const t = setTimeout(finish, delay);
    const check = () => {
      probe = setTimeout(() => {
        void reconciler
          .readinessChanged()
          .catch(() => false)
          .then((changed) => {
            if (changed) finish();
            else if (!done) check();
          });
      }, probeMs);
    };
    if (probeMs > 0) check();
    setWake(finish);
  });
}

export function summarize(r: PassReport): string {
  const clusters = r.clusters
    .map((c) => {
      const n = (a: string) => c.changeSet?.entries.filter((e) => e.action === a).length ?? 0;
      const changed = [['+', n('created')], ['~', n('configured')], ['-', n('deleted')], ['!', n('failed') + n('conflict')]]
        .filter(([, k]) => (k as number) > 0)
        .map(([s, k]) => `${s}${k}`)
        .join(' ');
      return `${c.name}:${c.ready ? 'Ready' : 'NotReady'}${changed ? `(${changed})` : ''}`;
    })
    .join(' ');
  const commit = r.statusCommit ? ` status ${r.statusCommit.slice(0, 7)}` : ' no status change';
  const problems = r.problems.length > 0 ? ` ${r.problems.length} problem(s)` : '';
  return `pass at ${r.tip.slice(0, 7)} in ${r.durationMs} ms: ${clusters};${commit}${problems}`;
}
