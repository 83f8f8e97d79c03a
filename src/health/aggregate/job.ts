/**
 * Job, after Karmada's ParsingJobStatus: counters are summed; the Job has Failed if any member failed (the message
 * names the clusters) and is Complete only when every member completed; startTime is the earliest once every member
 * has started, completionTime the latest once every member has finished. Conditions carry no timestamps: Flotilla
 * writes only what it observed, so the status file changes only when something real did.
 */
import type { Condition } from '../../model/kube.js';
import { compareTimes, conditions, findCondition, int, isTrue, str } from '../fields.js';
import type { Aggregator } from './types.js';

export const aggregateJob: Aggregator = (template, members) => {
  let active = 0;
  let succeeded = 0;
  let failed = 0;
  const failedClusters: string[] = [];
  let completed = 0;
  let successCriteriaMet = 0;
  let failureTarget = false;
  const starts: string[] = [];
  const completions: string[] = [];
  for (const m of members) {
    if (!m.status) continue;
    active += int(m.status, 'active') ?? 0;
    succeeded += int(m.status, 'succeeded') ?? 0;
    failed += int(m.status, 'failed') ?? 0;
    const conds = conditions(m.status, 'conditions');
    if (isTrue(findCondition(conds, 'Failed'))) failedClusters.push(m.cluster);
    else if (isTrue(findCondition(conds, 'Complete'))) completed++;
    if (isTrue(findCondition(conds, 'SuccessCriteriaMet'))) successCriteriaMet++;
    if (isTrue(findCondition(conds, 'FailureTarget'))) failureTarget = true;
    const start = str(m.status, 'startTime');
    if (start !== undefined) starts.push(start);
    const completion = str(m.status, 'completionTime');
    if (completion !== undefined) completions.push(completion);
  }

  const out: Record<string, unknown> = { active, succeeded, failed };
  const conds: Condition[] = [];
  if (failedClusters.length > 0) {
    const message = `Job failed in member clusters ${failedClusters.join(', ')}`;
    // Kubernetes ≥ 1.31 sets FailureTarget before Failed; mirror it when a member did, as Karmada does.
    if (failureTarget) conds.push({ type: 'FailureTarget', status: 'True', reason: 'JobFailed', message });
    conds.push({ type: 'Failed', status: 'True', reason: 'JobFailed', message });
  }
  // A member with no status yet has not completed: Complete needs every member.
  if (members.length > 0 && completed === members.length) {
    conds.push({ type: 'Complete', status: 'True', reason: 'Completed', message: 'Job completed' });
    if (successCriteriaMet === members.length) {
      conds.push({ type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'All member clusters have met success criteria' });
    }
  }
  if (conds.length > 0) out.conditions = conds;

  const templateStart = str(template, 'status.startTime');
  if (templateStart !== undefined) out.startTime = templateStart;
  else if (members.length > 0 && starts.length === members.length) out.startTime = [...starts].sort(compareTimes)[0];
  if (members.length > 0 && completions.length === members.length) out.completionTime = [...completions].sort(compareTimes).at(-1);
  return out;
};
