/**
 * An in-memory member cluster that behaves like an API server where Flotilla depends on it: uids and
 * resourceVersions, server-side apply with field ownership and conflicts, uid preconditions on delete, label
 * selectors, watches, discovery that grows when a CRD is Established, namespaces that must exist, and the same
 * `KubeApiError`s as the HTTPS client. Faults (unreachable, injected errors, Forbidden, latency) are switched on
 * by tests; nothing here sleeps or does I/O, so the controller and apply/prune can be tested deterministically.
 */
import { FIELD_MANAGER } from '../model/constants.js';
import type { KubeApiError } from '../model/errors.js';
import type { KubeObject, ObjectMeta } from '../model/kube.js';
import { groupOf, identityKey, refOf, type ObjectRef } from '../model/refs.js';
import { canonicalJson } from '../util/canonical.js';
import type { ApplyOptions, ClusterApi, ListOptions, Readiness, WatchEvent, WatchEventType, WatchOptions } from './cluster-api.js';
import { resourcePath, type ResourceInfo } from './discovery.js';
import { apiError, noKindError, unreachableError } from './errors.js';
import { builtinResources, crdResources } from './memory-resources.js';
import { conflictMessage, decodePath, findConflicts, formatPath, managedFieldsOf, mergeApply, recordUpdate, type Ownership } from './memory-ssa.js';
import { parseFieldSelector, parseLabelSelector, type ObjectPredicate } from './selectors.js';
import { wholeSecondTimestamp } from '../model/time.js';

export type ClusterVerb = 'get' | 'list' | 'watch' | 'apply' | 'delete' | 'discovery' | 'readiness' | 'version';

/** One call made to the cluster, as recorded in `requests` and seen by fault predicates. */
export interface ClusterRequest {
  verb: ClusterVerb;
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  dryRun?: boolean;
  force?: boolean;
  fieldManager?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export type RequestMatcher = (req: ClusterRequest) => boolean;
export type InjectedError = Error | ((req: ClusterRequest) => Error);
/** Microtask hops before each request is served, or a scheduler the test controls. */
export type Latency = number | (() => Promise<void>);

export interface MemoryClusterOptions {
  /** Resources served before any CRD is applied (default: the common built-ins). */
  served?: ResourceInfo[];
  /** Namespaces that exist from the start (default: default, kube-system, kube-public, kube-node-lease). */
  namespaces?: string[];
  /** Source of `creationTimestamp` and managedFields times (default: a fixed instant). */
  now?: () => Date;
  latency?: Latency;
  /** `manual`: CRDs stay not Established (and their kinds unserved) until `establish(name)`. */
  crdEstablishment?: 'immediate' | 'manual';
  kubernetesVersion?: string;
}

interface Stored {
  object: KubeObject;
  owners: Ownership;
}

interface Watcher {
  group: string;
  kind: string;
  apiVersion: string;
  matches: ObjectPredicate;
  onEvent: (event: WatchEvent) => void;
  end(): void;
  fail(err: Error): void;
}

interface Fault {
  matches: RequestMatcher;
  error: InjectedError;
  once: boolean;
}

const CRD_GROUP = 'apiextensions.k8s.io';
const METHOD: Record<ClusterVerb, string> = { get: 'GET', list: 'GET', watch: 'GET', apply: 'PATCH', delete: 'DELETE', discovery: 'GET', readiness: 'GET', version: 'GET' };
const RBAC_VERB: Partial<Record<ClusterVerb, string>> = { apply: 'patch' };

export class MemoryCluster implements ClusterApi {
  /** Every call, in order: for assertions such as "nothing was deleted" or "CRDs came first". */
  readonly requests: ClusterRequest[] = [];
  latency: Latency;
  /** What `/readyz` answers while the cluster is reachable. */
  health: Readiness = { status: 200, body: 'ok' };
  kubernetesVersion: string;
  discoveryInvalidations = 0;
  closed = false;

  private readonly store = new Map<string, Stored>();
  private readonly served = new Map<string, ResourceInfo>();
  private readonly watchers = new Set<Watcher>();
  private faults: Fault[] = [];
  private hooks: { matches: RequestMatcher; action: (req: ClusterRequest) => void | Promise<void> }[] = [];
  private forbidden: { verbs?: ClusterVerb[]; kind?: string; namespace?: string }[] = [];
  private revision = 0;
  private uids = 0;
  private isUnreachable = false;
  private readonly now: () => Date;
  private readonly crdEstablishment: 'immediate' | 'manual';

