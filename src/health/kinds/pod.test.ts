import { describe, it } from 'vitest';
import { checkHealth, type HealthCase } from '../testing.js';

const pod = (restartPolicy: string | null, status: string, annotations = '') => `
apiVersion: v1
kind: Pod
metadata: {name: web-5c9b7-abcde, namespace: shop${annotations}}
spec:
  ${restartPolicy === null ? '' : `restartPolicy: ${restartPolicy}`}
  containers: [{name: web, image: nginx:1.27}]
status:
${status}
`;

const running = (ready: boolean, extra = '') => `  phase: Running
  conditions:
  - {type: Initialized, status: "True"}
  - {type: Ready, status: "${ready ? 'True' : 'False'}"}
  - {type: ContainersReady, status: "${ready ? 'True' : 'False'}"}
  containerStatuses:
  - name: web
    ready: ${ready}
    restartCount: 0
    state: {running: {startedAt: "2025-03-01T10:00:00Z"}}
${extra}`;

describe('Pod', () => {
  it.each<HealthCase>([
    { name: 'running and ready', yaml: pod('Always', running(true)), health: 'Healthy' },
    { name: 'running, not ready yet', yaml: pod('Always', running(false)), health: 'Progressing' },
    { name: 'restartPolicy absent means Always', yaml: pod(null, running(true)), health: 'Healthy' },
    {
      name: 'running, not ready, after a container died',
      yaml: pod(
        'Always',
        `  phase: Running
  conditions: [{type: Ready, status: "False"}]
  containerStatuses:
  - name: web
    ready: false
    restartCount: 1
    state: {running: {startedAt: "2025-03-01T10:05:00Z"}}
    lastState: {terminated: {exitCode: 137, reason: OOMKilled}}`,
      ),
      health: 'Degraded',
      message: 'container "web" is restarting',
    },
    {
      name: 'CrashLoopBackOff',
      yaml: pod(
        'Always',
        `  phase: Running
  containerStatuses:
  - name: web
    ready: false
    restartCount: 5
    state: {waiting: {reason: CrashLoopBackOff, message: back-off 2m40s restarting failed container=web pod=web-5c9b7-abcde_shop}}`,
      ),
      health: 'Degraded',
      message: 'back-off 2m40s restarting failed container=web pod=web-5c9b7-abcde_shop',
    },
    {
      name: 'ImagePullBackOff while Pending',
      yaml: pod('Always', '  phase: Pending\n  containerStatuses:\n  - {name: web, ready: false, state: {waiting: {reason: ImagePullBackOff, message: Back-off pulling image "nginx:1.27x"}}}'),
      health: 'Degraded',
      message: 'Back-off pulling image "nginx:1.27x"',
    },
    {
      name: 'ErrImagePull without a message falls back to the reason',
      yaml: pod('Always', '  phase: Pending\n  containerStatuses:\n  - {name: web, ready: false, state: {waiting: {reason: ErrImagePull}}}'),
      health: 'Degraded',
      message: 'ErrImagePull',
    },
    {
      name: 'CreateContainerConfigError',
      yaml: pod('Always', '  phase: Pending\n  containerStatuses:\n  - {name: web, ready: false, state: {waiting: {reason: CreateContainerConfigError, message: secret "db" not found}}}'),
      health: 'Degraded',
      message: 'secret "db" not found',
    },
    {
      name: 'init container in CrashLoopBackOff',
      yaml: pod('Always', '  phase: Pending\n  initContainerStatuses:\n  - {name: init, ready: false, state: {waiting: {reason: CrashLoopBackOff, message: back-off 10s}}}'),
      health: 'Degraded',
      message: 'back-off 10s',
    },
    {
      name: 'ContainerCreating is just progress',
      yaml: pod('Always', '  phase: Pending\n  containerStatuses:\n  - {name: web, ready: false, state: {waiting: {reason: ContainerCreating}}}'),
      health: 'Progressing',
    },
    {
      name: 'Pending with a scheduler message',
      yaml: pod('Always', '  phase: Pending\n  message: "0/3 nodes are available"'),
      health: 'Progressing',
      message: '0/3 nodes are available',
    },
    {
      name: 'image error on a Never pod is not judged early (hook pods may still recover)',
      yaml: pod('Never', '  phase: Pending\n  containerStatuses:\n  - {name: web, ready: false, state: {waiting: {reason: ImagePullBackOff}}}'),
      health: 'Progressing',
    },
    { name: 'restartPolicy Never while running', yaml: pod('Never', running(true)), health: 'Progressing' },
    { name: 'restartPolicy OnFailure while running', yaml: pod('OnFailure', running(true)), health: 'Progressing' },
    { name: 'Succeeded (also with restartPolicy Always, as Argo CD)', yaml: pod('Always', '  phase: Succeeded'), health: 'Healthy' },
    {
      name: 'Failed with a pod message',
      yaml: pod('Never', '  phase: Failed\n  reason: Evicted\n  message: "The node was low on resource: memory."'),
      health: 'Degraded',
      message: 'The node was low on resource: memory.',
    },
    {
      name: 'Failed: exit code of the container',
      yaml: pod('Never', '  phase: Failed\n  containerStatuses:\n  - {name: web, ready: false, state: {terminated: {exitCode: 2, reason: Error}}}'),
      health: 'Degraded',
      message: 'container "web" failed with exit code 2',
    },
    {
      name: 'Failed: OOMKilled',
      yaml: pod('Never', '  phase: Failed\n  containerStatuses:\n  - {name: web, ready: false, state: {terminated: {exitCode: 137, reason: OOMKilled}}}'),
      health: 'Degraded',
      message: 'OOMKilled',
    },
    {
      name: 'Failed: termination message wins',
      yaml: pod('Never', '  phase: Failed\n  containerStatuses:\n  - {name: web, ready: false, state: {terminated: {exitCode: 1, reason: Error, message: "migration 42 failed"}}}'),
      health: 'Degraded',
      message: 'migration 42 failed',
    },
    { name: 'phase Unknown (node lost)', yaml: pod('Always', '  phase: Unknown'), health: 'Unknown' },
    {
      name: 'being deleted',
      yaml: pod('Always', running(true), ', deletionTimestamp: "2025-03-01T10:10:00Z"'),
      health: 'Progressing',
      message: 'Pending deletion',
    },
  ])('$name', checkHealth);
});
