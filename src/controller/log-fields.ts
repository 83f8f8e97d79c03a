/**
 * The structured fields of the controller's log lines: what a log query filters on (an error's code, a pass's
 * figures), next to the message people read.
 */
import { FlotillaError } from '../model/errors.js';
import type { ChangeAction } from '../apply/apply-cluster.js';
import type { PassReport } from './reconcile.js';

/** `code` of a FlotillaError (E_FETCH, E_UNREACHABLE…), so errors can be counted by kind; E_UNEXPECTED for a defect. */
export function errorFields(err: unknown): { code: string } {
  return { code: err instanceof FlotillaError ? err.code : 'E_UNEXPECTED' };
}

export interface PassFigures {
  /** The desired-state commit reconciled. */
  commit: string;
  outcome: PassReport['outcome'];
  durationMs: number;
  clustersOk: number;
  clustersFailed: number;
  applied: number;
  pruned: number;
  failed: number;
  problems: number;
  statusCommit?: string;
}

/** The figures of one pass, as its log line carries them. */
export function passFigures(r: PassReport): PassFigures {
  const count = (actions: ChangeAction[]) => r.clusters.reduce((n, c) => n + (c.changeSet?.entries.filter((e) => actions.includes(e.action)).length ?? 0), 0);
  const ok = r.clusters.filter((c) => c.ready).length;
  return {
    commit: r.tip,
    outcome: r.outcome,
    durationMs: r.durationMs,
    clustersOk: ok,
    clustersFailed: r.clusters.length - ok,
    applied: count(['created', 'configured']),
    pruned: count(['deleted']),
    failed: count(['failed', 'conflict']),
    problems: r.problems.length,
    ...(r.statusCommit ? { statusCommit: r.statusCommit } : {}),
  };
}
