/**
 * Live objects come from clusters and from `flotilla health -f FILE`: any shape at all. Whatever they hold,
 * assessment and aggregation end in a result (with a string message) and never throw.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { HealthStatus } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import { aggregateStatus, assessHealth, assessObjects, HEALTH_ORDER, kindsWithOwnRules, type MemberStatus } from './index.js';
import { fromYaml } from './testing.js';

/** apiVersion and kind of every kind with its own rule, plus a custom resource and a ConfigMap for the generic one. */
const KINDS: { apiVersion: string; kind: string }[] = [
  ...kindsWithOwnRules().map((key) => {
    const [group, kind] = key.split('/') as [string, string];
    return { apiVersion: group === '' ? 'v1' : `${group}/v1`, kind };
  }),
  { apiVersion: 'example.com/v1', kind: 'Widget' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
];

/** Well-formed objects to mutate, so that mutations reach the rules past the first type check. */
const SEEDS: KubeObject[] = [
  fromYaml(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, generation: 2}
spec: {replicas: 3, paused: false}
status:
  observedGeneration: 2
  replicas: 3
  updatedReplicas: 3
  availableReplicas: 2
  conditions: [{type: Progressing, status: "True", reason: NewReplicaSetAvailable, message: ok}]`),
  fromYaml(`apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec: {suspend: false}
status: {active: 1, conditions: [{type: Failed, status: "True", reason: BackoffLimitExceeded, message: too many}]}`),
  fromYaml(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {restartPolicy: Always}
status:
  phase: Running
  message: ''
  conditions: [{type: Ready, status: "True"}]
  containerStatuses: [{name: c, ready: true, state: {waiting: {reason: CrashLoopBackOff, message: boom}}}]`),
  fromYaml(`apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: h
  annotations: {autoscaling.alpha.kubernetes.io/conditions: '[{"type":"AbleToScale","status":"True","message":"fine"}]'}`),
  fromYaml(`apiVersion: example.com/v1
kind: Widget
metadata: {name: w, generation: 3}
status: {observedGeneration: 3, conditions: [{type: Ready, status: "False", reason: Waiting, message: soon, observedGeneration: 3}]}`),
  fromYaml(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
status: {conditions: [{type: Established, status: "True"}, {type: NamesAccepted, status: "False", message: clash}]}`),
];

const condition = fc.record(
  {
    type: fc.constantFrom('Ready', 'Available', 'Progressing', 'Failed', 'Complete', 'Stalled', 'Reconciling', 'ReplicaFailure', 'Terminating', 'AbleToScale'),
    status: fc.constantFrom<unknown>('True', 'False', 'Unknown', 1, null),
    reason: fc.oneof(fc.constantFrom('ProgressDeadlineExceeded', 'FailedGetScale'), fc.jsonValue({ maxDepth: 1 })),
    message: fc.jsonValue({ maxDepth: 1 }),
    observedGeneration: fc.jsonValue({ maxDepth: 0 }),
  },
  { requiredKeys: ['type'] },
);

/** Values of every JSON type, and the odd ones YAML or a hand-written file can produce. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(null, undefined, 'True', 'False', '', -1, 0, 1.5, 2 ** 53, Infinity, Number.NaN, [], {}, [{}], [{ type: 'Ready' }]),
  condition,
  fc.record({ conditions: fc.array(condition, { maxLength: 3 }) }),
);

const FIELDS = ['metadata', 'spec', 'status', 'conditions', 'replicas', 'message', 'reason', 'name', 'generation', 'observedGeneration', 'annotations', 'containerStatuses', 'phase', 'state', 'waiting', 'type', '0'];

/** Sets one path of a deep copy, creating objects on the way. */
function mutate(obj: unknown, path: readonly string[], value: unknown): unknown {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let cur: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (next === null || typeof next !== 'object') cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path.at(-1)!] = value;
  return copy;
}

const mutation = fc.record({ path: fc.array(fc.constantFrom(...FIELDS), { minLength: 1, maxLength: 4 }), value: anyValue });

const mutatedSeed = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([seed, changes]) => changes.reduce<unknown>((o, c) => mutate(o, c.path, c.value), seed) as KubeObject);

const randomObject = fc
  .tuple(fc.constantFrom(...KINDS), fc.dictionary(fc.constantFrom(...FIELDS), anyValue, { maxKeys: 5 }), fc.option(anyValue))
  .map(([k, rest, status]) => ({ ...rest, apiVersion: k.apiVersion, kind: k.kind, metadata: { name: 'x', ...(typeof rest.metadata === 'object' ? rest.metadata : {}) }, status }) as unknown as KubeObject);

/** Every kind with random conditions: the fields that end up in messages. */
const withConditions = fc
  .tuple(fc.constantFrom(...KINDS), fc.array(condition, { minLength: 1, maxLength: 3 }))
  .map(([k, conditions]) => ({ apiVersion: k.apiVersion, kind: k.kind, metadata: { name: 'x' }, status: { conditions } }) as unknown as KubeObject);

const anything = fc.oneof(mutatedSeed, randomObject, withConditions, anyValue.map((v) => v as KubeObject));

function expectAssessment(r: { health: HealthStatus; message: unknown }): void {
  expect(HEALTH_ORDER).toContain(r.health);
  expect(typeof r.message).toBe('string');
}

describe('health fuzzing', () => {
  it('assessHealth returns a health and a string message for any input', () => {
    fc.assert(
      fc.property(anything, (obj) => {
        expectAssessment(assessHealth(obj));
      }),
      { numRuns: 3000 },
    );
  });

  it('assessObjects (the JSON of `health -f`) has string fields for any input', () => {
    fc.assert(
      fc.property(fc.array(anything, { maxLength: 5 }), (objs) => {
        const { objects } = assessObjects(objs);
        expect(objects).toHaveLength(objs.length);
        for (const o of objects) {
          expectAssessment(o);
          for (const field of ['apiVersion', 'kind', 'namespace', 'name'] as const) expect(typeof o.resource[field]).toBe('string');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('aggregateStatus returns a health for any member statuses', () => {
    const member = fc.record({
      cluster: fc.constantFrom('a', 'b', 'c'),
      applied: fc.boolean(),
      health: fc.constantFrom(...HEALTH_ORDER),
      status: fc.option(fc.oneof(anyValue, mutatedSeed.map((o) => o.status)), { nil: undefined }),
      object: fc.option(anything, { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS, ...KINDS.map((k) => ({ ...k, metadata: { name: 'x' } }) as KubeObject)), fc.array(member, { maxLength: 4 }), (template, members) => {
        const result = aggregateStatus(template, members as MemberStatus[]);
        expect(HEALTH_ORDER).toContain(result.health);
        if ('message' in result) expect(typeof result.message).toBe('string');
      }),
      { numRuns: 1500 },
    );
  });
});

describe('condition fields that are not strings', () => {
  it.each([
    ['a Job whose Complete condition has a numeric message', 'batch/v1', 'Job', { conditions: [{ type: 'Complete', status: 'True', message: 42 }] }],
    ['a custom resource whose Ready message is an object', 'example.com/v1', 'Widget', { conditions: [{ type: 'Ready', status: 'True', message: { text: 'hi' } }] }],
    ['a ReplicaSet whose failure reason is a list', 'apps/v1', 'ReplicaSet', { conditions: [{ type: 'ReplicaFailure', status: 'True', reason: ['x'] }] }],
    ['a CRD whose Terminating message is a boolean', 'apiextensions.k8s.io/v1', 'CustomResourceDefinition', { conditions: [{ type: 'Terminating', status: 'True', message: true }] }],
  ])('%s is Unknown, with a string message naming the field', (_name, apiVersion, kind, status) => {
    const r = assessHealth({ apiVersion, kind, metadata: { name: 'x' }, status } as unknown as KubeObject);
    expect(r.health).toBe('Unknown');
    expect(r.message).toMatch(/^\w+ x: status\.conditions\[0\]\.(message|reason): expected a string, got /);
  });

  it('an autoscaling/v1 HPA whose annotation condition has a numeric message is Unknown', () => {
    const hpa = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h', annotations: { 'autoscaling.alpha.kubernetes.io/conditions': '[{"type":"AbleToScale","status":"True","message":7}]' } },
    } as unknown as KubeObject;
    expect(assessHealth(hpa)).toEqual({
      health: 'Unknown',
      message: 'HorizontalPodAutoscaler h: metadata.annotations["autoscaling.alpha.kubernetes.io/conditions"][0].message: expected a string, got 7',
    });
  });
});
