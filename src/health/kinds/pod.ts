/**
 * v1 Pod, with gitops-engine's rules. Deliberate differences: a missing `spec.restartPolicy` means Always (the API
 * server's default, so a manifest read from a file is judged like the live object), and init containers stuck in an
 * error state count too (Argo CD only looks at app containers, so `Init:CrashLoopBackOff` shows as Progressing there).
 */
import type { KubeObject } from '../../model/kube.js';
import { conditions, findCondition, int, isTrue, list, str } from '../fields.js';
import { degraded, healthy, progressing, unknown, type HealthAssessment } from '../types.js';
import { type JsonObject, isPlainObject } from '../../util/json.js';

export function podHealth(obj: KubeObject): HealthAssessment {
  const restartPolicy = str(obj, 'spec.restartPolicy') ?? 'Always';
  const podMessage = str(obj, 'status.message') ?? '';
  const initStatuses = containerStatuses(obj, 'status.initContainerStatuses');
  const appStatuses = containerStatuses(obj, 'status.containerStatuses');

  // Only for long-running pods: a hook or batch pod waiting on an image may still recover and run to completion,
  // and calling it Degraded early would end a sync before the pod had its chance.
  if (restartPolicy === 'Always') {
    const errors = [...initStatuses, ...appStatuses].filter((c) => isErrorWaitingReason(str(c, 'state.waiting.reason') ?? ''));
    if (errors.length > 0) return degraded(errors.map((c) => str(c, 'state.waiting.message') || str(c, 'state.waiting.reason') || '').join(', '));
  }

  switch (str(obj, 'status.phase')) {
    case 'Pending':
      return progressing(podMessage);
    case 'Succeeded':
      return healthy(podMessage);
    case 'Failed': {
      if (podMessage) return degraded(podMessage);
      for (const c of [...initStatuses, ...appStatuses]) {
        const why = failureOf(c);
        if (why) return degraded(why);
      }
      return degraded('');
    }
    case 'Running': {
      // Pods that run to completion are not "healthy" while still running: they have not delivered their result.
      if (restartPolicy !== 'Always') return progressing(podMessage);
      if (isTrue(findCondition(conditions(obj), 'Ready'))) return healthy(podMessage);
      // Not ready after a container has already died once: it is restarting, not starting.
      const restarted = appStatuses.find((c) => isPlainObject(c.lastState) && isPlainObject(c.lastState.terminated));
      if (restarted) return degraded(podMessage || `container "${str(restarted, 'name') ?? ''}" is restarting`);
      return progressing(podMessage);
    }
    default:
      return unknown(podMessage);
  }
}

/** ErrImagePull, CreateContainerConfigError, CrashLoopBackOff, ImagePullBackOff and their relatives. */
function isErrorWaitingReason(reason: string): boolean {
  return reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff');
}

function failureOf(c: JsonObject): string {
  const message = str(c, 'state.terminated.message');
  if (message) return message;
  const reason = str(c, 'state.terminated.reason');
  if (reason === 'OOMKilled') return reason;
  const exitCode = int(c, 'state.terminated.exitCode');
  if (exitCode !== undefined && exitCode !== 0) return `container "${str(c, 'name') ?? ''}" failed with exit code ${exitCode}`;
  return '';
}

function containerStatuses(obj: KubeObject, path: string): JsonObject[] {
  return list(obj, path).filter(isPlainObject);
}
