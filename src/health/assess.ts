import type { KubeObject } from '../model/kube.js';
import { HealthInputError } from './fields.js';
import { healthCheckFor } from './registry.js';
import { progressing, unknown, type HealthAssessment } from './types.js';
import { isPlainObject } from '../util/json.js';

/**
 * The health of one live object. `null`/`undefined` stands for an object that should exist but does not: Missing.
 * Never throws: an object whose fields cannot be read is `Unknown`, with the reason as the message.
 */
export function assessHealth(obj: KubeObject | null | undefined): HealthAssessment {
  if (obj === null || obj === undefined) return { health: 'Missing', message: 'Resource does not exist' };
  if (!isPlainObject(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || !isPlainObject(obj.metadata)) {
    return unknown('Not a Kubernetes object: apiVersion, kind and metadata are required');
  }
  try {
    // Whatever the kind, an object being deleted is on its way out; its other fields no longer mean much.
    if (obj.metadata.deletionTimestamp) return progressing('Pending deletion');
    return healthCheckFor(obj.apiVersion, obj.kind)(obj);
  } catch (err) {
    if (err instanceof HealthInputError) return unknown(`${obj.kind} ${String(obj.metadata.name ?? '')}: ${err.message}`);
    throw err;
  }
}
