/**
 * Which propagation policy claims a template (docs/fleet-repository.md#which-policy-claims-a-template): PropagationPolicies of the template's
 * namespace before ClusterPropagationPolicies; explicit priority, then implicit priority (name > label selector
 * > kind only), then the smaller name. A claim sticks to the policy recorded in the previous placement while it
 * still matches, unless a `preemption: Always` policy may take the template away.
 */
import type { InvalidPolicyDoc, PlacementRecord, PropagationPolicyDoc, ResourceTemplate } from '../model/fleet.js';
import type { PolicyRef } from '../model/refs.js';
import { compareStrings, groupOf } from '../model/refs.js';
import { isReservedNamespace } from '../model/constants.js';
import { bestMatchLevel, MatchLevel } from './selectors.js';

/** How a template came to be claimed (or not) by a propagation policy. */
export type ClaimKind =
  /** No previous claim (or it lapsed): the best matching policy won. */
  | 'Fresh'
  /** The policy recorded in the previous placement still matches and keeps the template. */
  | 'Sticky'
  /** A policy with `preemption: Always` took the template from the previous claimant. */
  | 'Preempted'
  /** An invalid policy selects the template: the previous placement is kept until the policy is fixed. */
  | 'HeldForInvalidPolicy'
  /** No policy matches. */
  | 'Unmatched'
  /** The template is never propagated (reserved namespace, Karmada's own API groups, service-account tokens). */
  | 'Ignored';

export type SelectorMatch = 'Name' | 'LabelSelector' | 'All';

export interface PolicyCandidate {
  policy: PolicyRef;
  file: string;
  priority: number;
  match: SelectorMatch;
  preemption: 'Always' | 'Never';
  won: boolean;
  /** Why it won or lost, in words an operator understands. */
  reason: string;
}

export interface InvalidPolicyMatch {
  policy: PolicyRef;
  file: string;
  /** How the invalid policy's readable selectors (or the previous claim) point at the template. */
  match: SelectorMatch | 'PreviousClaim';
}

export interface PolicyExplanation {
  claim: ClaimKind;
  summary: string;
  winner: PolicyRef | null;
  previous: PolicyRef | null;
  /** Every valid policy that matches the template, winner first, then in precedence order. */
  candidates: PolicyCandidate[];
  invalidPolicies: InvalidPolicyMatch[];
}

export interface PolicyIndex {
  /** PropagationPolicies by namespace, each list sorted by name. */
  namespaced: Map<string, PropagationPolicyDoc[]>;
  /** ClusterPropagationPolicies sorted by name. */
  clusterWide: PropagationPolicyDoc[];
  byRef: Map<string, PropagationPolicyDoc>;
}

export function policyRef(doc: { kind: PolicyRef['kind']; namespace: string; name: string }): PolicyRef {
  return { kind: doc.kind, namespace: doc.kind === 'ClusterPropagationPolicy' ? '' : doc.namespace, name: doc.name };
}

export function policyKey(ref: PolicyRef): string {
  return `${ref.kind}/${ref.kind === 'ClusterPropagationPolicy' ? '' : ref.namespace}/${ref.name}`;
}

export function formatPolicyRef(ref: PolicyRef): string {
  return ref.kind === 'ClusterPropagationPolicy' ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}

function comparePolicyDocs(a: PropagationPolicyDoc, b: PropagationPolicyDoc): number {
  return (
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.namespace, b.namespace) ||
    compareStrings(a.name, b.name) ||
    compareStrings(a.source.file, b.source.file) ||
    a.source.line - b.source.line
  );
}

export function indexPolicies(policies: readonly PropagationPolicyDoc[]): PolicyIndex {
  const namespaced = new Map<string, PropagationPolicyDoc[]>();
  const clusterWide: PropagationPolicyDoc[] = [];
  const byRef = new Map<string, PropagationPolicyDoc>();
  for (const p of [...policies].sort(comparePolicyDocs)) {
    const key = policyKey(policyRef(p));
    // Duplicates are the loader's to report; the first in a stable order wins so results do not depend on input order.
    if (byRef.has(key)) continue;
    byRef.set(key, p);
    if (p.kind === 'ClusterPropagationPolicy') clusterWide.push(p);
    else {
      const list = namespaced.get(p.namespace) ?? [];
      list.push(p);
      namespaced.set(p.namespace, list);
    }
  }
  return { namespaced, clusterWide, byRef };
}

export interface PolicyClaim {
  policy: PropagationPolicyDoc | null;
  claim: ClaimKind;
  /** The invalid policy that froze the template, for `HeldForInvalidPolicy`. */
  heldBy: InvalidPolicyDoc | null;
  explanation: PolicyExplanation;
}

interface Matched {
  doc: PropagationPolicyDoc;
  level: MatchLevel;
  priority: number;
}

const SKIPPED_API_GROUPS = new Set(['cluster.karmada.io', 'policy.karmada.io', 'work.karmada.io']);

