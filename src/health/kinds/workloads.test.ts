import { describe, it } from 'vitest';
import { checkHealth as check, type HealthCase as Case } from '../testing.js';

const deployment = (spec: string, status: string, generation = 2) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, generation: ${generation}}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx:1.27}]}}
${spec}
status:
${status}
`;

describe('Deployment', () => {
  it.each<Case>([
    {
      name: 'fully rolled out',
      yaml: deployment('  replicas: 3', '  observedGeneration: 2\n  replicas: 3\n  updatedReplicas: 3\n  readyReplicas: 3\n  availableReplicas: 3'),
      health: 'Healthy',
      message: '',
    },
    {
      name: 'paused (even mid-rollout)',
      yaml: deployment('  replicas: 3\n  paused: true', '  observedGeneration: 1\n  replicas: 3\n  updatedReplicas: 1'),
      health: 'Suspended',
      message: 'Deployment is paused',
    },
    {
      name: 'spec change not yet observed',
      yaml: deployment('  replicas: 3', '  observedGeneration: 1\n  replicas: 3\n  updatedReplicas: 3\n  availableReplicas: 3', 2),
      health: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    },
    {
      name: 'progress deadline exceeded',
      yaml: deployment(
        '  replicas: 3',
        `  observedGeneration: 2
  replicas: 4
  updatedReplicas: 1
  availableReplicas: 3
  conditions:
  - {type: Available, status: "True", reason: MinimumReplicasAvailable}
  - {type: Progressing, status: "False", reason: ProgressDeadlineExceeded, message: 'ReplicaSet "web-7d9f" has timed out progressing.'}`,
      ),
      health: 'Degraded',
      message: 'Deployment "web" exceeded its progress deadline',
    },
    {
      name: 'new replicas not all updated',
      yaml: deployment('  replicas: 3', '  observedGeneration: 2\n  replicas: 4\n  updatedReplicas: 1\n  availableReplicas: 3'),
      health: 'Progressing',
      message: 'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...',
    },
    {
      name: 'old replicas pending termination',
      yaml: deployment('  replicas: 3', '  observedGeneration: 2\n  replicas: 4\n  updatedReplicas: 3\n  availableReplicas: 3'),
      health: 'Progressing',
      message: 'Waiting for rollout to finish: 1 old replicas are pending termination...',
    },
    {
      name: 'updated replicas not yet available',
      yaml: deployment('  replicas: 3', '  observedGeneration: 2\n  replicas: 3\n  updatedReplicas: 3\n  availableReplicas: 1'),
      health: 'Progressing',
      message: 'Waiting for rollout to finish: 1 of 3 updated replicas are available...',
    },
    {
      name: 'scaled to zero',
      yaml: deployment('  replicas: 0', '  observedGeneration: 2'),
      health: 'Healthy',
    },
    {
      name: 'Progressing condition with a normal reason is not a failure',
      yaml: deployment(
        '  replicas: 1',
        '  observedGeneration: 2\n  replicas: 1\n  updatedReplicas: 1\n  availableReplicas: 1\n  conditions:\n  - {type: Progressing, status: "True", reason: NewReplicaSetAvailable}',
      ),
      health: 'Healthy',
    },
    {
      name: 'counters of the wrong type cannot be judged',
      yaml: deployment('  replicas: 3', '  observedGeneration: 2\n  replicas: "three"'),
      health: 'Unknown',
      message: /status\.replicas: expected an integer/,
    },
  ])('$name', check);
});

const replicaSet = (status: string) => `
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-7d9f, namespace: shop, generation: 1}
spec: {replicas: 2, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}}
status:
${status}
`;

describe('ReplicaSet', () => {
  it.each<Case>([
    { name: 'all available', yaml: replicaSet('  observedGeneration: 1\n  replicas: 2\n  availableReplicas: 2'), health: 'Healthy' },
    {
      name: 'waiting for availability',
      yaml: replicaSet('  observedGeneration: 1\n  replicas: 2\n  availableReplicas: 1'),
      health: 'Progressing',
      message: 'Waiting for rollout to finish: 1 out of 2 new replicas are available...',
    },
    {
      name: 'pods cannot be created',
      yaml: replicaSet(
        '  observedGeneration: 1\n  replicas: 0\n  conditions:\n  - {type: ReplicaFailure, status: "True", reason: FailedCreate, message: \'pods "web-7d9f-x" is forbidden: exceeded quota\'}',
      ),
      health: 'Degraded',
      message: 'pods "web-7d9f-x" is forbidden: exceeded quota',
    },
    { name: 'generation not observed', yaml: replicaSet('  observedGeneration: 0'), health: 'Progressing', message: /observed replica set generation less than desired/ },
  ])('$name', check);
});

const statefulSet = (strategy: string, status: string, generation = 3) => `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop, generation: ${generation}}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: postgres:17}]}}
  updateStrategy: ${strategy}
