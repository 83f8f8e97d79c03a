/**
 * The audit log read from Git (docs/cli.md#flotilla-history): commits of the first-parent history, each
 * classified as a desired-state commit (people) or a status commit (Flotilla), and what each changed for one
 * resource, one cluster, or the whole fleet.
 *
 * Only the files a commit changed are read, through an injected blob reader (blob ids make unchanged files
 * free), so a long history costs what it changed.
 */
import { bestMatchLevel, MatchLevel } from '../match/selectors.js';
import type { OverridePolicyDoc, PropagationPolicyDoc, ResourceTemplate } from '../model/fleet.js';
import type { Problem } from '../model/problem.js';
import type { ObjectRef } from '../model/refs.js';
import { compareRefs, compareStrings, groupOf } from '../model/refs.js';
import { canonicalJson } from '../util/canonical.js';
import { readDocuments, type FileDocuments } from './documents.js';
import { diffPlacement, diffReady, diffTaints, replicasOn, type PlacementChange, type ReadyTransition, type TaintChange } from './status-diff.js';
import { observedTrailer } from '../model/trailers.js';

export interface FileChange {
  path: string;
  /** Blob ids; null where the file is absent. */
  before: string | null;
  after: string | null;
}

export interface CommitRecord {
  commit: string;
  author: { name: string; email: string; timestamp: number };
  message: string;
  /** Fleet files changed relative to the first parent (everything, for a root commit). */
  changes: FileChange[];
}

/** `deployment/web -n shop`, as typed: the group is optional, the namespace ignored for cluster-scoped kinds. */
export interface ResourceTarget {
  kind: string;
  group: string | undefined;
  name: string;
  namespace: string;
}

export type HistoryQuery = { kind: 'fleet' } | { kind: 'resource'; target: ResourceTarget } | { kind: 'cluster'; name: string };

export type CommitType = 'desired' | 'status';

export interface DesiredChange {
  file: string;
  what: 'template' | 'policy' | 'override';
  change: 'added' | 'modified' | 'removed';
  /** The policy, for `policy` and `override`. */
  policy?: { kind: string; namespace: string; name: string };
}

export interface Movement {
  resource: ObjectRef;
  /** Replicas on the cluster; null when the resource was not placed there. */
  before: number | null;
  after: number | null;
}

export interface HistoryEntry {
  commit: string;
  type: CommitType;
  author: { name: string; email: string };
  date: string;
  subject: string;
  /** Status commits: the desired-state commit they observed (trailer, else the nearest desired ancestor). */
  observed?: string | null;
  summary?: string;
  files?: { path: string; change: DesiredChange['change'] }[];
  changes?: DesiredChange[];
  placement?: PlacementChange;
  ready?: ReadyTransition;
  taints?: TaintChange[];
  moved?: Movement[];
}

export interface HistoryInput {
  query: HistoryQuery;
  /** Newest first: the commits to report. */
  commits: CommitRecord[];
  /** Newest first: older commits, read only to find the desired commit the oldest status commits observed. */
  older: CommitRecord[];
  /** Author name of status commits. */
  botName: string;
  /** Templates at the newest commit (resource queries start from them, then walk back). */
  templatesAtTip: ResourceTemplate[];
  readBlob: (oid: string) => Promise<Uint8Array>;
}

export interface HistoryResult {
  resource: ObjectRef | null;
  entries: HistoryEntry[];
  /** Damaged files met on the way, named with the commit they were read at. */
  warnings: Problem[];
}


export function classify(c: CommitRecord, botName: string): CommitType {
  return c.author.name === botName && c.changes.every((f) => f.path.startsWith('status/')) ? 'status' : 'desired';
}