/** Why Karmada's detector never propagates this template, or null. */
export function ignoredReason(template: ResourceTemplate): string | null {
  const ns = template.ref.namespace;
  if (ns !== '' && isReservedNamespace(ns)) return `namespace ${ns} is reserved; its objects are never propagated`;
  const group = groupOf(template.ref.apiVersion);
  if (SKIPPED_API_GROUPS.has(group)) return `API group ${group} is never propagated`;
  if (group === '' && template.ref.kind === 'Secret' && template.object['type'] === 'kubernetes.io/service-account-token') {
    return 'service-account token Secrets are never propagated';
  }
  return null;
}

function matchName(level: MatchLevel): SelectorMatch {
  return level === MatchLevel.MatchName ? 'Name' : level === MatchLevel.MatchLabelSelector ? 'LabelSelector' : 'All';
}

const MATCH_WORDS: Record<SelectorMatch, string> = { Name: 'by name', LabelSelector: 'by label selector', All: 'by kind only' };

/** Karmada's precedence: PropagationPolicy before ClusterPropagationPolicy, priority, match level, name. */
function comparePrecedence(a: Matched, b: Matched): number {
  if (a.doc.kind !== b.doc.kind) return a.doc.kind === 'PropagationPolicy' ? -1 : 1;
  return b.priority - a.priority || b.level - a.level || compareStrings(a.doc.name, b.doc.name);
}

function matchingPolicies(template: ResourceTemplate, policies: PolicyIndex): Matched[] {
  const out: Matched[] = [];
  const consider = (doc: PropagationPolicyDoc): void => {
    const level = bestMatchLevel(template, doc.spec.resourceSelectors);
    if (level > MatchLevel.MisMatch) out.push({ doc, level, priority: doc.spec.priority ?? 0 });
  };
  // A PropagationPolicy never reaches outside its namespace, and never a cluster-scoped template.
  if (template.namespaced && template.ref.namespace !== '') {
    for (const doc of policies.namespaced.get(template.ref.namespace) ?? []) consider(doc);
  }
  for (const doc of policies.clusterWide) consider(doc);
  return out.sort(comparePrecedence);
}

function invalidPoliciesSelecting(
  template: ResourceTemplate,
  invalidPolicies: readonly InvalidPolicyDoc[],
  previous: PlacementRecord | undefined,
): { doc: InvalidPolicyDoc; match: InvalidPolicyMatch }[] {
  const previousKey = previous?.policy ? policyKey(previous.policy) : null;
  const out: { doc: InvalidPolicyDoc; match: InvalidPolicyMatch }[] = [];
  for (const doc of invalidPolicies) {
    const ref = policyRef(doc);
    if (doc.kind === 'PropagationPolicy' && (!template.namespaced || doc.namespace !== template.ref.namespace)) continue;
    const level = bestMatchLevel(template, doc.resourceSelectors);
    let match: InvalidPolicyMatch['match'] | null = null;
    // Only name and label selectors count: a broken kind-wide policy would otherwise freeze everything of a kind.
    if (level === MatchLevel.MatchName || level === MatchLevel.MatchLabelSelector) match = matchName(level);
    else if (previousKey !== null && policyKey(ref) === previousKey) match = 'PreviousClaim';
    if (match !== null) out.push({ doc, match: { policy: ref, file: doc.source.file, match } });
  }
  return out.sort(
    (a, b) => compareStrings(policyKey(a.match.policy), policyKey(b.match.policy)) || compareStrings(a.doc.source.file, b.doc.source.file),
  );
}

/** Whether `p` may take a template claimed by `claimant` (docs/fleet-repository.md#which-policy-claims-a-template, preemption). */
function preemptionVerdict(p: Matched, claimant: Matched): string | null {
  if (p.doc.spec.preemption !== 'Always') return 'preemption is not Always';
  // Karmada only preempts templates a preemptive policy names explicitly.
  if (p.level !== MatchLevel.MatchName) return 'preemption: Always only takes templates a selector names';
  if (claimant.doc.kind === 'PropagationPolicy') {
    if (p.doc.kind === 'ClusterPropagationPolicy') return 'a ClusterPropagationPolicy never preempts a PropagationPolicy';
    if (p.priority <= claimant.priority) return `preemption: Always needs a priority above ${claimant.priority}, has ${p.priority}`;
    return null;
  }
  if (p.doc.kind === 'PropagationPolicy') return null;
  if (p.priority <= claimant.priority) return `preemption: Always needs a priority above ${claimant.priority}, has ${p.priority}`;
  return null;
}

function candidate(m: Matched, won: boolean, reason: string): PolicyCandidate {
  return {
    policy: policyRef(m.doc),
    file: m.doc.source.file,
    priority: m.priority,
    match: matchName(m.level),
    preemption: m.doc.spec.preemption === 'Always' ? 'Always' : 'Never',
    won,
    reason,
  };
}

