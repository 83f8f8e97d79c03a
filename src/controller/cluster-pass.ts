/**
 * Steps 2 and 3 of a pass, for one member cluster: prepare (read what is live, find objects deleted by hand or
 * drifted, plan) and execute (the plan, then read back what was placed). Every write to the cluster is an entry
 * of the plan, so the change set, the inventory and the commit message see all of them. Errors stay in the
 * result: one cluster's failure never stops the others.
 */
import pLimit from 'p-limit';
import { applyClusterPlan, type ChangeEntry, type ChangeSet, type RetainRule } from '../apply/apply-cluster.js';
import { DEFAULT_APPLY_CONCURRENCY } from '../apply/concurrency.js';
import type { Inventory } from '../record/index.js';
import { planClusterApply, type ClusterPlan, type DesiredObject } from '../apply/plan.js';
import { detectDrift } from '../drift/index.js';
import type { ClusterApi } from '../kube/cluster-api.js';
import type { KubeObject } from '../model/kube.js';
import { formatRef, identityKey, type ObjectRef } from '../model/refs.js';
import type { ObservedCluster } from './observe-clusters.js';
import type { HeldResources } from '../render/index.js';

/** What the whole fleet decided this pass about applying and pruning. */
export interface ApplyRules {
  /** What must neither change nor be pruned, everywhere and per cluster. */
  held: HeldResources;
  brokenFiles: Set<string>;
  /** fleet.yaml could not be read: its limits are unknown, so nothing is deleted. */
  settingsBroken: boolean;
  maxPruneFraction: number;
  allowMassPrune: boolean;
  canTakeOver: (ref: ObjectRef) => boolean;
  detectDrift: boolean;
  /** Whether drift of this object is only reported, not corrected. */
  driftReportOnly: (key: string) => boolean;
  /** Objects whose removal from a cluster is a recorded decision (completed evictions): exempt from the breaker. */
  decidedPrunes?: (cluster: string) => ReadonlySet<string>;
  /** Retain scripts of custom kinds (fields the member cluster owns). */
  retain?: RetainRule;
  /** Requests in flight at once on one cluster while reading, applying and reading back (default DEFAULT_APPLY_CONCURRENCY). */
  objectConcurrency?: number;
}

export interface ClusterInput {
  observed: ObservedCluster & { client: ClusterApi };
  desired: DesiredObject[];
  /** Held on this cluster only (failed overrides, suspended dispatching). */
  held: Set<string>;
  previous: Inventory | undefined;
  /** Re-apply even if unchanged (periodic resync, objects seen missing after the last pass). */
  force: Set<string>;
}

export interface ObjectNote {
  message: string;
  drift?: boolean;
}

export interface PreparedCluster {
  input: ClusterInput;
  plan: ClusterPlan;
  /** Objects left unchanged by the plan, as read before acting (undefined: absent). */
  live: Map<string, KubeObject | undefined>;
  notes: Map<string, ObjectNote>;
  notices: string[];
}

const DELETED_REASON = 'was deleted from the cluster; re-applied';
const driftReason = (paths: string) => `drift at ${paths} corrected`;

/** Whether an entry re-applied an object found deleted by hand or drifted (the reasons inspectUnchanged gives). */
export function isDriftCorrection(entry: ChangeEntry): boolean {
  const m = entry.message ?? '';
  return (entry.action === 'configured' || entry.action === 'created') && (m === DELETED_REASON || (m.startsWith('drift at ') && m.endsWith(' corrected')));
}

export async function prepareCluster(input: ClusterInput, rules: ApplyRules): Promise<PreparedCluster> {
  const { client } = input.observed;
  const planWith = (force: Set<string>, desired: DesiredObject[]) =>
    planClusterApply({
      cluster: client.name,
      desired,
      previous: input.previous,
      held: input.held,
      brokenFiles: rules.brokenFiles,
      forceApply: force,
      maxPruneFraction: rules.settingsBroken ? 0 : rules.maxPruneFraction,
      allowMassPrune: rules.allowMassPrune && !rules.settingsBroken,
      pruneSuspended: rules.settingsBroken,
      decidedPrunes: rules.decidedPrunes?.(client.name),
    });
  const first = planWith(input.force, input.desired);
  const inspected = await inspectUnchanged(client, first.unchanged, rules);
  if (inspected.reasons.size === 0) return { input, plan: first, ...inspected };
  const force = new Set([...input.force, ...inspected.reasons.keys()]);
  const desired = input.desired.map((d) => {
    const reason = inspected.reasons.get(identityKey(d.ref));
    return reason ? { ...d, reason } : d;
  });
  return { input, plan: planWith(force, desired), ...inspected };
}

/**
 * Objects the plan would leave alone are read, and compared with a server-side apply dry-run of what the fleet
 * wants (Flux's method: fields other managers own are not drift). What was deleted or drifted is re-applied by
 * the plan, with the reason.
 */