export async function buildHistory(input: HistoryInput): Promise<HistoryResult> {
  const reader = new DocumentReader(input.readBlob);
  const observed = observedCommits([...input.commits, ...input.older], input.botName);
  const base = (c: CommitRecord): HistoryEntry => {
    const type = classify(c, input.botName);
    return {
      commit: c.commit,
      type,
      author: { name: c.author.name, email: c.author.email },
      date: new Date(c.author.timestamp * 1000).toISOString(),
      subject: c.message.split('\n', 1)[0] ?? '',
      ...(type === 'status' ? { observed: observed.get(c.commit) ?? null } : {}),
    };
  };
  const q = input.query;
  if (q.kind === 'fleet') {
    return { resource: null, entries: input.commits.map((c) => ({ ...base(c), summary: summarize(c.changes), files: c.changes.map((f) => ({ path: f.path, change: changeOf(f) })) })), warnings: [] };
  }
  if (q.kind === 'cluster') {
    const entries: HistoryEntry[] = [];
    for (const c of input.commits) {
      const found = await clusterChanges(c, q.name, reader);
      if (found) entries.push({ ...base(c), ...found });
    }
    return { resource: null, entries, warnings: reader.warnings };
  }
  return resourceHistory(q.target, input, base, reader);
}

async function resourceHistory(target: ResourceTarget, input: HistoryInput, base: (c: CommitRecord) => HistoryEntry, reader: DocumentReader): Promise<HistoryResult> {
  // Walking back, `current` is the template as it is after the commit being read: policies select by its labels.
  let current = input.templatesAtTip.find((t) => templateMatches(t, target));
  let resource: ObjectRef | null = current?.ref ?? null;
  const entries: HistoryEntry[] = [];
  for (const c of input.commits) {
    const template = await templateChanges(c, target, reader, current);
    resource ??= template.ref;
    const changes = [...template.changes, ...(await policyChanges(c, reader, template.before, current))];
    let placement: PlacementChange | undefined;
    for (const f of c.changes.filter((x) => isPlacementCandidate(x.path, target))) {
      const [b, a] = await reader.both(c.commit, f);
      const diff = diffPlacement(matchingPlacement(b, target), matchingPlacement(a, target));
      if (diff) placement = diff;
    }
    if (placement) resource ??= placement.resource;
    if (changes.length > 0 || placement) entries.push({ ...base(c), ...(changes.length > 0 ? { changes } : {}), ...(placement ? { placement } : {}) });
    current = template.before;
  }
  return { resource, entries, warnings: reader.warnings };
}

async function templateChanges(c: CommitRecord, target: ResourceTarget, reader: DocumentReader, after: ResourceTemplate | undefined) {
  const changes: DesiredChange[] = [];
  let before: ResourceTemplate | undefined;
  let seenAfter = false;
  let ref: ObjectRef | null = null;
  for (const f of c.changes.filter((x) => x.path.startsWith('workloads/'))) {
    const [b, a] = await reader.both(c.commit, f);
    const was = b?.templates.find((t) => templateMatches(t, target));
    const now = a?.templates.find((t) => templateMatches(t, target));
    if (!was && !now) continue;
    ref ??= (now ?? was)!.ref;
    before ??= was;
    seenAfter ||= now !== undefined;
    if (canonicalJson(was?.object ?? null) !== canonicalJson(now?.object ?? null)) {
      changes.push({ file: f.path, what: 'template', change: !was ? 'added' : !now ? 'removed' : 'modified' });
    }
  }
  // Not in any file this commit changed: it was as it is after the commit.
  return { changes, ref, before: before ?? (seenAfter ? undefined : after) };
}

async function policyChanges(c: CommitRecord, reader: DocumentReader, before: ResourceTemplate | undefined, after: ResourceTemplate | undefined): Promise<DesiredChange[]> {
  const out: DesiredChange[] = [];
  for (const f of c.changes.filter((x) => x.path.startsWith('policies/'))) {
    const [b, a] = await reader.both(c.commit, f);
    const docsOf = (d: FileDocuments | undefined) => [...(d?.policies ?? []), ...(d?.overrides ?? [])];
    const was = new Map(docsOf(b).map((p) => [policyKey(p), p]));
    const now = new Map(docsOf(a).map((p) => [policyKey(p), p]));
    for (const key of [...new Set([...was.keys(), ...now.keys()])].sort(compareStrings)) {
      const p = was.get(key);
      const n = now.get(key);
      if (canonicalJson(p ? { labels: policyLabels(p), spec: p.spec } : null) === canonicalJson(n ? { labels: policyLabels(n), spec: n.spec } : null)) continue;
      if (!(p && before && selects(p, before)) && !(n && after && selects(n, after))) continue;
      const doc = (n ?? p)!;
      out.push({
        file: f.path,
        what: doc.kind === 'PropagationPolicy' || doc.kind === 'ClusterPropagationPolicy' ? 'policy' : 'override',
        change: !p ? 'added' : !n ? 'removed' : 'modified',
        policy: { kind: doc.kind, namespace: doc.namespace, name: doc.name },
      });
    }
  }
  return out;
}

