import type { HealthStatus } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import type { ObjectRef } from '../model/refs.js';
import { assessHealth } from './assess.js';
import { isPlainObject } from '../util/json.js';

export interface AssessedObject {
  resource: ObjectRef;
  health: HealthStatus;
  message: string;
}

/** Exactly the JSON of `flotilla health -f` (docs/cli.md#flotilla-health): one entry per input object, in input order. */
export function assessObjects(objs: readonly KubeObject[], interpreter?: ResourceInterpreter): { objects: AssessedObject[] } {
  return { objects: objs.map((o) => ({ resource: refOf(o), ...assessHealth(o, interpreter) })) };
}

function refOf(o: KubeObject): ObjectRef {
  // Input comes from user files: tolerate a broken object here, assessHealth reports it as Unknown.
  const x: Partial<KubeObject> = isPlainObject(o) ? o : {};
  const meta = isPlainObject(x.metadata) ? x.metadata : undefined;
  return {
    apiVersion: typeof x.apiVersion === 'string' ? x.apiVersion : '',
    kind: typeof x.kind === 'string' ? x.kind : '',
    namespace: typeof meta?.namespace === 'string' ? meta.namespace : '',
    name: typeof meta?.name === 'string' ? meta.name : '',
  };
}
