/**
 * The schedule stage: one PlacementDecision per resource template, a pure function of the fleet (desired state
 * plus the previous placements and cluster status under status/). Flotilla's one deliberate deviation from
 * Karmada lives here: a template that cannot be scheduled keeps its previous placement.
 */
import type { Fleet, PlacementCluster, PlacementRecord, ResourceTemplate } from '../model/fleet.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import type { PlacementDecision } from '../model/placement.js';
import type { Problem } from '../model/problem.js';
import { compareProblems } from '../model/problem.js';
import { compareRefs, compareStrings, formatRef, identityKey } from '../model/refs.js';
import { claimPolicy, type PolicyClaim } from '../match/claim.js';
import { compareTemplates, createScheduleContext, tolerationsOf, type ScheduleContext } from './context.js';
import { consideredTolerations, planEvictions, replacements, type EvictionPlan } from './evict.js';
import { isEvictable, normalizePurgeMode, type GracefulEvictionTask } from '../model/eviction.js';
import { dependencyRefs, scriptedDependencyRefs } from './dependencies.js';
import { describeStrategy } from './assign.js';
import { formatResourceUnits } from '../model/quantity.js';
import { scriptedReplicas, templateReplicas, templateRequests } from './replicas.js';
import { scheduleTemplate } from './schedule-template.js';
import { componentSetsApply, perSetRequests, scriptedComponents, type ComponentSet } from './component-sets.js';
import { placementFingerprint, rebalancerKey as rebalancerKeyOf, rebalancersByTemplate, steadyPlacement } from './triggers.js';
import type { ComponentExplanation, DependencyLink, PlacementExplanation, RebalancerOutcome, ReplicaExplanation, ScheduleOptions, ScheduleResult } from './types.js';

/** Fleet-wide inputs of the rescheduling rule (see triggers.ts). */
interface Triggers {
  rebalancers: ReadonlyMap<string, readonly string[]>;
  clusterNames: ReadonlySet<string>;
}

interface Entry {
  template: ResourceTemplate;
  claim: PolicyClaim;
  decision: PlacementDecision;
  explanation: PlacementExplanation;
}

/** Placement records are written sorted; only an out-of-order (hand-edited) one is copied and sorted. */
function sortedClusters(clusters: readonly PlacementCluster[]): PlacementCluster[] {
  const inOrder = clusters.every((c, i) => i === 0 || compareStrings((clusters[i - 1] as PlacementCluster).name, c.name) < 0);
  if (inOrder) return clusters as PlacementCluster[];
  return clusters.map((c) => ({ name: c.name, replicas: c.replicas })).sort((a, b) => compareStrings(a.name, b.name));
}

function previousSummary(previous: PlacementRecord | undefined): PlacementExplanation['previous'] {
  if (!previous) return null;
  return {
    policy: previous.policy,
    clusters: sortedClusters(previous.clusters),
    ...(previous.observedAffinityName !== undefined ? { observedAffinityName: previous.observedAffinityName } : {}),
  };
}

function templateProblem(template: ResourceTemplate, message: string): Problem {
  return { file: template.source.file, line: template.source.line, column: template.source.column, message };
}

/** Keeps the previous placement and reports why: Flotilla never empties a placement because scheduling failed. */
function keepPrevious(decision: PlacementDecision, previous: PlacementRecord | undefined, message: string): void {
  decision.scheduled = false;
  decision.reason = 'Unschedulable';
  decision.message = message;
  // A fresh copy: the decision is output and must carry exactly {name, replicas}.
  decision.clusters = sortedClusters(previous?.clusters ?? []).map((c) => ({ name: c.name, replicas: c.replicas }));
}