function policyKey(p: PropagationPolicyDoc | OverridePolicyDoc): string {
  return `${p.kind}/${p.namespace}/${p.name}`;
}

function policyLabels(p: PropagationPolicyDoc | OverridePolicyDoc): Record<string, string> {
  return 'labels' in p ? p.labels : {};
}

/** Whether a policy's selectors take in the template (namespaced policies only reach their own namespace). */
function selects(p: PropagationPolicyDoc | OverridePolicyDoc, t: ResourceTemplate): boolean {
  const namespaced = p.kind === 'PropagationPolicy' || p.kind === 'OverridePolicy';
  if (namespaced && (!t.namespaced || t.ref.namespace !== p.namespace)) return false;
  const selectors = p.spec.resourceSelectors;
  // An override policy without selectors applies to every resource it can reach.
  if (!selectors || selectors.length === 0) return p.kind === 'OverridePolicy' || p.kind === 'ClusterOverridePolicy';
  return bestMatchLevel(t, selectors) > MatchLevel.MisMatch;
}

function refMatches(ref: ObjectRef, target: ResourceTarget): boolean {
  return (
    ref.kind.toLowerCase() === target.kind.toLowerCase() &&
    ref.name === target.name &&
    (target.group === undefined || groupOf(ref.apiVersion) === target.group) &&
    (ref.namespace === '' || ref.namespace === target.namespace)
  );
}

export function templateMatches(t: ResourceTemplate, target: ResourceTarget): boolean {
  return refMatches(t.ref, target) && (!t.namespaced || t.ref.namespace === target.namespace);
}

function matchingPlacement(d: FileDocuments | undefined, target: ResourceTarget) {
  return d?.placement && refMatches(d.placement.resource, target) ? d.placement : undefined;
}

/** `status/placements/<ns or _cluster>/<kind>[.<group>]-<name>.yaml` that may hold the target's placement. */
function isPlacementCandidate(path: string, target: ResourceTarget): boolean {
  const parts = path.split('/');
  if (parts.length !== 4 || parts[0] !== 'status' || parts[1] !== 'placements') return false;
  if (parts[2] !== target.namespace && parts[2] !== '_cluster') return false;
  const stem = parts[3]!.replace(/\.ya?ml$/, '');
  const kind = target.kind.toLowerCase();
  const head = target.group === undefined ? null : target.group === '' ? kind : `${kind}.${target.group}`;
  if (!stem.endsWith(`-${target.name}`)) return false;
  const prefix = stem.slice(0, stem.length - target.name.length - 1);
  return head !== null ? prefix === head : prefix === kind || prefix.startsWith(`${kind}.`);
}

