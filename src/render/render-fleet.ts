/**
 * The render stage: placement decisions in, the manifests each cluster should run out
 * (docs/fleet-repository.md#rendered-objects). Pure: no I/O, no clock, output independent of input order.
 *
 * A rendering that fails (an override that cannot apply) is reported with the policy's file and line and holds that
 * one (cluster, object) pair; everything else proceeds. Templates the loader could not settle (fleet.heldResources,
 * objects from broken files) are held on the clusters they were placed on.
 */
import type { ClusterDef, Fleet, ResourceTemplate } from '../model/fleet.js';
import type { PlacementDecision } from '../model/placement.js';
import { compareProblems, problemAt, type Problem } from '../model/problem.js';
import { compareRefs, compareStrings, formatRef, identityKey, type ObjectRef } from '../model/refs.js';
import { canonicalStringify, fastContentHash } from './hash.js';
import { policyAnnotation } from './metadata.js';
import { implicitNamespace, namespaceRef, needsNamespaceObject } from './namespaces.js';
import { preparePolicies, type PreparedPolicies } from './override-policies.js';
import { planReplicaRevisions, planScriptedRevisions } from './replicas.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import { indexRules } from './rule-index.js';
import { planTemplate, renderVariant, templateFingerprint, type RenderContext, type TemplatePlan } from './template-plan.js';
import {
  emptyRenderCache,
  type ClusterManifests,
  type HeldObject,
  type PlacementMemo,
  type RenderCache,
  type RenderedObject,
  type RenderOptions,
  type RenderResult,
  type RenderStats,
  type TemplateCacheEntry,
  type VariantResult,
} from './types.js';

interface ClusterOutput {
  cluster: ClusterDef;
  /** Filled in template order, which is compareRefs order. */
  placed: RenderedObject[];
  /** Namespaces added after the templates; merged in at the end. */
  extra: RenderedObject[];
  held: ObjectRef[];
  namespacesUsed: Set<string>;
  /** Objects arrive grouped by namespace within a kind: the namespace just added need not be added again. */
  lastNamespace: string;
  /** Namespace objects already on this cluster (placed or held). */
  namespacesPresent: Set<string>;
}

export function renderFleet(fleet: Fleet, decisions: PlacementDecision[], options: RenderOptions = {}): RenderResult {
  const pass = new RenderPass(fleet, decisions, options);
  pass.holdUnsettled();
  pass.renderPlaced();
  pass.addNamespaces();
  return pass.result();
}

/** One call of renderFleet: the indexes it builds, the output it collects, the cache it prepares. */
class RenderPass {
  private readonly previous: RenderCache;
  private readonly partial: boolean;
  private readonly outputs: ClusterOutput[];
  private readonly clusterIndex: Map<string, number>;
  private readonly policies: PreparedPolicies;
  private readonly templates: ResourceTemplate[];
  private readonly templatesByKey = new Map<string, ResourceTemplate>();
  private readonly heldKeys: Set<string>;
  private readonly decisionsByKey: Map<string, PlacementDecision>;
  private readonly environment: string;
  private readonly ctx: RenderContext;
  private readonly interpreter: ResourceInterpreter | undefined;
  private readonly stats: RenderStats = { computed: 0, reused: 0 };
  private readonly fingerprints = new Map<string, string>();
  private readonly plans = new Map<string, TemplatePlan>();
  private readonly placements = new Map<string, PlacementMemo>();
  private readonly reusedEntries = new Map<string, TemplateCacheEntry>();
  private readonly implicitNamespaces = new Map<string, RenderedObject>();
  private readonly failures: { cluster: string; ref: ObjectRef; result: VariantResult }[] = [];

