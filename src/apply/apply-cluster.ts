/**
 * Carries out one cluster's plan and returns a single ChangeSet value (Flux's habit): what was created,
 * configured, left alone, deleted, refused or failed, plus the inventory to record. Errors stay inside the
 * ChangeSet: one cluster's failure is data for the caller, never an exception that stops the fleet.
 */
import pLimit from 'p-limit';
import type { ClusterApi } from '../kube/cluster-api.js';
import { KubeApiError } from '../model/errors.js';
import { LABEL_MANAGED } from '../model/constants.js';
import type { KubeObject } from '../model/kube.js';
import type { ObjectRef } from '../model/refs.js';
import { formatRef, identityKey, refOf } from '../model/refs.js';
import { pollUntil } from '../util/poll.js';
import { sortedEntries, type Inventory, type InventoryEntry } from '../record/index.js';
import { DEFAULT_APPLY_CONCURRENCY } from './concurrency.js';
import { compareApplyOrder, isAppliedLast, isFoundation } from './order.js';
import type { ClusterPlan, DesiredObject } from './plan.js';

export type ChangeAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'conflict' | 'failed' | 'skipped';

export interface ChangeEntry {
  ref: ObjectRef;
  action: ChangeAction;
  message?: string;
}

export interface ChangeSet {
  cluster: string;
  entries: ChangeEntry[];
  /** False when the cluster could not be reached at all this pass. */
  reachable: boolean;
  pruneBlocked?: string;
  inventory: Inventory;
}

export interface ApplyClusterOptions {
  /** Whether an existing object that Flotilla does not manage may be taken over (conflictResolution: Overwrite). */
  canTakeOver: (ref: ObjectRef) => boolean;
  /** Requests in flight at once on this cluster (API servers serve hundreds; a pass of many objects needs more than a few). */
  concurrency?: number;
  /** Told each object as the API server answered its apply: the caller need not read it back. */
  onApplied?: (ref: ObjectRef, live: KubeObject) => void;
  readyTimeoutMs?: number;
  /** How often a CRD or Namespace is checked while waiting for it (tests shorten it). */
  readyPollIntervalMs?: number;
  /**
   * Karmada's Retain for kinds with a retention script: the object to apply, given the desired one and the live
   * one (member-owned fields kept); undefined for kinds without a script.
   */
  retain?: RetainRule;
}

export interface RetainRule {
  applies(desired: KubeObject): boolean;
  retain(desired: KubeObject, observed: KubeObject): { object: KubeObject } | { error: string };
}