async function clusterChanges(c: CommitRecord, name: string, reader: DocumentReader): Promise<Pick<HistoryEntry, 'ready' | 'taints' | 'moved'> | null> {
  let ready: ReadyTransition | null = null;
  const taints: TaintChange[] = [];
  const moved: Movement[] = [];
  for (const f of c.changes) {
    if (f.path === `status/clusters/${name}.yaml` || f.path === `status/clusters/${name}.yml`) {
      const [b, a] = await reader.both(c.commit, f);
      ready = diffReady(b?.clusterStatus, a?.clusterStatus);
      const t = diffTaints('status', b?.statusTaints ?? [], a?.statusTaints ?? []);
      if (t) taints.push(t);
    } else if (f.path.startsWith('clusters/')) {
      const [b, a] = await reader.both(c.commit, f);
      const was = b?.clusters.find((x) => x.name === name);
      const now = a?.clusters.find((x) => x.name === name);
      if (!was && !now) continue;
      const t = diffTaints('spec', was?.spec.taints ?? [], now?.spec.taints ?? []);
      if (t) taints.push(t);
    } else if (f.path.startsWith('status/placements/')) {
      const [b, a] = await reader.both(c.commit, f);
      const before = replicasOn(b?.placement, name);
      const after = replicasOn(a?.placement, name);
      const resource = (a?.placement ?? b?.placement)?.resource;
      if (resource && before !== after) moved.push({ resource, before, after });
    }
  }
  if (!ready && taints.length === 0 && moved.length === 0) return null;
  return { ...(ready ? { ready } : {}), ...(taints.length > 0 ? { taints: taints.sort((x, y) => compareStrings(x.source, y.source)) } : {}), ...(moved.length > 0 ? { moved: moved.sort((x, y) => compareRefs(x.resource, y.resource)) } : {}) };
}

/** For every status commit: its `Flotilla-Observed` trailer, else the nearest older desired-state commit. */
function observedCommits(newestFirst: CommitRecord[], botName: string): Map<string, string> {
  const out = new Map<string, string>();
  let pending: string[] = [];
  for (const c of newestFirst) {
    if (classify(c, botName) === 'desired') {
      for (const s of pending) out.set(s, c.commit);
      pending = [];
      continue;
    }
    const trailer = observedTrailer(c.message);
    if (trailer) out.set(c.commit, trailer);
    else pending.push(c.commit);
  }
  return out;
}

function changeOf(f: FileChange): DesiredChange['change'] {
  return f.before === null ? 'added' : f.after === null ? 'removed' : 'modified';
}

const AREAS: [prefix: string, label: string][] = [
  ['status/placements/', 'placements'],
  ['status/clusters/', 'cluster status'],
  ['status/inventory/', 'inventory'],
  ['workloads/', 'workloads'],
  ['policies/', 'policies'],
  ['clusters/', 'clusters'],
];

/** `workloads: 1 modified; policies: 1 added`: how many files changed how, per area, in a fixed order. */
export function summarize(changes: readonly FileChange[]): string {
  const parts: string[] = [];
  const areaOf = (path: string) => AREAS.find(([p]) => path.startsWith(p))?.[1] ?? (path.startsWith('status/') ? 'status' : 'settings');
  for (const area of [...AREAS.map(([, l]) => l), 'status', 'settings']) {
    const mine = changes.filter((f) => areaOf(f.path) === area);
    if (mine.length === 0) continue;
    const counts = (['added', 'modified', 'removed'] as const).map((k) => [k, mine.filter((f) => changeOf(f) === k).length] as const).filter(([, n]) => n > 0);
    parts.push(`${area}: ${counts.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  }
  return parts.join('; ') || 'no fleet files changed';
}

/** Each blob is parsed once: consecutive commits share the blob on one side of the other's change. */
class DocumentReader {
  private readonly parsed = new Map<string, FileDocuments>();
  readonly warnings: Problem[] = [];

  constructor(private readonly readBlob: (oid: string) => Promise<Uint8Array>) {}

  async both(commit: string, f: FileChange): Promise<[FileDocuments | undefined, FileDocuments | undefined]> {
    return [f.before ? await this.read(commit, f.path, f.before, 'before') : undefined, f.after ? await this.read(commit, f.path, f.after, 'after') : undefined];
  }

  private async read(commit: string, path: string, oid: string, side: 'before' | 'after'): Promise<FileDocuments> {
    const key = `${path}\0${oid}`;
    const hit = this.parsed.get(key);
    if (hit) return hit;
    const docs = readDocuments({ path, content: await this.readBlob(oid) });
    // A damaged file is reported once, at the first commit that shows it.
    const at = `${side === 'after' ? 'in' : 'before'} ${commit.slice(0, 7)}`;
    for (const e of docs.errors) this.warnings.push({ ...e, message: `${at}: ${e.message}` });
    this.parsed.set(key, docs);
    return docs;
  }
}
