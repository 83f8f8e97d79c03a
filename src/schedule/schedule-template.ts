/**
 * Scheduling one claimed template: filter → rank → select → assign, once per affinity term. With ordered
 * `clusterAffinities` the scheduler resumes at the term it used last and walks forward only, taking the first
 * term that schedules (docs/fleet-repository.md#ordered-cluster-affinities).
 */
import type { PlacementCluster, PlacementRecord, PropagationPolicyDoc, ResourceTemplate } from '../model/fleet.js';
import type { ClusterAffinity, Placement } from '../model/karmada.js';
import { tolerationsOf, type ScheduleContext } from './context.js';
import { describeNoFit, filterClusters } from './filter.js';
import { rankClusters } from './rank.js';
import { selectClusters } from './spread.js';
import { assignReplicas } from './assign.js';
import type { PodRequests } from './replicas.js';
import type { ComponentSet } from './component-sets.js';
import type { TermAttempt } from './types.js';

export interface TemplateScheduleRequest {
  template: ResourceTemplate;
  policy: PropagationPolicyDoc;
  previous: PlacementRecord | undefined;
  replicas: number;
  requests: PodRequests;
  /** Set when capacity is estimated in complete component sets (component-sets.ts). */
  components?: ComponentSet;
  /** Clusters with a graceful eviction task (ClusterEviction), with why; they are not in `previous`. */
  evicting?: ReadonlyMap<string, string>;
}

export interface TemplateScheduleOutcome {
  ok: boolean;
  /** On success the new placement, sorted by name. */
  clusters: PlacementCluster[];
  /** On failure, every term's failure. */
  failure: string;
  /** The term that scheduled (or, on failure, the previous one kept), when the policy has clusterAffinities. */
  observedAffinityName?: string;
  terms: TermAttempt[];
  skippedTerms: string[];
}

interface Term {
  name?: string;
  affinity: ClusterAffinity | undefined;
  key: string;
}

function termsOf(policy: PropagationPolicyDoc): Term[] {
  const p = policy.spec.placement;
  const ordered = p.clusterAffinities ?? [];
  if (ordered.length > 0) {
    return ordered.map((t, i) => {
      const { affinityName, ...affinity } = t;
      return { name: affinityName, affinity, key: `term:${i}` };
    });
  }
  return [{ affinity: p.clusterAffinity, key: '' }];
}

/** Where to resume: the term named in the previous placement, else the first (Karmada's getAffinityIndex). */
function startIndex(terms: readonly Term[], observed: string | undefined): number {
  if (observed === undefined) return 0;
  const i = terms.findIndex((t) => t.name === observed);
  return i < 0 ? 0 : i;
}

/** Static weights depend only on the placement and the cluster, so templates of one policy share them. */
function staticWeightMemo(ctx: ScheduleContext, placement: Placement): (number | undefined)[] {
  let memo = ctx.staticWeightMemo.get(placement);
  if (!memo) {
    memo = [];
    ctx.staticWeightMemo.set(placement, memo);
  }
  return memo;
}

export function scheduleTemplate(ctx: ScheduleContext, req: TemplateScheduleRequest): TemplateScheduleOutcome {
  const placement = req.policy.spec.placement;
  const previousClusters = req.previous?.clusters ?? [];
  const previousNames = new Set(previousClusters.map((c) => c.name));
  const terms = termsOf(req.policy);
  const ordered = terms.length > 1 || terms[0]?.name !== undefined;
  const start = ordered ? startIndex(terms, req.previous?.observedAffinityName) : 0;
  const attempts: TermAttempt[] = [];
  const failures: string[] = [];

  for (let i = start; i < terms.length; i++) {
    const term = terms[i] as Term;
    const attempt: TermAttempt = {
      ...(term.name !== undefined ? { affinityName: term.name } : {}),
      ...(term.affinity !== undefined ? { affinity: term.affinity } : {}),
      outcome: 'Failed',
      filtered: [],
      ranking: [],
    };
    attempts.push(attempt);
    const fail = (message: string): void => {
      attempt.failure = message;
      failures.push(term.name !== undefined ? `clusterAffinities term "${term.name}": ${message}` : message);
    };

    const filter = filterClusters(ctx, {
      template: req.template,
      placement,
      affinity: term.affinity,
      termKey: term.key,
      previous: previousNames,
      tolerations: tolerationsOf(ctx, placement).all,
      ...(req.evicting ? { evicted: req.evicting } : {}),
    });
    attempt.filtered = filter.filtered;
    if (filter.feasible.length === 0) {
      fail(describeNoFit(ctx.clusters.length, filter.filtered));
      continue;
    }
    const ranked = rankClusters(ctx, {
      feasible: filter.feasible,
      replicas: req.replicas,
      requests: req.requests,
      ...(req.components ? { components: req.components } : {}),
      previous: previousClusters,
      kept: filter.kept,
      memo: filter.memo,
    });
    attempt.ranking = ranked.infos;
    const selection = selectClusters(placement, ranked.candidates, req.replicas);
    attempt.selection = selection.explanation;
    if (!selection.ok) {
      fail(`spread constraints: ${selection.failure ?? 'no selection'}`);
      continue;
    }
    const assignment = assignReplicas({
      placement,
      replicas: req.replicas,
      selected: selection.selected,
      previous: previousClusters,
      weightMemo: staticWeightMemo(ctx, placement),
    });
    attempt.division = assignment.explanation;
    if (!assignment.ok) {
      fail(`replica division: ${assignment.failure ?? 'failed'}`);
      continue;
    }
    attempt.outcome = 'Scheduled';
    return {
      ok: true,
      clusters: assignment.clusters,
      failure: '',
      ...(term.name !== undefined ? { observedAffinityName: term.name } : {}),
      terms: attempts,
      skippedTerms: terms.slice(0, start).map((t) => t.name ?? ''),
    };
  }
  const observed = ordered ? req.previous?.observedAffinityName : undefined;
  return {
    ok: false,
    clusters: [],
    failure: failures.join('; '),
    ...(observed !== undefined ? { observedAffinityName: observed } : {}),
    terms: attempts,
    skippedTerms: terms.slice(0, start).map((t) => t.name ?? ''),
  };
}