function scheduleOne(ctx: ScheduleContext, triggers: Triggers, template: ResourceTemplate, problems: Problem[], explain: boolean, interpreter: ResourceInterpreter | undefined): Entry {
  const previous = ctx.placements.get(identityKey(template.ref));
  const claim = claimPolicy(template, ctx.policies, previous, ctx.invalidPolicies);
  const decision: PlacementDecision = {
    resource: { ...template.ref },
    policy: null,
    scheduled: false,
    reason: 'NoPolicyMatched',
    message: claim.explanation.summary,
    clusters: [],
  };
  const explanation: PlacementExplanation = {
    resource: { ...template.ref },
    file: template.source.file,
    policy: claim.explanation,
    replicas: null,
    strategy: null,
    previous: previousSummary(previous),
    terms: [],
    skippedTerms: [],
    requiredBy: [],
    dependencies: [],
    suspendedClusters: [],
    tolerations: [],
    evictions: [],
    result: { scheduled: false, reason: 'NoPolicyMatched', message: '', clusters: [] },
  };
  const entry: Entry = { template, claim, decision, explanation };

  if (claim.claim === 'HeldForInvalidPolicy') {
    decision.policy = previous?.policy ?? null;
    keepPrevious(decision, previous, claim.explanation.summary);
    if (previous?.observedAffinityName !== undefined) decision.observedAffinityName = previous.observedAffinityName;
    keepRecordedTriggers(decision, previous);
    withTasks(decision, previous?.gracefulEvictionTasks ?? []);
    return entry;
  }
  const policy = claim.policy;
  if (policy === null) return entry;

  decision.policy = claim.explanation.winner;
  explanation.strategy = describeStrategy(policy.spec.placement);
  const tolerations = tolerationsOf(ctx, policy.spec.placement);
  explanation.tolerations = consideredTolerations(tolerations);
  const scripted = scriptedReplicas(template, interpreter);
  const replicas = scripted?.replicas ?? templateReplicas(template);
  const requests = scripted?.requests ?? templateRequests(template);
  const sets = scriptedComponents(template, interpreter);
  const inSets = sets !== undefined && sets.set.components.length > 0 && componentSetsApply(policy.spec.placement);
  explanation.replicas = replicaExplanation(replicas.count, replicas.source, requests.amounts);
  if (sets && !sets.scriptError) explanation.replicas.components = componentExplanation(sets.set, inSets);
  const invalid = [...(replicas.error !== undefined ? [replicas.error] : []), ...requests.problems, ...(sets?.problems ?? [])];
  if (invalid.length > 0) {
    // A failing script is reported at the script; everything else at the template.
    const scriptErrors = [replicas.scriptError, sets?.scriptError].filter((p): p is Problem => p !== undefined);
    problems.push(...scriptErrors);
    const atScript = new Set(scriptErrors.map((p) => p.message));
    for (const message of invalid) if (!atScript.has(message)) problems.push(templateProblem(template, message));
    keepPrevious(decision, previous, `the template cannot be scheduled: ${invalid.join('; ')}`);
    keepRecordedTriggers(decision, previous);
    withTasks(decision, previous?.gracefulEvictionTasks ?? []);
    return entry;
  }

  const naming = triggers.rebalancers.get(identityKey(template.ref)) ?? [];
  const done = (previous?.rebalancedBy ?? []).filter((k) => naming.includes(k));
  const rebalanceNow = naming.filter((k) => !done.includes(k));
  const usable = withUsableCounts(previous);
  const evictions = planEvictions(ctx, {
    previous: usable,
    tolerations: tolerations.all,
    purgeMode: normalizePurgeMode(policy.spec.failover?.cluster?.purgeMode),
    replicas: replicas.count,
    evictable: isEvictable(template.ref),
  });
  explanation.evictions = evictions.explanations;
  if (rebalanceNow.length === 0) {
    const kept = evictions.previous;
    const steady = steadyPlacement({ previous: kept, policy: decision.policy!, placement: policy.spec.placement, replicas: replicas.count, clusterNames: triggers.clusterNames });
    if (steady !== null && kept) {
      decision.scheduled = true;
      decision.reason = 'Success';
      decision.message = '';
      decision.clusters = sortedClusters(kept.clusters).map((c) => ({ name: c.name, replicas: c.replicas }));
      if (kept.observedAffinityName !== undefined) decision.observedAffinityName = kept.observedAffinityName;
      decision.appliedPlacement = kept.appliedPlacement;
      if (done.length > 0) decision.rebalancedBy = done;
      withTasks(decision, [...evictions.recorded, ...evictions.fresh]);
      explanation.steady = steady;
      return entry;
    }
  }

  // A rebalancer asks for a fresh decision: the previous placement neither anchors the ranking nor the division.
  const outcome = scheduleTemplate(ctx, {
    template,
    policy,
    previous: rebalanceNow.length > 0 ? undefined : evictions.previous,
    replicas: replicas.count,
    requests,
    ...(inSets ? { components: sets.set } : {}),
    evicting: evictions.evicting,
  });
  // Term attempts hold the per-cluster detail; without explanations they are dropped right away to save memory.
  if (explain) explanation.terms = outcome.terms;
  explanation.skippedTerms = outcome.skippedTerms;
  if (outcome.observedAffinityName !== undefined) decision.observedAffinityName = outcome.observedAffinityName;
  const emptied = outcome.ok && outcome.clusters.length === 0 && evictions.fresh.length > 0;
  if (outcome.ok && !emptied) {
    decision.scheduled = true;
    decision.reason = 'Success';
    decision.message = '';
    decision.clusters = outcome.clusters;
    decision.appliedPlacement = placementFingerprint(policy.spec.placement, outcome.observedAffinityName);
    const rebalanced = [...done, ...rebalanceNow].sort();
    if (rebalanced.length > 0) decision.rebalancedBy = rebalanced;
    if (rebalanceNow.length > 0) explanation.rebalancedNow = rebalanceNow;
    withTasks(decision, [...evictions.recorded, ...evictions.fresh]);
    markReplacements(explanation, evictions, outcome.clusters);
  } else if (evictions.fresh.length > 0) {
    const why = emptied ? 'no cluster would be left' : outcome.failure;
    keepPrevious(decision, previous, `eviction from ${evictions.fresh.map((t) => t.fromCluster).join(', ')} not carried out, no other cluster can take the template: ${why}`);
    withTasks(decision, evictions.recorded);
    markNotCarriedOut(explanation, why);
    keepRecordedTriggers(decision, previous, done);
  } else {
    keepPrevious(decision, previous, outcome.failure);
    withTasks(decision, evictions.recorded);
    // Not rebalanced yet: a rebalancer whose fresh scheduling failed tries again on the next pass.
    keepRecordedTriggers(decision, previous, done);
  }
  return entry;
}

