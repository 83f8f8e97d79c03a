/** PersistentVolume and PersistentVolumeClaim phases, after Karmada. */
import { str } from '../fields.js';
import type { Aggregator } from './types.js';

const PV_PRECEDENCE = ['Failed', 'Pending', 'Available', 'Bound', 'Released'];

/** Failed > Pending > Available > Bound > Released; an uncollected member counts as Pending. */
export const aggregatePersistentVolume: Aggregator = (_template, members) => {
  const phases = new Set(members.map((m) => (m.status ? str(m.status, 'phase') : 'Pending')));
  const phase = PV_PRECEDENCE.find((p) => phases.has(p));
  return phase === undefined ? {} : { phase };
};

/**
 * Bound unless a member is not: Lost anywhere wins, otherwise the last non-Bound phase in cluster order. Unlike
 * Karmada, nothing is reported when no member has reported a phase (Karmada would say Bound).
 */
export const aggregatePersistentVolumeClaim: Aggregator = (_template, members) => {
  let reported = false;
  let phase = 'Bound';
  for (const m of members) {
    const p = m.status ? str(m.status, 'phase') : undefined;
    if (p === undefined || p === '') continue;
    reported = true;
    if (p === 'Lost') return { phase: 'Lost' };
    if (p !== 'Bound') phase = p;
  }
  return reported ? { phase } : {};
};