async function inspectUnchanged(client: ClusterApi, unchanged: DesiredObject[], rules: ApplyRules) {
  const live = new Map<string, KubeObject | undefined>();
  const reasons = new Map<string, string>();
  const notes = new Map<string, ObjectNote>();
  const notices: string[] = [];
  const limit = pLimit(rules.objectConcurrency ?? DEFAULT_APPLY_CONCURRENCY);
  await Promise.all(
    unchanged.map((d) =>
      limit(async () => {
        const key = identityKey(d.ref);
        try {
          const found = await client.get(d.ref);
          live.set(key, found);
          if (!found) {
            reasons.set(key, DELETED_REASON);
            notices.push(`${client.name}: ${formatRef(d.ref)} was missing and has been re-applied`);
            return;
          }
          if (!rules.detectDrift) return;
          // What Flotilla would apply: with a Retain script, the fields it keeps from the member are not drift.
          const intended = rules.retain?.applies(d.object) ? rules.retain.retain(d.object, found) : { object: d.object };
          if ('error' in intended) {
            notes.set(key, { message: intended.error });
            return;
          }
          const drift = detectDrift(found, await client.apply(intended.object, { dryRun: true }));
          if (!drift.drifted) return;
          const paths = drift.changes.map((c) => c.path).slice(0, 5).join(', ') + (drift.changes.length > 5 ? ', …' : '');
          if (rules.driftReportOnly(key)) {
            const message = `drifted from the fleet repository at ${paths} (not corrected: flotilla.dev/drift: report)`;
            notes.set(key, { message, drift: true });
            notices.push(`${client.name}: ${formatRef(d.ref)}: ${message}`);
          } else {
            reasons.set(key, driftReason(paths));
            notices.push(`${client.name}: ${formatRef(d.ref)}: drift at ${paths} corrected`);
          }
        } catch (err) {
          notes.set(key, { message: (err as Error).message });
        }
      }),
    ),
  );
  return { live, reasons, notes, notices };
}

export interface ClusterOutcome {
  changeSet: ChangeSet;
  /** The change set's entries by identity key. */
  changes: Map<string, ChangeEntry>;
  /** Confirmed entries of the new inventory: what is known to be applied. */
  applied: Set<string>;
  /** Every object placed on the cluster, as it is after the pass (undefined: absent). */
  live: Map<string, KubeObject | undefined>;
  notes: Map<string, ObjectNote>;
  notices: string[];
  /** Placed objects found absent after this pass applied them: re-apply next pass. */
  missing: string[];
}

/**
 * Carries out the plan. `mayCreate` says whether an object absent from the previous inventory may be created:
 * false when its intent could not be recorded first, since a crash could then leak it.
 */
export async function executeCluster(prepared: PreparedCluster, rules: ApplyRules, placed: ObjectRef[], mayCreate: boolean): Promise<ClusterOutcome> {
  const { client } = prepared.input.observed;
  const known = new Set((prepared.input.previous?.entries ?? []).map((e) => identityKey(e.ref)));
  const deferred = mayCreate ? [] : prepared.plan.apply.filter((d) => !known.has(identityKey(d.ref)));
  const plan = deferred.length === 0 ? prepared.plan : { ...prepared.plan, apply: prepared.plan.apply.filter((d) => known.has(identityKey(d.ref))) };
  // The API server answers an apply with the object as stored: that is the read-back, no GET needed.
  const answered = new Map<string, KubeObject>();
  const changeSet = await applyClusterPlan(client, plan, {
    canTakeOver: rules.canTakeOver,
    concurrency: rules.objectConcurrency,
    onApplied: (ref, live) => answered.set(identityKey(ref), live),
    ...(rules.retain ? { retain: rules.retain } : {}),
  });
  for (const d of deferred) {
    changeSet.entries.push({ ref: d.ref, action: 'skipped', message: 'not created: the fleet repository could not record it first (retried next pass)' });
  }
  const changes = new Map(changeSet.entries.map((e) => [identityKey(e.ref), e]));
  const seen = new Map<string, KubeObject | undefined>([...prepared.live, ...answered]);
  const { live, missing } = await readPlaced(client, placed, changes, seen, rules.objectConcurrency ?? DEFAULT_APPLY_CONCURRENCY);
  const applied = new Set(changeSet.inventory.entries.filter((e) => !e.pending).map((e) => identityKey(e.ref)));
  return { changeSet, changes, applied, live, notes: prepared.notes, notices: prepared.notices, missing };
}

/**
 * Every placed object as it is now: what this pass already holds (read before acting and left alone, or answered
 * by its apply) is taken as is; the rest is read.
 */
async function readPlaced(client: ClusterApi, placed: ObjectRef[], changes: Map<string, ChangeEntry>, known: Map<string, KubeObject | undefined>, concurrency: number) {
  const live = new Map<string, KubeObject | undefined>();
  const missing: string[] = [];
  const limit = pLimit(concurrency);
  await Promise.all(
    placed.map((ref) =>
      limit(async () => {
        const key = identityKey(ref);
        const change = changes.get(key);
        if (change?.action === 'conflict' || change?.action === 'failed' || change?.action === 'skipped') return;
        if (known.has(key)) {
          live.set(key, known.get(key));
          return;
        }
        try {
          const found = await client.get(ref);
          live.set(key, found);
          if (!found) missing.push(key);
        } catch {
          // Health stays Unknown for this object; the next pass reads it again.
        }
      }),
    ),
  );
  return { live, missing };
}