/** A decision that kept its previous placement keeps what that placement was decided from. */
function keepRecordedTriggers(decision: PlacementDecision, previous: PlacementRecord | undefined, rebalancedBy = previous?.rebalancedBy ?? []): void {
  if (previous?.appliedPlacement !== undefined) decision.appliedPlacement = previous.appliedPlacement;
  if (rebalancedBy.length > 0) decision.rebalancedBy = [...rebalancedBy];
}

/** What each WorkloadRebalancer did: a workload with no template is Failed, as Karmada reports a missing binding. */
function rebalancerOutcomes(fleet: Fleet, decisions: ReadonlyMap<string, PlacementDecision>): RebalancerOutcome[] {
  return [...fleet.workloadRebalancers]
    .sort((a, b) => compareStrings(a.name, b.name))
    .map((doc) => {
      const key = rebalancerKeyOf(doc);
      return {
        name: doc.name,
        key,
        workloads: doc.spec.workloads.map((w) => {
          const d = decisions.get(identityKey({ apiVersion: w.apiVersion, kind: w.kind, namespace: w.namespace ?? '', name: w.name }));
          const workload = { apiVersion: w.apiVersion, kind: w.kind, ...(w.namespace ? { namespace: w.namespace } : {}), name: w.name };
          if (!d) return { workload, result: 'Failed' as const, reason: 'ReferencedBindingNotFound' };
          if (!d.rebalancedBy?.includes(key)) return { workload, result: 'Failed' as const, reason: d.message || 'not scheduled' };
          return { workload, result: 'Successful' as const };
        }),
      };
    });
}

/** The tasks after this decision; the old copy on each task's cluster is held until the task is cleared. */
function withTasks(decision: PlacementDecision, tasks: readonly GracefulEvictionTask[]): void {
  if (tasks.length > 0) decision.gracefulEvictionTasks = [...tasks];
}

function markReplacements(explanation: PlacementExplanation, evictions: EvictionPlan, clusters: readonly PlacementCluster[]): void {
  const replacedBy = replacements(evictions.previous?.clusters ?? [], clusters);
  for (const e of explanation.evictions) if (e.state === 'Evicted') e.replacedBy = replacedBy;
}

/** Flotilla never lets an eviction empty a placement: the cluster stays and the placement is Unschedulable. */
function markNotCarriedOut(explanation: PlacementExplanation, why: string): void {
  for (const e of explanation.evictions) {
    if (e.state !== 'Evicted') continue;
    e.state = 'NotCarriedOut';
    e.notCarriedOut = why;
  }
}

/**
 * The loader only lets non-negative integers into a placement record; anything else (a hand-built fleet, a future
 * loader bug) would make division produce fractions or nothing, so it counts as 0: the cluster is still known
 * to hold the template, without a usable count.
 */
function withUsableCounts(previous: PlacementRecord | undefined): PlacementRecord | undefined {
  const usable = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (!previous || previous.clusters.every((c) => usable(c.replicas))) return previous;
  return { ...previous, clusters: previous.clusters.map((c) => ({ name: c.name, replicas: usable(c.replicas) ? c.replicas : 0 })) };
}

function replicaExplanation(count: number, source: string, amounts: ReadonlyMap<string, number>): ReplicaExplanation {
  return { count, source, requests: requestRecord(amounts) };
}

function requestRecord(amounts: ReadonlyMap<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, units] of amounts) out[name] = formatResourceUnits(name, units);
  return out;
}

function componentExplanation(set: ComponentSet, inSets: boolean): ComponentExplanation {
  return {
    components: set.components.map((c) => ({ name: c.name, replicas: c.replicas, requests: requestRecord(c.requests.amounts) })),
    perSet: requestRecord(perSetRequests(set.components)),
    estimatedInSets: inSets,
    note: inSets
      ? 'capacity estimated in complete sets: every component with all its replicas on one cluster'
      : set.components.length === 0
        ? 'GetComponents returned no components: capacity estimated from the replicas'
        : 'not used: only a placement onto exactly one cluster (spreadConstraints cluster minGroups 1, maxGroups 1) is estimated in sets',
  };
}