status:
${status}
`;

describe('StatefulSet', () => {
  it.each<Case>([
    {
      name: 'rolling update with the default partition, complete',
      yaml: statefulSet('{type: RollingUpdate, rollingUpdate: {partition: 0}}', '  observedGeneration: 3\n  replicas: 3\n  readyReplicas: 3\n  updatedReplicas: 3\n  currentReplicas: 3'),
      health: 'Healthy',
      message: 'partitioned roll out complete: 3 new pods have been updated...',
    },
    {
      name: 'rolling update still replacing pods',
      yaml: statefulSet('{type: RollingUpdate, rollingUpdate: {partition: 0}}', '  observedGeneration: 3\n  replicas: 3\n  readyReplicas: 3\n  updatedReplicas: 1'),
      health: 'Progressing',
      message: 'Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...',
    },
    {
      name: 'partition 2: one updated pod is all that is asked',
      yaml: statefulSet('{type: RollingUpdate, rollingUpdate: {partition: 2}}', '  observedGeneration: 3\n  replicas: 3\n  readyReplicas: 3\n  updatedReplicas: 1'),
      health: 'Healthy',
      message: 'partitioned roll out complete: 1 new pods have been updated...',
    },
    {
      name: 'not all pods ready',
      yaml: statefulSet('{type: RollingUpdate, rollingUpdate: {partition: 0}}', '  observedGeneration: 3\n  replicas: 3\n  readyReplicas: 1\n  updatedReplicas: 3'),
      health: 'Progressing',
      message: 'Waiting for 2 pods to be ready...',
    },
    {
      name: 'never observed (observedGeneration 0)',
      yaml: statefulSet('{type: RollingUpdate}', '  replicas: 0', 1),
      health: 'Progressing',
      message: 'Waiting for statefulset spec update to be observed...',
    },
    {
      name: 'OnDelete: healthy once observed and ready, even with old pods',
      yaml: statefulSet('{type: OnDelete}', '  observedGeneration: 3\n  replicas: 3\n  readyReplicas: 3\n  updatedReplicas: 0\n  currentRevision: db-1\n  updateRevision: db-2'),
      health: 'Healthy',
      message: 'statefulset has 3 ready pods',
    },
    {
      name: 'OnDelete: spec change not yet observed',
      yaml: statefulSet('{type: OnDelete}', '  observedGeneration: 2\n  replicas: 3\n  readyReplicas: 3', 3),
      health: 'Progressing',
    },
    {
      name: 'RollingUpdate without rollingUpdate block: revisions differ',
      yaml: statefulSet('{type: RollingUpdate}', '  observedGeneration: 3\n  replicas: 3\n  readyReplicas: 3\n  updatedReplicas: 2\n  currentRevision: db-1\n  updateRevision: db-2'),
      health: 'Progressing',
      message: 'waiting for statefulset rolling update to complete 2 pods at revision db-2...',
    },
    {
      name: 'RollingUpdate without rollingUpdate block: revisions equal',
      yaml: statefulSet('{type: RollingUpdate}', '  observedGeneration: 3\n  replicas: 3\n  readyReplicas: 3\n  currentReplicas: 3\n  currentRevision: db-2\n  updateRevision: db-2'),
      health: 'Healthy',
      message: 'statefulset rolling update complete 3 pods at revision db-2...',
    },
  ])('$name', check);
});

const daemonSet = (strategy: string, status: string, generation = 4) => `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system-ish, generation: ${generation}}
spec:
  selector: {matchLabels: {app: agent}}
  template: {metadata: {labels: {app: agent}}, spec: {containers: [{name: agent, image: agent:2}]}}
  updateStrategy: {type: ${strategy}}
status:
${status}
`;

describe('DaemonSet', () => {
  it.each<Case>([
    {
      name: 'rolled out on every node',
      yaml: daemonSet('RollingUpdate', '  observedGeneration: 4\n  desiredNumberScheduled: 5\n  currentNumberScheduled: 5\n  updatedNumberScheduled: 5\n  numberAvailable: 5\n  numberReady: 5'),
      health: 'Healthy',
    },
    {
      name: 'rolling update in progress',
      yaml: daemonSet('RollingUpdate', '  observedGeneration: 4\n  desiredNumberScheduled: 5\n  updatedNumberScheduled: 2\n  numberAvailable: 5'),
      health: 'Progressing',
      message: 'Waiting for daemon set "agent" rollout to finish: 2 out of 5 new pods have been updated...',
    },
    {
      name: 'updated pods not yet available',
      yaml: daemonSet('RollingUpdate', '  observedGeneration: 4\n  desiredNumberScheduled: 5\n  updatedNumberScheduled: 5\n  numberAvailable: 3'),
      health: 'Progressing',
      message: 'Waiting for daemon set "agent" rollout to finish: 3 of 5 updated pods are available...',
    },
    {
      name: 'OnDelete with old pods still running',
      yaml: daemonSet('OnDelete', '  observedGeneration: 4\n  desiredNumberScheduled: 5\n  updatedNumberScheduled: 1\n  numberAvailable: 5'),
      health: 'Healthy',
      message: 'daemon set 1 out of 5 new pods have been updated',
    },
    {
      name: 'OnDelete but generation not observed',
      yaml: daemonSet('OnDelete', '  observedGeneration: 3\n  desiredNumberScheduled: 5', 4),
      health: 'Progressing',
      message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    },
  ])('$name', check);
});
