/**
 * The plan of a merge: both revisions loaded, scheduled and rendered as the controller would (each with the
 * status committed at that revision), then compared placement by placement and, per cluster, object by object
 * (identity and content hash).
 */
import { loadFleet, ParseCache } from '../load/index.js';
import type { Fleet, PlacementCluster } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import type { PlacementDecision } from '../model/placement.js';
import { compareProblems } from '../model/problem.js';
import { compareRefs, compareStrings, formatRef, groupOf, identityKey, type ObjectRef } from '../model/refs.js';
import { IMPLICIT_SOURCE } from '../model/constants.js';
import { heldResources, manifestYamlWriter, renderFleet, type HeldResources, type RenderedObject, type RenderResult } from '../render/index.js';
import { scheduleFleet } from '../schedule/index.js';
import { objectDiff } from './diff.js';
import type { ClusterChange, PlacementChange, PlanOptions, PlanResult, PlanScripts, PlanSide, PlanWarning } from './types.js';

const INVENTORY_DIR = 'status/inventory/';

interface Evaluated {
  fleet: Fleet;
  decisions: PlacementDecision[];
  render: RenderResult;
  /** What the controller would hold: neither changed nor pruned. */
  held: HeldResources;
}

function evaluate(side: PlanSide, parseCache: ParseCache, scripts: PlanScripts | undefined, previous?: RenderResult): Evaluated {
  const fleet = loadFleet([...side.files], { parseCache, ...(scripts ? { checkScripts: scripts.check } : {}) });
  const interpreter = scripts?.interpreterFor(fleet);
  const { decisions, errors } = scheduleFleet(fleet, { explain: false, ...(interpreter ? { interpreter } : {}) });
  // The other side's renderings are reused where template, policy and cluster are unchanged (a revision's
  // cache key names the ReviseReplica script it ran, so a changed script renders again).
  const render = renderFleet(fleet, decisions, { ...(previous ? { cache: previous.cache } : {}), ...(interpreter ? { interpreter } : {}) });
  fleet.errors.push(...errors, ...render.problems);
  return { fleet, decisions, render, held: heldResources(fleet, decisions, render) };
}

export function planFleetChange(base: PlanSide, head: PlanSide, options: PlanOptions = {}): PlanResult {
  // Most files are the same on both sides: each is parsed once.
  const parseCache = new ParseCache();
  const before = evaluate(base, parseCache, options.scripts);
  const after = evaluate(head, parseCache, options.scripts, before.render);
  const clusters = compareClusters(before.render, after.render, (cluster) => after.held.on(cluster));
  return {
    base: base.revision,
    head: head.revision,
    placements: comparePlacements(before.decisions, after.decisions),
    clusters,
    errors: [...after.fleet.errors].sort(compareProblems),
    warnings: [...unschedulableWarnings(before.decisions, after.decisions), ...emptiedWarnings(before.render, after.render), ...pruneWarnings(base, after, options)].sort(compareWarnings),
  };
}

function sameClusters(a: readonly PlacementCluster[], b: readonly PlacementCluster[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i]!.name && c.replicas === b[i]!.replicas);
}

const byName = (a: PlacementCluster, b: PlacementCluster) => compareStrings(a.name, b.name);
const placementOf = (d: PlacementDecision | undefined): PlacementCluster[] => (d ? d.clusters.map((c) => ({ name: c.name, replicas: c.replicas })).sort(byName) : []);

export function comparePlacements(before: readonly PlacementDecision[], after: readonly PlacementDecision[]): PlacementChange[] {
  const old = new Map(before.map((d) => [identityKey(d.resource), d]));
  const changes: PlacementChange[] = [];
  const seen = new Set<string>();
  for (const d of after) {
    const key = identityKey(d.resource);
    seen.add(key);
    const b = placementOf(old.get(key));
    const a = placementOf(d);
    if (!sameClusters(b, a)) changes.push({ resource: d.resource, before: b, after: a });
  }
  for (const [key, d] of old) if (!seen.has(key) && d.clusters.length > 0) changes.push({ resource: d.resource, before: placementOf(d), after: [] });
  return changes.sort((x, y) => compareRefs(x.resource, y.resource));
}