  constructor(
    readonly name: string,
    opts: MemoryClusterOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date(Date.UTC(2026, 0, 1)));
    this.latency = opts.latency ?? 0;
    this.crdEstablishment = opts.crdEstablishment ?? 'immediate';
    this.kubernetesVersion = opts.kubernetesVersion ?? 'v1.36.0';
    for (const info of opts.served ?? builtinResources()) this.serve(info);
    for (const ns of opts.namespaces ?? ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, 'kube-apiserver');
    }
  }

  // ---- ClusterApi ----

  async resolve(apiVersion: string, kind: string): Promise<ResourceInfo> {
    await this.enter({ verb: 'discovery', apiVersion, kind });
    return this.info(apiVersion, kind);
  }

  invalidateDiscovery(): void {
    this.discoveryInvalidations++;
  }

  async discover(): Promise<ResourceInfo[]> {
    await this.enter({ verb: 'discovery' });
    return [...this.served.values()].map((r) => ({ ...r, verbs: [...r.verbs] }));
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const info = await this.begin({ verb: 'get', ...refFields(ref) });
    const stored = this.store.get(this.key(info, ref.namespace, ref.name));
    return stored ? present(stored, ref.apiVersion) : undefined;
  }

  async apply(obj: KubeObject, opts: ApplyOptions = {}): Promise<KubeObject> {
    const manager = opts.fieldManager ?? FIELD_MANAGER;
    const force = opts.force !== false;
    const req: ClusterRequest = { verb: 'apply', ...refFields(refOf(obj)), dryRun: opts.dryRun ?? false, force, fieldManager: manager };
    const info = await this.begin(req);
    const name = obj.metadata?.name;
    const namespace = info.namespaced ? obj.metadata.namespace || undefined : undefined;
    const path = resourcePath(info, namespace, name ?? '');
    if (!name) throw this.status(422, 'Invalid', `${info.kind} "" is invalid: metadata.name: Required value: name is required`, 'PATCH', path);
    this.requireNamespace(info, namespace, 'PATCH', path);
    const key = this.key(info, namespace, name);
    const stored = this.store.get(key);
    const applied = structuredClone(obj);
    const conflicts = findConflicts(stored?.owners ?? new Map(), manager, applied, stored?.object);
    if (conflicts.length > 0 && !force) throw this.status(409, 'Conflict', conflictMessage(conflicts), 'PATCH', path);
    const merged = mergeApply(stored?.object, stored?.owners ?? new Map(), manager, applied, this.timestamp());
    const next: Stored = { object: this.admit(merged.object, info, name, namespace, stored?.object), owners: merged.owners };
    if (opts.dryRun) return present(next, obj.apiVersion);
    if (stored && unchanged(stored, next)) return present(stored, obj.apiVersion);
    return present(this.write(key, next, stored), obj.apiVersion);
  }

  async delete(ref: ObjectRef, uid?: string): Promise<'deleted' | 'gone'> {
    const info = await this.begin({ verb: 'delete', ...refFields(ref) });
    const key = this.key(info, ref.namespace, ref.name);
    const stored = this.store.get(key);
    if (!stored) return 'gone';
    const actual = String(stored.object.metadata.uid);
    if (uid !== undefined && uid !== actual) {
      throw this.status(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${info.resource} "${ref.name}": Precondition failed: UID in precondition: ${uid}, UID in object meta: ${actual}`,
        'DELETE',
        resourcePath(info, ref.namespace || undefined, ref.name),
      );
    }
    this.erase(key);
    return 'deleted';
  }

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<KubeObject[]> {
    const info = await this.begin({ verb: 'list', apiVersion, kind, namespace: opts.namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    const path = resourcePath(info, opts.namespace);
    const byLabel = this.selector(() => parseLabelSelector(opts.labelSelector), path);
    const byField = this.selector(() => parseFieldSelector(opts.fieldSelector), path);
    return [...this.store.values()]
      .filter(({ object: o }) => groupOf(o.apiVersion) === info.group && o.kind === info.kind)
      .filter(({ object: o }) => !info.namespaced || !opts.namespace || o.metadata.namespace === opts.namespace)
      .filter(({ object: o }) => byLabel(o) && byField(o))
      .map((s) => present(s, apiVersion))
      .sort(byNamespaceAndName);
  }

  async watch(apiVersion: string, kind: string, opts: WatchOptions, onEvent: (event: WatchEvent) => void): Promise<void> {
    const info = await this.begin({ verb: 'watch', apiVersion, kind, labelSelector: opts.labelSelector });
    const matches = this.selector(() => parseLabelSelector(opts.labelSelector), resourcePath(info, undefined));
    if (opts.signal.aborted) return;
    return new Promise<void>((resolve, reject) => {
      const stop = () => {
        this.watchers.delete(watcher);
        opts.signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => watcher.end();
      const watcher: Watcher = {
        group: info.group,
        kind: info.kind,
        apiVersion,
        matches,
        onEvent,
        end: () => {
          stop();
          resolve();
        },
        fail: (err) => {
          stop();
          reject(err);
        },
      };
      this.watchers.add(watcher);
      opts.signal.addEventListener('abort', onAbort, { once: true });
      opts.onStart?.(String(this.revision));
    });
  }

  async readiness(): Promise<Readiness> {
    await this.enter({ verb: 'readiness' });
    return { ...this.health };
  }

  async version(): Promise<string | undefined> {
    await this.enter({ verb: 'version' });
    return this.kubernetesVersion;
  }

  close(): void {
    this.closed = true;
    for (const w of [...this.watchers]) w.end();
  }

  // ---- faults ----

  /** While true every request fails with `E_UNREACHABLE`, and open watches break. */
  get unreachable(): boolean {
    return this.isUnreachable;
  }

  set unreachable(value: boolean) {
    this.isUnreachable = value;
    if (value) for (const w of [...this.watchers]) w.fail(this.unreachableError({ verb: 'watch', kind: w.kind }));
  }

  /** The next request that matches fails with `error` (default: 500 InternalError). */
  failNext(matches: RequestMatcher, error?: InjectedError): void {
    this.faults.push({ matches, error: error ?? internalError, once: true });
  }

  /** Every matching request fails until the returned function is called. */
  failWhen(matches: RequestMatcher, error?: InjectedError): () => void {
    const fault: Fault = { matches, error: error ?? internalError, once: false };
    this.faults.push(fault);
    return () => {
      this.faults = this.faults.filter((f) => f !== fault);
    };
  }

  /** Runs `action` just before the next matching request is served: someone else acting at the worst moment. */
  beforeNext(matches: RequestMatcher, action: (req: ClusterRequest) => void | Promise<void>): void {
    this.hooks.push({ matches, action });
  }

  /** RBAC says no (403 Forbidden) for a kind and/or namespace, optionally only for some verbs. */
  forbid(rule: { verbs?: ClusterVerb[]; kind?: string; namespace?: string }): () => void {
    this.forbidden.push(rule);
    return () => {
      this.forbidden = this.forbidden.filter((r) => r !== rule);
    };
  }

  /** Ends every open watch as the server does when `timeoutSeconds` passes. */
  endWatches(): void {
    for (const w of [...this.watchers]) w.end();
  }

  /** Tells every open watch its resourceVersion is too old (410 Gone), then ends it. */
  expireWatches(): void {
    for (const w of [...this.watchers]) {
      w.onEvent({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 } });
      w.end();
    }
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  // ---- acting as someone else (no faults, not recorded) ----

  /** Serves a kind (an aggregated API, a CRD installed out of band). */
  serve(info: ResourceInfo): void {
    this.served.set(`${info.group ? `${info.group}/` : ''}${info.version}/${info.kind}`, { ...info });
  }

  /** Creates or replaces an object as an Update by `manager` (kubectl create/replace, a controller). */
  put(obj: KubeObject, manager = 'kubectl'): KubeObject {
    const info = this.info(obj.apiVersion, obj.kind);
    const namespace = info.namespaced ? obj.metadata.namespace || undefined : undefined;
    const path = resourcePath(info, namespace, obj.metadata.name);
    this.requireNamespace(info, namespace, 'PUT', path);
    const key = this.key(info, namespace, obj.metadata.name);
    const stored = this.store.get(key);
    const object = this.admit(withoutServerFields(obj, stored?.object), info, obj.metadata.name, namespace, stored?.object);
    const owners = recordUpdate(stored?.object ?? { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name } }, object, stored?.owners ?? new Map(), manager, this.timestamp());
    return present(this.write(key, { object, owners }, stored), obj.apiVersion);
  }

  /** Changes a live object as `kubectl edit` would (an Update: the editor takes ownership of what it changed). */
  edit(ref: ObjectRef, change: (obj: KubeObject) => void, manager = 'kubectl-edit'): KubeObject {
    const current = this.peek(ref);
    if (!current) throw new Error(`${this.name}: edit: ${ref.kind} ${ref.namespace}/${ref.name} does not exist`);
    change(current);
    return this.put(current, manager);
  }

  /** Writes `status` as the object's controller would (status subresource: no ownership, no generation bump). */
  setStatus(ref: ObjectRef, status: Record<string, unknown>): KubeObject {
    const key = this.key(this.info(ref.apiVersion, ref.kind), ref.namespace, ref.name);
    const stored = this.store.get(key);
    if (!stored) throw new Error(`${this.name}: setStatus: ${ref.kind} ${ref.namespace}/${ref.name} does not exist`);
    const next = { object: { ...structuredClone(stored.object), status: structuredClone(status) }, owners: stored.owners };
    return present(this.write(key, next, stored), ref.apiVersion);
  }

  /** Deletes without a precondition, as someone else. */
  remove(ref: ObjectRef): boolean {
    const key = this.key(this.info(ref.apiVersion, ref.kind), ref.namespace, ref.name);
    if (!this.store.has(key)) return false;
    this.erase(key);
    return true;
  }

  /** Marks a CRD Established and serves its kinds (with `crdEstablishment: 'manual'`). */
  establish(crdName: string): void {
    const key = this.key(this.info(`${CRD_GROUP}/v1`, 'CustomResourceDefinition'), undefined, crdName);
    const stored = this.store.get(key);
    if (!stored) throw new Error(`${this.name}: establish: no CustomResourceDefinition ${crdName}`);
    const object = structuredClone(stored.object);
    object.status = crdStatus(object, true);
    this.write(key, { object, owners: stored.owners }, stored);
  }

  /** The live object without going through the API (no request recorded, no faults). */
  peek(ref: ObjectRef): KubeObject | undefined {
    const info = this.served.get(`${ref.apiVersion}/${ref.kind}`);
    const stored = info && this.store.get(this.key(info, ref.namespace, ref.name));
    return stored ? present(stored, ref.apiVersion) : undefined;
  }

  /** Which fields each manager owns, as dotted paths (`.spec.replicas`). */
  owners(ref: ObjectRef): Record<string, string[]> {
    const key = this.key(this.info(ref.apiVersion, ref.kind), ref.namespace, ref.name);
    const out: Record<string, string[]> = {};
    for (const [manager, entry] of this.store.get(key)?.owners ?? []) out[manager] = [...entry.fields].map((f) => formatPath(decodePath(f))).sort();
    return out;
  }

  /** Every stored object, sorted by kind, namespace and name. */
  snapshot(): KubeObject[] {
    return [...this.store.values()].map((s) => present(s, s.object.apiVersion)).sort((a, b) => compare(a.kind, b.kind) || byNamespaceAndName(a, b));
  }

  // ---- the server ----

  private async enter(req: ClusterRequest): Promise<void> {
    this.requests.push(req);
    if (typeof this.latency === 'function') await this.latency();
    else for (let i = 0; i < this.latency; i++) await Promise.resolve();
    const hook = this.hooks.find((h) => h.matches(req));
    if (hook) {
      this.hooks = this.hooks.filter((h) => h !== hook);
      await hook.action(req);
    }
    if (this.isUnreachable) throw this.unreachableError(req);
    const fault = this.faults.find((f) => f.matches(req));
    if (fault) {
      if (fault.once) this.faults = this.faults.filter((f) => f !== fault);
      throw typeof fault.error === 'function' ? fault.error(req) : fault.error;
    }
  }

  /** Enter, resolve the kind, and check RBAC: what every object request does first. */
  private async begin(req: ClusterRequest): Promise<ResourceInfo> {
    await this.enter(req);
    const info = this.info(req.apiVersion!, req.kind!);
    const namespace = info.namespaced ? req.namespace || undefined : undefined;
    const rule = this.forbidden.find((r) => (!r.verbs || r.verbs.includes(req.verb)) && (!r.kind || r.kind === info.kind) && (!r.namespace || r.namespace === namespace));
    if (rule) {
      const verb = RBAC_VERB[req.verb] ?? req.verb;
      const subject = req.name ? `${info.resource} "${req.name}"` : info.resource;
      const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
      throw this.status(
        403,
        'Forbidden',
        `${subject} is forbidden: User "system:serviceaccount:flotilla:flotilla" cannot ${verb} resource "${info.resource}" in API group "${info.group}" ${scope}`,
        METHOD[req.verb],
        resourcePath(info, namespace, req.name),
      );
    }
    return info;
  }

  private info(apiVersion: string, kind: string): ResourceInfo {
    const info = this.served.get(`${apiVersion}/${kind}`);
    if (!info) throw noKindError(this.name, apiVersion, kind);
    return info;
  }

  private key(info: ResourceInfo, namespace: string | undefined, name: string): string {
    return identityKey({ apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind: info.kind, namespace: info.namespaced ? namespace ?? '' : '', name });
  }

  private requireNamespace(info: ResourceInfo, namespace: string | undefined, method: string, path: string): void {
    if (!info.namespaced) return;
    if (!namespace) throw this.status(404, 'NotFound', 'the server could not find the requested resource', method, path);
    if (!this.store.has(identityKey({ apiVersion: 'v1', kind: 'Namespace', namespace: '', name: namespace }))) {
      throw this.status(404, 'NotFound', `namespaces "${namespace}" not found`, method, path);
    }
  }

  /** Identity, server-set metadata and what the built-in controllers would add at once. */
  private admit(object: KubeObject, info: ResourceInfo, name: string, namespace: string | undefined, before: KubeObject | undefined): KubeObject {
    object.kind = info.kind;
    const meta: ObjectMeta = { ...object.metadata, name };
    if (namespace) meta.namespace = namespace;
    else delete meta.namespace;
    if (before) {
      for (const k of ['uid', 'creationTimestamp', 'resourceVersion'] as const) meta[k] = before.metadata[k];
      const generation = Number(before.metadata.generation ?? 1);
      meta.generation = canonicalJson(specOf(before)) === canonicalJson(specOf(object)) ? generation : generation + 1;
    } else {
      meta.creationTimestamp = this.timestamp();
      meta.generation = 1;
      delete meta.uid;
      delete meta.resourceVersion;
    }
    object.metadata = meta;
    if (info.kind === 'Namespace' && info.group === '' && !before) object.status = { phase: 'Active' };
    if (info.kind === 'CustomResourceDefinition' && info.group === CRD_GROUP) {
      const established = before ? isEstablished(before) : this.crdEstablishment === 'immediate';
      object.status = crdStatus(object, established);
    }
    return object;
  }

  private write(key: string, next: Stored, before: Stored | undefined): Stored {
    next.object.metadata.resourceVersion = String(++this.revision);
    if (!before) next.object.metadata.uid = `00000000-0000-4000-8000-${String(++this.uids).padStart(12, '0')}`;
    this.store.set(key, next);
    this.emit(before ? 'MODIFIED' : 'ADDED', next, before);
    if (next.object.kind === 'CustomResourceDefinition' && isEstablished(next.object)) for (const info of crdResources(next.object)) this.serve(info);
    return next;
  }

  private erase(key: string): void {
    const stored = this.store.get(key);
    if (!stored) return;
    this.store.delete(key);
    this.emit('DELETED', undefined, stored);
    const { object } = stored;
    // The namespace controller and the CRD finalizer, done at once: their contents go with them.
    if (object.kind === 'Namespace' && object.apiVersion === 'v1') {
      for (const [k, s] of [...this.store]) if (s.object.metadata.namespace === object.metadata.name) this.erase(k);
    }
    if (object.kind === 'CustomResourceDefinition' && groupOf(object.apiVersion) === CRD_GROUP) {
      const served = crdResources(object);
      for (const info of served) this.served.delete(`${info.group}/${info.version}/${info.kind}`);
      for (const [k, s] of [...this.store]) if (served.some((i) => i.group === groupOf(s.object.apiVersion) && i.kind === s.object.kind)) this.erase(k);
    }
  }

  private emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', after: Stored | undefined, before: Stored | undefined): void {
    const subject = (after ?? before)!.object;
    for (const w of [...this.watchers]) {
      if (w.group !== groupOf(subject.apiVersion) || w.kind !== subject.kind) continue;
      // A label selector watch sees objects enter and leave the selection as ADDED and DELETED.
      const was = before !== undefined && w.matches(before.object);
      const is = after !== undefined && w.matches(after.object);
      const seen: WatchEventType | undefined = type === 'DELETED' ? (was ? 'DELETED' : undefined) : is ? (was ? 'MODIFIED' : 'ADDED') : was ? 'DELETED' : undefined;
      if (seen) w.onEvent({ type: seen, object: present((is ? after : before)!, w.apiVersion) });
    }
  }

  private selector(parse: () => ObjectPredicate, path: string): ObjectPredicate {
    try {
      return parse();
    } catch (err) {
      throw this.status(400, 'BadRequest', (err as Error).message, 'GET', path);
    }
  }

  private status(code: number, reason: string, message: string, method: string, path: string): KubeApiError {
    return apiError({ status: code, body: { kind: 'Status', status: 'Failure', message, reason, code } }, method, path);
  }

  private unreachableError(req: ClusterRequest): KubeApiError {
    const info = req.apiVersion && req.kind ? this.served.get(`${req.apiVersion}/${req.kind}`) : undefined;
    const path = req.verb === 'readiness' ? '/readyz' : req.verb === 'version' ? '/version' : info ? resourcePath(info, req.namespace || undefined, req.name) : '/apis';
    return unreachableError(`https://${this.name}.memory:6443/`, `${this.name}.memory:6443`, path, new Error('connect ECONNREFUSED'));
  }

  private timestamp(): string {
    return wholeSecondTimestamp(this.now());
  }
}

function refFields(ref: ObjectRef): Pick<ClusterRequest, 'apiVersion' | 'kind' | 'namespace' | 'name'> {
  return { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace || undefined, name: ref.name };
}

/** The object as the API returns it: a copy, in the requested version, with its managedFields. */
function present(stored: Stored, apiVersion: string): KubeObject {
  const object = structuredClone(stored.object);
  object.apiVersion = apiVersion;
  if (stored.owners.size > 0) object.metadata.managedFields = managedFieldsOf(stored.owners);
  return object;
}

/** A no-op apply writes nothing: same object, same fields owned by the same managers. */
function unchanged(a: Stored, b: Stored): boolean {
  const owners = (s: Stored) => [...s.owners].map(([m, e]) => [m, e.operation, [...e.fields].sort()]);
  return canonicalJson(a.object) === canonicalJson(b.object) && canonicalJson(owners(a)) === canonicalJson(owners(b));
}

/** Everything but metadata and status: what `metadata.generation` counts changes of. */
function specOf(obj: KubeObject): unknown {
  const { metadata: _metadata, status: _status, apiVersion: _apiVersion, ...rest } = obj;
  return rest;
}

/** An update carries the object as the client last saw it; status is kept from the live object (subresource). */
function withoutServerFields(obj: KubeObject, live: KubeObject | undefined): KubeObject {
  const copy = structuredClone(obj);
  delete copy.metadata.managedFields;
  if (live) copy.status = structuredClone(live.status);
  else delete copy.status;
  if (copy.status === undefined) delete copy.status;
  return copy;
}

function isEstablished(crd: KubeObject): boolean {
  const conditions = (crd.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Established' && c.status === 'True');
}

function crdStatus(crd: KubeObject, established: boolean): Record<string, unknown> {
  return {
    acceptedNames: structuredClone((crd.spec as { names?: unknown } | undefined)?.names ?? {}),
    conditions: [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
      established
        ? { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }
        : { type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have been accepted' },
    ],
  };
}

function internalError(req: ClusterRequest): Error {
  return apiError(
    { status: 500, body: { kind: 'Status', status: 'Failure', reason: 'InternalError', message: 'Internal error occurred: injected failure', code: 500 } },
    METHOD[req.verb],
    `/${req.kind ?? req.verb}/${req.name ?? ''}`,
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  return compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compare(a.metadata.name, b.metadata.name);
}