/** Why `loser` ranks below `winner` in a fresh match. */
function freshLossReason(loser: Matched, winner: Matched): string {
  if (loser.doc.kind !== winner.doc.kind) {
    return 'a PropagationPolicy in the template namespace matches, so ClusterPropagationPolicies are not considered';
  }
  if (loser.priority !== winner.priority) return `lower priority (${loser.priority} < ${winner.priority})`;
  if (loser.level !== winner.level) {
    return `same priority; matches ${MATCH_WORDS[matchName(loser.level)]}, the winner ${MATCH_WORDS[matchName(winner.level)]}`;
  }
  return `same priority and match; name "${loser.doc.name}" sorts after "${winner.doc.name}"`;
}

export function claimPolicy(
  template: ResourceTemplate,
  policies: PolicyIndex,
  previous: PlacementRecord | undefined,
  invalidPolicies: readonly InvalidPolicyDoc[],
): PolicyClaim {
  const previousRef = previous?.policy ?? null;
  const ignored = ignoredReason(template);
  if (ignored !== null) {
    return {
      policy: null,
      claim: 'Ignored',
      heldBy: null,
      explanation: { claim: 'Ignored', summary: ignored, winner: null, previous: previousRef, candidates: [], invalidPolicies: [] },
    };
  }

  const matched = matchingPolicies(template, policies);
  const invalid = invalidPoliciesSelecting(template, invalidPolicies, previous);
  const explanation = (claim: ClaimKind, summary: string, winner: PolicyRef | null, candidates: PolicyCandidate[]): PolicyExplanation => ({
    claim,
    summary,
    winner,
    previous: previousRef,
    candidates,
    invalidPolicies: invalid.map((i) => i.match),
  });

  const firstInvalid = invalid[0];
  if (firstInvalid !== undefined && previous !== undefined && previous.clusters.length > 0) {
    const summary = `invalid policy ${formatPolicyRef(firstInvalid.match.policy)} (${firstInvalid.doc.source.file}) selects this resource; the previous placement is kept until it is fixed`;
    const candidates = matched.map((m) => candidate(m, false, 'not applied while an invalid policy selects this resource'));
    return {
      policy: null,
      claim: 'HeldForInvalidPolicy',
      heldBy: firstInvalid.doc,
      explanation: explanation('HeldForInvalidPolicy', summary, previousRef, candidates),
    };
  }

  const [best] = matched;
  if (best === undefined) {
    return { policy: null, claim: 'Unmatched', heldBy: null, explanation: explanation('Unmatched', 'no propagation policy matches this resource', null, []) };
  }

  const claimant = previousRef ? matched.find((m) => policyKey(policyRef(m.doc)) === policyKey(previousRef)) : undefined;
  if (claimant === undefined) {
    const lapsed = previousRef
      ? policies.byRef.has(policyKey(previousRef))
        ? `; the previous policy ${formatPolicyRef(previousRef)} no longer matches`
        : `; the previous policy ${formatPolicyRef(previousRef)} no longer exists`
      : '';
    const candidates = matched.map((m) => (m === best ? candidate(m, true, 'highest precedence among matching policies') : candidate(m, false, freshLossReason(m, best))));
    return {
      policy: best.doc,
      claim: 'Fresh',
      heldBy: null,
      explanation: explanation('Fresh', `claimed by ${formatPolicyRef(policyRef(best.doc))}${lapsed}`, policyRef(best.doc), candidates),
    };
  }

  const verdicts = new Map(matched.map((m) => [m, m === claimant ? 'claimant' : preemptionVerdict(m, claimant)] as const));
  const preemptor = matched.find((m) => m !== claimant && verdicts.get(m) === null);
  const claimantName = formatPolicyRef(policyRef(claimant.doc));
  if (preemptor !== undefined) {
    const winnerName = formatPolicyRef(policyRef(preemptor.doc));
    const candidates = [preemptor, ...matched.filter((m) => m !== preemptor)].map((m) => {
      if (m === preemptor) return candidate(m, true, `preempted ${claimantName} (preemption: Always, priority ${m.priority})`);
      if (m === claimant) return candidate(m, false, `preempted by ${winnerName}`);
      const verdict = verdicts.get(m);
      return candidate(m, false, verdict === null ? `could also preempt, but ${freshLossReason(m, preemptor)}` : `${verdict}`);
    });
    return {
      policy: preemptor.doc,
      claim: 'Preempted',
      heldBy: null,
      explanation: explanation('Preempted', `${winnerName} preempted ${claimantName}`, policyRef(preemptor.doc), candidates),
    };
  }

  const candidates = [claimant, ...matched.filter((m) => m !== claimant)].map((m) => {
    if (m === claimant) return candidate(m, true, 'claimed the template before and still matches');
    const verdict = verdicts.get(m) ?? '';
    return candidate(m, false, `the template stays with ${claimantName}; ${verdict}`);
  });
  return {
    policy: claimant.doc,
    claim: 'Sticky',
    heldBy: null,
    explanation: explanation('Sticky', `kept by ${claimantName}, which claimed it before and still matches`, policyRef(claimant.doc), candidates),
  };
}
