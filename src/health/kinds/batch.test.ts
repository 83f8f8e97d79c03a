import { describe, it } from 'vitest';
import { checkHealth, type HealthCase } from '../testing.js';

const job = (spec: string, status: string) => `
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop, generation: 1}
spec:
  backoffLimit: 2
  template: {spec: {restartPolicy: Never, containers: [{name: migrate, image: migrate:5}]}}
${spec}
status:
${status}
`;

describe('Job', () => {
  it.each<HealthCase>([
    {
      name: 'running',
      yaml: job('', '  startTime: "2025-03-01T10:00:00Z"\n  active: 1\n  ready: 1'),
      health: 'Progressing',
      message: 'Job is running: 1 active, 0 succeeded, 0 failed',
    },
    {
      name: 'completed',
      yaml: job(
        '',
        `  startTime: "2025-03-01T10:00:00Z"
  completionTime: "2025-03-01T10:02:00Z"
  succeeded: 1
  conditions:
  - {type: SuccessCriteriaMet, status: "True", reason: CompletionsReached, message: Reached expected number of succeeded pods}
  - {type: Complete, status: "True", reason: CompletionsReached, message: Reached expected number of succeeded pods}`,
      ),
      health: 'Healthy',
      message: 'Reached expected number of succeeded pods',
    },
    {
      name: 'failed: backoff limit',
      yaml: job(
        '',
        `  startTime: "2025-03-01T10:00:00Z"
  failed: 3
  conditions:
  - {type: FailureTarget, status: "True", reason: BackoffLimitExceeded, message: Job has reached the specified backoff limit}
  - {type: Failed, status: "True", reason: BackoffLimitExceeded, message: Job has reached the specified backoff limit}`,
      ),
      health: 'Degraded',
      message: 'BackoffLimitExceeded: Job has reached the specified backoff limit',
    },
    {
      name: 'failure decided, pods still terminating (FailureTarget only)',
      yaml: job('', '  active: 1\n  failed: 3\n  conditions:\n  - {type: FailureTarget, status: "True", reason: BackoffLimitExceeded, message: Job has reached the specified backoff limit}'),
      health: 'Degraded',
    },
    {
      name: 'suspended by the controller',
      yaml: job('  suspend: true', '  conditions:\n  - {type: Suspended, status: "True", reason: JobSuspended, message: Job suspended}'),
      health: 'Suspended',
      message: 'Job suspended',
    },
    {
      name: 'spec.suspend before the controller reacted',
      yaml: job('  suspend: true', '  active: 0'),
      health: 'Suspended',
      message: 'Job is suspended',
    },
    {
      name: 'resumed (Suspended=False left behind) is running again',
      yaml: job('  suspend: false', '  active: 1\n  conditions:\n  - {type: Suspended, status: "False", reason: JobResumed, message: Job resumed}'),
      health: 'Progressing',
    },
    { name: 'just created, no status yet', yaml: job('', '  {}'), health: 'Progressing' },
  ])('$name', checkHealth);
});

const cronJob = (spec: string, status: string) => `
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: report, image: report:1}]}}}}
${spec}
${status}
`;

describe('CronJob', () => {
  it.each<HealthCase>([
    { name: 'never scheduled', yaml: cronJob('', 'status: {}'), health: 'Healthy' },
    {
      name: 'last run succeeded',
      yaml: cronJob('', 'status: {lastScheduleTime: "2025-03-01T10:00:00Z", lastSuccessfulTime: "2025-03-01T10:01:12Z"}'),
      health: 'Healthy',
      message: 'CronJob has completed its last execution successfully',
    },
    {
      name: 'jobs active',
      yaml: cronJob('', 'status:\n  lastScheduleTime: "2025-03-01T11:00:00Z"\n  active: [{apiVersion: batch/v1, kind: Job, name: report-29011, namespace: shop, uid: 1d2c}]'),
      health: 'Progressing',
      message: 'Waiting for 1 Jobs to complete',
    },
    {
      name: 'last run failed (success older than the last schedule)',
      yaml: cronJob('', 'status: {lastScheduleTime: "2025-03-01T11:00:00Z", lastSuccessfulTime: "2025-03-01T10:01:12Z"}'),
      health: 'Degraded',
      message: 'CronJob has not completed its last execution successfully',
    },
    {
      name: 'scheduled but never succeeded',
      yaml: cronJob('', 'status: {lastScheduleTime: "2025-03-01T11:00:00Z"}'),
      health: 'Degraded',
    },
    {
      name: 'fractional seconds are compared as times, not text',
      yaml: cronJob('', 'status: {lastScheduleTime: "2025-03-01T11:00:00Z", lastSuccessfulTime: "2025-03-01T11:00:00.5Z"}'),
      health: 'Healthy',
    },
    { name: 'suspended wins over a failed last run', yaml: cronJob('  suspend: true', 'status: {lastScheduleTime: "2025-03-01T11:00:00Z"}'), health: 'Suspended', message: 'CronJob is Suspended' },
    { name: 'no status at all', yaml: cronJob('', ''), health: 'Progressing', message: 'Waiting for CronJob' },
  ])('$name', checkHealth);
});