  constructor(
    private readonly fleet: Fleet,
    decisions: readonly PlacementDecision[],
    options: RenderOptions,
  ) {
    this.previous = options.cache ?? emptyRenderCache();
    const wanted = options.clusters ? new Set(options.clusters) : null;
    this.partial = wanted !== null;
    const clusters = uniqueByName(fleet.clusters).filter((c) => !wanted || wanted.has(c.name));
    this.clusterIndex = new Map(clusters.map((c, i) => [c.name, i]));
    this.outputs = clusters.map((cluster) => ({
      cluster,
      placed: [],
      extra: [],
      held: [],
      namespacesUsed: new Set(),
      lastNamespace: '',
      namespacesPresent: new Set(),
    }));
    this.policies = preparePolicies(fleet.overridePolicies);
    const index = indexRules(this.policies, clusters);
    this.interpreter = options.interpreter;
    this.ctx = { index, stats: this.stats, memo: new WeakMap(), interpreter: options.interpreter };
    this.environment = environmentFingerprint(this.policies, clusters);
    this.templates = [...fleet.templates].sort(
      (a, b) => compareRefs(a.ref, b.ref) || compareStrings(a.source.file, b.source.file) || a.source.line - b.source.line,
    );
    for (const t of this.templates) if (!this.templatesByKey.has(identityKey(t.ref))) this.templatesByKey.set(identityKey(t.ref), t);
    const broken = new Set(fleet.brokenFiles);
    this.heldKeys = new Set(fleet.heldResources.map(identityKey));
    for (const t of this.templates) if (broken.has(t.source.file)) this.heldKeys.add(identityKey(t.ref));
    this.decisionsByKey = indexDecisions(decisions);
  }

  /** Templates the loader could not settle keep what their clusters run, also when no template is left. */
  holdUnsettled(): void {
    const heldRefs = new Map<string, ObjectRef>();
    for (const ref of this.fleet.heldResources) heldRefs.set(identityKey(ref), ref);
    for (const t of this.templates) if (this.heldKeys.has(identityKey(t.ref))) heldRefs.set(identityKey(t.ref), t.ref);
    for (const [key, ref] of [...heldRefs].sort(([, a], [, b]) => compareRefs(a, b))) {
      const names = new Set([
        ...(this.decisionsByKey.get(key)?.clusters ?? []).map((c) => c.name),
        ...(this.fleet.placements.get(key)?.clusters ?? []).map((c) => c.name),
      ]);
      for (const name of [...names].sort(compareStrings)) {
        const ci = this.clusterIndex.get(name);
        if (ci !== undefined) this.hold(this.outputs[ci]!, ref);
      }
    }
  }

  /** Every template on the clusters of its decision; unchanged ones straight from the cache. */
  renderPlaced(): void {
    for (const [key, template] of this.templatesByKey) {
      const decision = this.decisionsByKey.get(key);
      if (!decision || decision.clusters.length === 0 || this.heldKeys.has(key)) continue;
      const policy = policyAnnotation(decision.policy);
      const cached = this.previous.templates.get(key);
      if (cached?.placement && samePlacement(cached.placement, this.environment, policy, decision) && cached.fingerprint === this.fingerprintOf(key, template)) {
        const results = cached.placement.results;
        decision.clusters.forEach((c, i) => {
          const ci = this.clusterIndex.get(c.name);
          if (ci !== undefined) this.deliver(this.outputs[ci]!, template.ref, results[i]!, 'placed');
        });
        this.stats.reused += new Set(results.filter((r) => r !== undefined)).size;
        this.reusedEntries.set(key, cached);
        continue;
      }
      const plan = this.planOf(template);
      const revisions = planScriptedRevisions(template.object, decision, this.interpreter) ?? planReplicaRevisions(template.object, decision);
      const results = decision.clusters.map((c) => {
        const ci = this.clusterIndex.get(c.name);
        if (ci === undefined) return undefined;
        const result = renderVariant(plan, revisions.get(c.name), policy, ci, this.ctx);
        this.deliver(this.outputs[ci]!, plan.ref, result, 'placed');
        return result;
      });
      this.placements.set(key, {
        environment: this.environment,
        policy,
        names: decision.clusters.map((c) => c.name),
        replicas: decision.clusters.map((c) => c.replicas),
        results,
      });
    }
  }

