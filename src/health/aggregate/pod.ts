/**
 * Pod, after Karmada: one phase for all copies, the most alarming first (Failed > Pending > Running > Succeeded). A
 * member whose status was not collected counts as Pending, so it cannot make the whole look finished.
 */
import { str } from '../fields.js';
import type { Aggregator } from './types.js';

const PRECEDENCE = ['Failed', 'Pending', 'Running', 'Succeeded'];

export const aggregatePod: Aggregator = (_template, members) => {
  const phases = new Set(members.map((m) => (m.status ? str(m.status, 'phase') : 'Pending')));
  const phase = PRECEDENCE.find((p) => phases.has(p));
  return phase === undefined ? {} : { phase };
};