/**
 * Dependencies follow their workloads. Karmada's distributor only appends `requiredBy` to a dependency's
 * binding; the binding controller then applies the object to the union of the binding's own clusters and the
 * clusters of every requiring workload. A dependency no policy claims is placed by `requiredBy` alone.
 */
function propagateDependencies(entries: readonly Entry[], interpreter: ResourceInterpreter | undefined, problems: Problem[]): void {
  const byKey = new Map<string, Entry>();
  for (const e of entries) if (!byKey.has(identityKey(e.template.ref))) byKey.set(identityKey(e.template.ref), e);
  const links = new Map<Entry, DependencyLink[]>();
  const templates = entries.map((e) => e.template);
  for (const e of entries) {
    if (e.claim.policy?.spec.propagateDeps !== true || e.decision.clusters.length === 0) continue;
    const scripted = scriptedDependencyRefs(e.template, interpreter, templates);
    if (scripted?.error) problems.push(scripted.error);
    for (const ref of scripted?.refs ?? dependencyRefs(e.template)) {
      const dep = byKey.get(identityKey(ref));
      if (!dep || dep === e || dep.claim.claim === 'Ignored') continue;
      e.explanation.dependencies.push(dep.template.ref);
      const list = links.get(dep) ?? [];
      list.push({ resource: { ...e.template.ref }, policy: e.decision.policy, clusters: e.decision.clusters.map((c) => c.name) });
      links.set(dep, list);
    }
  }
  for (const [dep, requiredBy] of links) {
    requiredBy.sort((a, b) => compareRefs(a.resource, b.resource));
    const clusters = new Map(dep.decision.clusters.map((c) => [c.name, c.replicas] as const));
    for (const link of requiredBy) for (const name of link.clusters) if (!clusters.has(name)) clusters.set(name, 0);
    dep.decision.clusters = [...clusters].map(([name, replicas]) => ({ name, replicas })).sort((a, b) => compareStrings(a.name, b.name));
    dep.decision.requiredBy = requiredBy.map((l) => l.resource);
    dep.explanation.requiredBy = requiredBy;
    if (dep.decision.reason === 'NoPolicyMatched') {
      dep.decision.scheduled = true;
      dep.decision.reason = 'Success';
      dep.decision.message = `follows ${requiredBy.map((l) => formatRef(l.resource)).join(', ')} (propagateDeps)`;
    }
  }
}

/** Placement is computed as usual; suspension only marks where nothing new may be dispatched. */
function applySuspension(entry: Entry): void {
  const suspension = entry.claim.policy?.spec.suspension;
  if (!suspension) return;
  const placed = entry.decision.clusters.map((c) => c.name);
  const only = new Set(suspension.dispatchingOnClusters?.clusterNames ?? []);
  const suspended = suspension.dispatching === true ? placed : placed.filter((n) => only.has(n));
  if (suspended.length > 0) entry.decision.suspendedClusters = suspended;
  entry.explanation.suspendedClusters = suspended;
}

function statusProblems(ctx: ScheduleContext): Problem[] {
  return ctx.statusProblems.map((p) => ({ file: `status/clusters/${p.cluster}.yaml`, line: 1, column: 1, message: p.message }));
}

function dedupeProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.sort(compareProblems).filter((p) => {
    const key = `${p.file}\u0000${p.line}\u0000${p.column}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function scheduleFleet(fleet: Fleet, options: ScheduleOptions = {}): ScheduleResult {
  const ctx = createScheduleContext(fleet);
  const problems: Problem[] = statusProblems(ctx);
  const explain = options.explain !== false;
  const triggers: Triggers = { rebalancers: rebalancersByTemplate(fleet), clusterNames: new Set(fleet.clusters.map((c) => c.name)) };
  const entries = [...fleet.templates].sort(compareTemplates).map((t) => scheduleOne(ctx, triggers, t, problems, explain, options.interpreter));
  propagateDependencies(entries, options.interpreter, problems);
  const explanations = new Map<string, PlacementExplanation>();
  for (const e of entries) {
    applySuspension(e);
    e.explanation.result = {
      scheduled: e.decision.scheduled,
      reason: e.decision.reason,
      message: e.decision.message,
      clusters: e.decision.clusters,
    };
    e.explanation.dependencies.sort(compareRefs);
    const key = identityKey(e.template.ref);
    if (explain && !explanations.has(key)) explanations.set(key, e.explanation);
  }
  const byKey = new Map(entries.map((e) => [identityKey(e.template.ref), e.decision]));
  return { decisions: entries.map((e) => e.decision), errors: dedupeProblems(problems), explanations, rebalancers: rebalancerOutcomes(fleet, byKey) };
}