  /** The namespaces objects use: the fleet's Namespace template rendered for the cluster, or an implicit one. */
  addNamespaces(): void {
    this.outputs.forEach((out, ci) => {
      for (const ns of [...out.namespacesUsed].sort(compareStrings)) {
        if (!needsNamespaceObject(ns) || out.namespacesPresent.has(ns)) continue;
        const key = identityKey(namespaceRef(ns));
        const template = this.templatesByKey.get(key);
        if (template && this.heldKeys.has(key)) {
          this.hold(out, template.ref);
        } else if (template) {
          const plan = this.planOf(template);
          this.deliver(out, plan.ref, renderVariant(plan, undefined, '', ci, this.ctx), 'extra');
        } else {
          const rendered = this.implicitNamespaces.get(ns) ?? this.previous.implicitNamespaces.get(ns) ?? implicitNamespace(ns);
          this.implicitNamespaces.set(ns, rendered);
          out.extra.push(rendered);
        }
      }
    });
  }

  result(): RenderResult {
    const problems = this.failures.map((f) => failureProblem(f.cluster, f.ref, f.result, this.policies)).sort(compareProblems);
    const held: HeldObject[] = this.outputs.flatMap((out) => dedupeRefs(out.held).map((ref) => ({ cluster: out.cluster.name, ref })));
    const clusters: ClusterManifests[] = this.outputs.map((out) => ({ cluster: out.cluster.name, objects: mergeSorted(out.placed, out.extra) }));
    return { clusters, problems, held, cache: this.nextCache(), stats: this.stats };
  }

  private fingerprintOf(key: string, t: ResourceTemplate): string {
    let fp = this.fingerprints.get(key);
    if (fp === undefined) {
      // A changed ReviseReplica script changes the renderings of its kind as much as a changed template.
      fp = templateFingerprint(t) + (this.interpreter?.fingerprint(t.object.apiVersion, t.object.kind, 'ReviseReplica') ?? '');
      this.fingerprints.set(key, fp);
    }
    return fp;
  }

  private planOf(t: ResourceTemplate): TemplatePlan {
    const key = identityKey(t.ref);
    let plan = this.plans.get(key);
    if (!plan) {
      plan = planTemplate(t, this.fingerprintOf(key, t), this.policies, this.ctx.index, this.previous.templates.get(key));
      this.plans.set(key, plan);
    }
    return plan;
  }

  private deliver(out: ClusterOutput, ref: ObjectRef, result: VariantResult, into: 'placed' | 'extra'): void {
    if (ref.namespace && ref.namespace !== out.lastNamespace) {
      out.namespacesUsed.add(ref.namespace);
      out.lastNamespace = ref.namespace;
    }
    if (ref.kind === 'Namespace' && ref.apiVersion === 'v1') out.namespacesPresent.add(ref.name);
    if (result.rendered) {
      out[into].push(result.rendered);
    } else {
      out.held.push(ref);
      this.failures.push({ cluster: out.cluster.name, ref, result });
    }
  }

  private hold(out: ClusterOutput, ref: ObjectRef): void {
    if (ref.namespace) out.namespacesUsed.add(ref.namespace);
    if (ref.kind === 'Namespace' && ref.apiVersion === 'v1') out.namespacesPresent.add(ref.name);
    out.held.push(ref);
  }

  /**
   * Only what this pass used is kept, so the cache does not grow with history; a pass limited to some clusters also
   * keeps the previous entries it did not look at.
   */
  private nextCache(): RenderCache {
    const templates = new Map<string, TemplateCacheEntry>();
    if (this.partial) for (const [key, entry] of this.previous.templates) templates.set(key, entry);
    for (const [key, entry] of this.reusedEntries) templates.set(key, entry);
    for (const [key, plan] of this.plans) {
      const kept = this.reusedEntries.get(key);
      let variants: Map<string, VariantResult> = plan.variants;
      if ((this.partial || kept) && plan.previous) variants = new Map([...plan.previous.variants, ...plan.variants]);
      templates.set(key, { fingerprint: plan.fingerprint, variants, placement: kept?.placement ?? this.placements.get(key) });
    }
    const previousNamespaces = this.partial ? [...this.previous.implicitNamespaces] : [];
    return { templates, implicitNamespaces: new Map([...previousNamespaces, ...this.implicitNamespaces]) };
  }
}

