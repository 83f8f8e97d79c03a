/** PodDisruptionBudget, after Karmada: counters summed, disrupted pods keyed `<cluster>/<pod>`. */
import { int, obj } from '../fields.js';
import type { Aggregator } from './types.js';

const COUNTERS = ['currentHealthy', 'desiredHealthy', 'expectedPods', 'disruptionsAllowed'] as const;

export const aggregatePodDisruptionBudget: Aggregator = (_template, members) => {
  const out: Record<string, unknown> = {};
  for (const name of COUNTERS) out[name] = members.reduce((sum, m) => sum + (int(m.status, name) ?? 0), 0);
  const disrupted: Record<string, unknown> = {};
  for (const m of members) {
    for (const [pod, time] of Object.entries(obj(m.status, 'disruptedPods') ?? {})) disrupted[`${m.cluster}/${pod}`] = time;
  }
  if (Object.keys(disrupted).length > 0) out.disruptedPods = disrupted;
  return out;
};