export async function applyClusterPlan(client: ClusterApi, plan: ClusterPlan, opts: ApplyClusterOptions): Promise<ChangeSet> {
  const entries: ChangeEntry[] = [];
  const inventory = new Map<string, InventoryEntry>();
  for (const e of plan.keep) inventory.set(identityKey(e.ref), e);
  for (const d of plan.unchanged) {
    entries.push({ ref: d.ref, action: 'unchanged' });
    inventory.set(identityKey(d.ref), { ref: d.ref, hash: d.hash, source: d.source });
  }
  let reachable = true;
  let failures = 0;

  // An apply that did not happen (or whose outcome is unknown) never drops its object from the inventory:
  // forgetting it would leave it on the cluster for good once it leaves the fleet. An object applied before
  // keeps its entry as it was (its old hash makes the next pass apply it again); a new one is kept as pending.
  const keepUnconfirmed = (d: DesiredObject) => {
    const prev = plan.previouslyApplied.get(identityKey(d.ref));
    // Desired again: no longer an evicted copy waiting for deletion.
    const { evicted: _evicted, ...kept } = prev ?? { ref: d.ref, hash: d.hash, source: d.source, pending: true };
    inventory.set(identityKey(d.ref), kept);
  };
  const applyOne = async (d: DesiredObject, previouslyApplied: boolean): Promise<void> => {
    if (!reachable) {
      entries.push({ ref: d.ref, action: 'skipped', message: 'cluster unreachable' });
      keepUnconfirmed(d);
      return;
    }
    try {
      let existed = previouslyApplied;
      if (!previouslyApplied) {
        const live = await client.get(d.ref);
        existed = live !== undefined;
        if (live && live.metadata.labels?.[LABEL_MANAGED] !== 'true' && !opts.canTakeOver(d.ref)) {
          entries.push({
            ref: d.ref,
            action: 'conflict',
            message: `${formatRef(d.ref)} already exists on ${client.name} and is not managed by Flotilla; left alone (set conflictResolution: Overwrite on the policy, or annotate the template flotilla.dev/conflict-resolution: overwrite, to take it over)`,
          });
          return;
        }
      }
      const retained = await retainMemberFields(client, d.object, opts.retain);
      if ('error' in retained) {
        failures++;
        entries.push({ ref: d.ref, action: 'failed', message: retained.error });
        keepUnconfirmed(d);
        return;
      }
      const live = await client.apply(retained.object);
      opts.onApplied?.(d.ref, live);
      entries.push({ ref: d.ref, action: existed ? 'configured' : 'created', ...(d.reason ? { message: d.reason } : {}) });
      inventory.set(identityKey(d.ref), { ref: d.ref, hash: d.hash, source: d.source });
    } catch (err) {
      failures++;
      if (err instanceof KubeApiError && err.code === 'E_UNREACHABLE') reachable = false;
      entries.push({ ref: d.ref, action: 'failed', message: (err as Error).message });
      keepUnconfirmed(d);
    }
  };

  const wasApplied = (d: DesiredObject) => plan.previouslyApplied.has(identityKey(d.ref));
  const ordered = [...plan.apply].sort((a, b) => compareApplyOrder(a.ref, b.ref));
  const foundation = ordered.filter((d) => isFoundation(d.ref));
  const last = ordered.filter((d) => isAppliedLast(d.ref));
  const rest = ordered.filter((d) => !isFoundation(d.ref) && !isAppliedLast(d.ref));

  // CRDs and Namespaces first, one by one, and waited for: everything else may live in them.
  for (const d of foundation) await applyOne(d, wasApplied(d));
  if (foundation.length > 0 && reachable) {
    await waitForFoundation(client, foundation, opts.readyTimeoutMs ?? 60_000, opts.readyPollIntervalMs ?? 200).catch((err: Error) => {
      entries.push({ ref: foundation[0]!.ref, action: 'failed', message: err.message });
      failures++;
    });
    client.invalidateDiscovery();
  }
  const limit = pLimit(opts.concurrency ?? DEFAULT_APPLY_CONCURRENCY);
  await Promise.all(rest.map((d) => limit(() => applyOne(d, wasApplied(d)))));
  // Admission webhooks only once everything else is in: with many requests in flight, sorting alone would not keep
  // a webhook from starting to guard objects still being applied.
  await Promise.all(last.map((d) => limit(() => applyOne(d, wasApplied(d)))));

  let pruneBlocked = plan.pruneBlocked;
  if (plan.prune.length > 0 && failures > 0) {
    // A pass that could not apply everything has not shown the cluster is in the state we think: prune later.
    pruneBlocked = `prune postponed on ${client.name}: ${failures} operation(s) failed this pass`;
    for (const e of plan.prune) inventory.set(identityKey(e.ref), e);
  } else {
    for (const e of plan.prune) {
      try {
        const live = await client.get(e.ref);
        if (!live) {
          entries.push({ ref: e.ref, action: 'deleted', message: 'already gone' });
          continue;
        }
        if (live.metadata.labels?.[LABEL_MANAGED] !== 'true') {
          entries.push({ ref: e.ref, action: 'skipped', message: 'no longer managed by Flotilla; not deleted' });
          continue;
        }
        await client.delete(e.ref, String(live.metadata.uid ?? ''));
        entries.push({ ref: e.ref, action: 'deleted' });
      } catch (err) {
        inventory.set(identityKey(e.ref), e);
        entries.push({ ref: e.ref, action: 'failed', message: `prune: ${(err as Error).message}` });
      }
    }
  }
  return { cluster: client.name, entries, reachable, pruneBlocked, inventory: { cluster: client.name, entries: sortedEntries(inventory.values()) } };
}

async function waitForFoundation(client: ClusterApi, objects: DesiredObject[], timeoutMs: number, intervalMs: number): Promise<void> {
  for (const d of objects) {
    await pollUntil(
      `${formatRef(d.ref)} ready on ${client.name}`,
      async () => {
        const live: KubeObject | undefined = await client.get(d.ref);
        if (!live) return undefined;
        const status = (live.status ?? {}) as { phase?: string; conditions?: { type: string; status: string }[] };
        if (d.ref.kind === 'Namespace') return status.phase === 'Active' ? true : undefined;
        return status.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
      },
      timeoutMs,
      intervalMs,
    );
  }
}

/** The object to apply: the desired one, or for a kind with a Retain script, what the script keeps of the live one. */
async function retainMemberFields(client: ClusterApi, desired: KubeObject, rule: RetainRule | undefined): Promise<{ object: KubeObject } | { error: string }> {
  if (!rule?.applies(desired)) return { object: desired };
  const live = await client.get(refOf(desired));
  return live === undefined ? { object: desired } : rule.retain(desired, live);
}

