/**
 * KWOK stage configuration for a member cluster. KWOK's own node and pod stages (copied from the KWOK module
 * at build time) make nodes Ready and pods Running/Ready; Flotilla adds fault stages so tests can make a
 * workload fail on purpose by labelling its pod template:
 *
 *   flotilla.dev/testbed-fault: crashloop  → Running, not Ready, containers waiting in CrashLoopBackOff
 *   flotilla.dev/testbed-fault: unready    → Running, containers started but never Ready
 *   flotilla.dev/testbed-fault: fail       → Failed (exit code 1), e.g. for Jobs
 *
 * KWOK's pod-ready stage is narrowed so it leaves such pods alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

export const FAULT_LABEL = 'flotilla.dev/testbed-fault';
const FAULT_KEY = `.metadata.labels.["${FAULT_LABEL}"]`;

interface Stage {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    selector?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] };
    [k: string]: unknown;
  };
}

export function kwokStageConfig(stageDir: string): string {
  const read = (file: string): Stage => {
    const docs = parseAllDocuments(readFileSync(join(stageDir, file), 'utf8'));
    return (Array.isArray(docs) ? docs[0] : undefined)?.toJS() as Stage;
  };
  const podReady = read('pod-ready.yaml');
  podReady.spec.selector ??= {};
  podReady.spec.selector.matchExpressions = [
    ...(podReady.spec.selector.matchExpressions ?? []),
    { key: FAULT_KEY, operator: 'DoesNotExist' },
  ];
  const stages: Stage[] = [
    read('node-initialize.yaml'),
    read('node-heartbeat-with-lease.yaml'),
    podReady,
    read('pod-complete.yaml'),
    read('pod-delete.yaml'),
    faultStage('crashloop', crashLoopStatus),
    faultStage('unready', unreadyStatus),
    faultStage('fail', failedStatus),
  ];
  return stages.map((s) => stringify(s, { lineWidth: 0 })).join('---\n');
}

function faultStage(fault: string, statusTemplate: string): Stage {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name: `flotilla-pod-${fault}` },
    spec: {
      resourceRef: { apiGroup: 'v1', kind: 'Pod' },
      selector: {
        matchExpressions: [
          { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
          { key: '.status.phase', operator: 'In', values: ['Pending'] },
          { key: '.spec.nodeName', operator: 'Exists' },
          { key: FAULT_KEY, operator: 'In', values: [fault] },
        ],
      },
      next: { statusTemplate },
    },
  };
}

const podIps = `
{{ $podIPs := PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
{{ with $podIPs }}
podIP: {{ index . 0 | Quote }}
{{ end }}
{{ with NodeIPsWith .spec.nodeName }}
hostIP: {{ index . 0 | Quote }}
{{ end }}`;

/**
 * The pod status a fault stage writes: conditions say the pod is not ready, and every container gets the
 * same state (waiting, running, terminated), so the same template serves each fault.
 */
function faultStatus(f: { readyReason: string; containersReady: boolean; container: string; phase: 'Running' | 'Failed'; ips: boolean }): string {
  const containersReady = f.containersReady
    ? `\n- {type: ContainersReady, status: "False", reason: ${f.readyReason}, lastTransitionTime: {{ $now | Quote }}}`
    : '';
  return `{{ $now := Now }}
conditions:
- {type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }}}
- {type: Ready, status: "False", reason: ${f.readyReason}, lastTransitionTime: {{ $now | Quote }}}${containersReady}
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  ready: false
${f.container}
{{ end }}
phase: ${f.phase}
startTime: {{ $now | Quote }}${f.ips ? podIps : ''}
`;
}

const crashLoopStatus = faultStatus({
  readyReason: 'ContainersNotReady',
  containersReady: true,
  container: `  started: false
  restartCount: 5
  lastState:
    terminated: {exitCode: 1, reason: Error, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }}}
  state:
    waiting: {reason: CrashLoopBackOff, message: "back-off 5m0s restarting failed container (testbed fault)"}`,
  phase: 'Running',
  ips: true,
});

const unreadyStatus = faultStatus({
  readyReason: 'ContainersNotReady',
  containersReady: true,
  container: `  started: true
  restartCount: 0
  state:
    running: {startedAt: {{ $now | Quote }}}`,
  phase: 'Running',
  ips: true,
});

const failedStatus = faultStatus({
  readyReason: 'PodFailed',
  containersReady: false,
  container: `  started: false
  restartCount: 0
  state:
    terminated: {exitCode: 1, reason: Error, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }}}`,
  phase: 'Failed',
  ips: false,
});