/** `held(cluster)`: objects the controller keeps as they are on that cluster, so they are not removed. */
export function compareClusters(before: RenderResult, after: RenderResult, held: (cluster: string) => Set<string> = () => new Set()): ClusterChange[] {
  const objectsOf = (r: RenderResult) => new Map(r.clusters.map((c) => [c.cluster, new Map(c.objects.map((o) => [identityKey(o.ref), o]))]));
  const old = objectsOf(before);
  const now = objectsOf(after);
  const names = [...new Set([...old.keys(), ...now.keys()])].sort(compareStrings);
  const out: ClusterChange[] = [];
  const toYaml = manifestYamlWriter();
  for (const name of names) {
    const change = compareCluster(name, old.get(name) ?? new Map(), now.get(name) ?? new Map(), held(name), toYaml);
    if (change.added.length + change.changed.length + change.removed.length > 0) out.push(change);
  }
  return out;
}

function compareCluster(name: string, before: Map<string, RenderedObject>, after: Map<string, RenderedObject>, held: Set<string>, toYaml: (obj: KubeObject) => string): ClusterChange {
  const change: ClusterChange = { name, added: [], changed: [], removed: [], diffs: [] };
  for (const [key, a] of after) {
    const b = before.get(key);
    if (!b) change.added.push(a.ref);
    else if (b.hash !== a.hash) change.changed.push(a.ref);
    else continue;
    change.diffs.push(objectDiff(name, b, a, toYaml));
  }
  for (const [key, b] of before) {
    if (after.has(key) || held.has(key)) continue;
    change.removed.push(b.ref);
    change.diffs.push(objectDiff(name, b, undefined, toYaml));
  }
  change.added.sort(compareRefs);
  change.changed.sort(compareRefs);
  change.removed.sort(compareRefs);
  change.diffs.sort((x, y) => compareRefs(x.resource, y.resource));
  return change;
}

function unschedulableWarnings(before: readonly PlacementDecision[], after: readonly PlacementDecision[]): PlanWarning[] {
  const old = new Map(before.map((d) => [identityKey(d.resource), d]));
  return after
    .filter((d) => d.reason === 'Unschedulable' && old.get(identityKey(d.resource))?.reason !== 'Unschedulable')
    .map((d) => ({
      kind: 'Unschedulable' as const,
      resource: d.resource,
      message: `${formatRef(d.resource)} becomes Unschedulable (${d.message}); it keeps its previous clusters until it can be placed`,
    }));
}

const WORKLOAD_KINDS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'batch/Job', 'batch/CronJob', '/Pod']);
const isWorkload = (ref: ObjectRef) => WORKLOAD_KINDS.has(`${groupOf(ref.apiVersion)}/${ref.kind}`);

function emptiedWarnings(before: RenderResult, after: RenderResult): PlanWarning[] {
  const workloads = (r: RenderResult) => new Map(r.clusters.map((c) => [c.cluster, c.objects.filter((o) => isWorkload(o.ref)).length]));
  const now = workloads(after);
  return [...workloads(before)]
    .filter(([name, count]) => count > 0 && (now.get(name) ?? 0) === 0)
    .map(([name, count]) => ({ kind: 'ClusterEmptied' as const, cluster: name, message: `${name} loses all its workloads (${count} at base, none after the merge)` }));
}

function pruneWarnings(base: PlanSide, head: Evaluated, options: PlanOptions): PlanWarning[] {
  const check = options.pruneRefusal;
  if (!check) return [];
  const inventories = new Map(base.files.filter((f) => f.path.startsWith(INVENTORY_DIR)).map((f) => [f.path.slice(INVENTORY_DIR.length).replace(/\.ya?ml$/, ''), f.content]));
  const brokenFiles = new Set(head.fleet.brokenFiles);
  const settingsBroken = brokenFiles.has('fleet.yaml') || brokenFiles.has('fleet.yml');
  const warnings: PlanWarning[] = [];
  for (const c of head.render.clusters) {
    const reason = check({
      cluster: c.cluster,
      desired: c.objects.map((o) => ({ ref: o.ref, object: o.object, hash: o.hash, source: o.sourceFile || IMPLICIT_SOURCE })),
      inventory: inventories.get(c.cluster),
      held: head.held.on(c.cluster),
      brokenFiles,
      maxPruneFraction: head.fleet.settings.maxPruneFraction,
      settingsBroken,
    });
    if (reason) warnings.push({ kind: 'MassPrune', cluster: c.cluster, message: `the controller would refuse this prune: ${reason}` });
  }
  return warnings;
}

function compareWarnings(a: PlanWarning, b: PlanWarning): number {
  const ra = a.resource ?? { apiVersion: '', kind: '', namespace: '', name: '' };
  const rb = b.resource ?? { apiVersion: '', kind: '', namespace: '', name: '' };
  return compareStrings(a.kind, b.kind) || compareStrings(a.cluster ?? '', b.cluster ?? '') || compareRefs(ra, rb);
}