function uniqueByName(clusters: readonly ClusterDef[]): ClusterDef[] {
  const byName = new Map<string, ClusterDef>();
  for (const c of clusters) if (!byName.has(c.name)) byName.set(c.name, c);
  return [...byName.values()].sort((a, b) => compareStrings(a.name, b.name));
}

/**
 * Everything besides the template and its decision that a rendering depends on: the override policies (not their
 * file and line, which only problems mention, and those are rebuilt each pass) and the clusters rendered.
 */
function environmentFingerprint(policies: PreparedPolicies, clusters: readonly ClusterDef[]): string {
  return fastContentHash([
    policies.rules.map((r) => [r.fingerprint, r.targetCluster ?? null]),
    clusters.map((c) => [c.name, c.labels, c.spec]),
  ]);
}

function samePlacement(memo: PlacementMemo, environment: string, policy: string, decision: PlacementDecision): boolean {
  if (memo.environment !== environment || memo.policy !== policy || memo.names.length !== decision.clusters.length) return false;
  for (let i = 0; i < memo.names.length; i++) {
    const c = decision.clusters[i]!;
    if (memo.names[i] !== c.name || memo.replicas[i] !== c.replicas) return false;
  }
  return true;
}

/**
 * Clusters sorted by name without repeated names, so that renderings can be matched to the previous pass's by
 * position. The schedule stage already sends them so; then the list itself is returned.
 */
function sortedUniqueClusters(clusters: PlacementDecision['clusters']): PlacementDecision['clusters'] {
  let ordered = true;
  for (let i = 1; i < clusters.length && ordered; i++) ordered = compareStrings(clusters[i - 1]!.name, clusters[i]!.name) < 0;
  if (ordered) return clusters;
  const sorted = [...clusters].sort((a, b) => compareStrings(a.name, b.name) || a.replicas - b.replicas);
  return sorted.filter((c, i) => i === 0 || c.name !== sorted[i - 1]!.name);
}

/** One decision per object identity; should the schedule stage ever send two, the choice must not depend on order. */
function indexDecisions(decisions: readonly PlacementDecision[]): Map<string, PlacementDecision> {
  const out = new Map<string, { decision: PlacementDecision; text: string }>();
  for (const d of decisions) {
    const key = identityKey(d.resource);
    const existing = out.get(key);
    const clusters = sortedUniqueClusters(d.clusters);
    const decision = clusters === d.clusters ? d : { ...d, clusters };
    if (!existing) {
      out.set(key, { decision, text: '' });
      continue;
    }
    const text = canonicalStringify(decision);
    if (existing.text === '') existing.text = canonicalStringify(existing.decision);
    if (compareStrings(text, existing.text) < 0) out.set(key, { decision, text });
  }
  return new Map([...out].map(([key, { decision }]) => [key, decision]));
}

function failureProblem(cluster: string, ref: ObjectRef, result: VariantResult, policies: PreparedPolicies): Problem {
  const failure = result.failure!;
  if (failure.problem) return { ...failure.problem, message: `cannot revise the replicas of ${formatRef(ref)} for cluster ${cluster}: ${failure.problem.message}` };
  const source = policies.byKey.get(failure.policyKey)?.doc.source ?? { file: '', line: 0, column: 0 };
  return problemAt(source, `${failure.field}: cannot override ${formatRef(ref)} for cluster ${cluster}: ${failure.message}`);
}

function dedupeRefs(refs: readonly ObjectRef[]): ObjectRef[] {
  const sorted = [...refs].sort(compareRefs);
  return sorted.filter((r, i) => i === 0 || compareRefs(r, sorted[i - 1]!) !== 0);
}

function mergeSorted(a: RenderedObject[], b: readonly RenderedObject[]): RenderedObject[] {
  if (b.length === 0) return a;
  const extra = [...b].sort((x, y) => compareRefs(x.ref, y.ref));
  const out: RenderedObject[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < extra.length) {
    if (j >= extra.length || (i < a.length && compareRefs(a[i]!.ref, extra[j]!.ref) <= 0)) out.push(a[i++]!);
    else out.push(extra[j++]!);
  }
  return out;
}
