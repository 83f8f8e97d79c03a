/**
 * What the controller tells an observer about its passes: stage boundaries, placements, Git round trips and each
 * pass's outcome. The controller only calls this interface; a metrics library lives behind it (src/telemetry),
 * so the reconcile code carries no metric names and unit tests run with the no-op default.
 */
import type { PlacementDecision } from '../model/placement.js';
import type { FleetSource, PassReport } from './reconcile.js';

/** The stages of a pass, in order (docs/operations.md says what each one covers). */
export const PASS_STAGES = ['source', 'load', 'observe', 'schedule', 'render', 'apply', 'record'] as const;
export type PassStage = (typeof PASS_STAGES)[number];

export type GitOperation = 'fetch' | 'push';

export interface ControllerTelemetry {
  /** A stage begins; the returned function is called when it ends (not at all when the pass throws inside it). */
  stageStarted(stage: PassStage): () => void;
  /** The placements this pass works with (recomputed or remembered). */
  placementsDecided(decisions: readonly PlacementDecision[]): void;
  /** A Git round trip begins; the returned function is called with whether it succeeded. */
  gitStarted(operation: GitOperation): (ok: boolean) => void;
  /** A pass returned a report (including a superseded one). */
  passCompleted(report: PassReport): void;
  /** A pass threw (a failed fetch or push): nothing of it was recorded. */
  passFailed(error: Error): void;
}

const ignore = () => {};

export const NO_TELEMETRY: ControllerTelemetry = {
  stageStarted: () => ignore,
  placementsDecided: ignore,
  gitStarted: () => ignore,
  passCompleted: ignore,
  passFailed: ignore,
};

/** Runs `fn` as `stage`; works for synchronous stages and for promises alike. */
export function timed<T>(telemetry: ControllerTelemetry, stage: PassStage, fn: () => T): T {
  const done = telemetry.stageStarted(stage);
  const result = fn();
  if (result instanceof Promise) return result.then((value: unknown) => (done(), value)) as T;
  done();
  return result;
}

async function timedGit<T>(telemetry: ControllerTelemetry, operation: GitOperation, fn: () => Promise<T>): Promise<T> {
  const done = telemetry.gitStarted(operation);
  try {
    const value = await fn();
    done(true);
    return value;
  } catch (err) {
    done(false);
    throw err;
  }
}

/**
 * The fleet source with its Git round trips reported: `sync` is the fetch (for a local repository, reading the
 * branch), `commitStatus` the push (building the commit, publishing it, and retries on a race).
 */
export function instrumentSource(source: FleetSource, telemetry: ControllerTelemetry): FleetSource {
  if (telemetry === NO_TELEMETRY) return source;
  const desiredCommitOf = source.desiredCommitOf?.bind(source);
  return {
    sync: () => timedGit(telemetry, 'fetch', () => source.sync()),
    readFleet: (rev) => source.readFleet(rev),
    commitStatus: (base, writes, message) => timedGit(telemetry, 'push', () => source.commitStatus(base, writes, message)),
    ...(desiredCommitOf ? { desiredCommitOf } : {}),
  };
}
