/** CronJob, after Karmada: the members' active Jobs together (cluster order), and the latest schedule and success. */
import { compareTimes, list, str } from '../fields.js';
import type { Aggregator } from './types.js';

export const aggregateCronJob: Aggregator = (_template, members) => {
  const active: unknown[] = [];
  let lastScheduleTime: string | undefined;
  let lastSuccessfulTime: string | undefined;
  for (const m of members) {
    if (!m.status) continue;
    // Job references carry their uid, so Jobs of the same name in two clusters stay distinct entries.
    active.push(...list(m.status, 'active'));
    lastScheduleTime = latest(lastScheduleTime, str(m.status, 'lastScheduleTime'));
    lastSuccessfulTime = latest(lastSuccessfulTime, str(m.status, 'lastSuccessfulTime'));
  }
  const out: Record<string, unknown> = {};
  if (active.length > 0) out.active = active;
  if (lastScheduleTime !== undefined) out.lastScheduleTime = lastScheduleTime;
  if (lastSuccessfulTime !== undefined) out.lastSuccessfulTime = lastSuccessfulTime;
  return out;
};

function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareTimes(b, a) > 0 ? b : a;
}
