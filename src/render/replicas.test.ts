import { describe, expect, it } from 'vitest';
import { LABEL_RETAIN_REPLICAS } from '../model/constants.js';
import type { KubeObject } from '../model/kube.js';
import { allocateWebsterSeats } from '../util/webster.js';
import { dropRetainedReplicasInPlace, planReplicaRevisions, reviseReplicasInPlace } from './replicas.js';
import { configMap, decisionFor, deployment, job, templateOf } from './testing.js';

function revisions(obj: KubeObject, clusters: [string, number][]): Record<string, unknown> {
  return Object.fromEntries(planReplicaRevisions(obj, decisionFor(templateOf(obj), clusters)));
}

describe('planReplicaRevisions', () => {
  it.each<[string, KubeObject, [string, number][], Record<string, unknown>]>([
    ['Divided Deployment: each cluster its share', deployment('w', { replicas: 5 }), [['a', 3], ['b', 2]], { a: { replicas: 3 }, b: { replicas: 2 } }],
    ['Duplicated Deployment: untouched', deployment('w', { replicas: 3 }), [['a', 3], ['b', 3]], {}],
    ['absent replicas count as 1', deployment('w'), [['a', 1], ['b', 1]], {}],
    ['absent replicas, divided share 2', deployment('w'), [['a', 2]], { a: { replicas: 2 } }],
    ['zero-replica decisions render with 0', deployment('w', { replicas: 0 }), [['a', 0], ['b', 0]], {}],
    ['Aggregated: the cluster with all replicas is untouched, the other gets 0', deployment('w', { replicas: 4 }), [['a', 4], ['b', 0]], { b: { replicas: 0 } }],
    ['StatefulSet', { ...deployment('s', { replicas: 4 }), kind: 'StatefulSet' }, [['a', 1], ['b', 3]], { a: { replicas: 1 }, b: { replicas: 3 } }],
    ['ReplicaSet', { ...deployment('r', { replicas: 2 }), kind: 'ReplicaSet' }, [['a', 1], ['b', 1]], { a: { replicas: 1 }, b: { replicas: 1 } }],
    ['a Deployment of another group is not a workload', { ...deployment('x', { replicas: 2 }), apiVersion: 'example.com/v1' }, [['a', 1]], {}],
    ['non-workloads are never revised', configMap('c', {}), [['a', 0], ['b', 0]], {}],
    ['a malformed count is left alone', { ...deployment('w'), spec: { replicas: '3' } }, [['a', 1]], {}],
    ['a count beyond int32 is left alone', { ...deployment('w'), spec: { replicas: 1e308 } }, [['a', 1]], {}],
  ])('%s', (_name, obj, clusters, expected) => {
    expect(revisions(obj, clusters)).toEqual(expected);
  });

  it('divided Job: parallelism is the share, completions split by Webster over the shares', () => {
    const j = job('batch', { parallelism: 6, completions: 10 });
    const clusters: [string, number][] = [['a', 3], ['b', 2], ['c', 1]];
    const seats = allocateWebsterSeats(clusters.map(([name, weight]) => ({ name, weight })), 10);
    expect(revisions(j, clusters)).toEqual({
      a: { parallelism: 3, completions: seats.get('a') },
      b: { parallelism: 2, completions: seats.get('b') },
      c: { parallelism: 1, completions: seats.get('c') },
    });
    const total = [...seats.values()].reduce((x, y) => x + y, 0);
    expect(total).toBe(10);
  });

  it('divides the int32 maximum of completions over 500 clusters exactly', () => {
    const clusters = Array.from({ length: 500 }, (_, i): [string, number] => [`member${i}`, 1 + ((i * 7919) % 997)]);
    const j = job('j', { parallelism: 2147483647, completions: 2147483647 });
    const plan = planReplicaRevisions(j, decisionFor(templateOf(j), clusters));
    const completions = [...plan.values()].reduce((sum, r) => sum + (r.completions ?? 0), 0);
    expect(completions).toBe(2147483647);
  });

  it('leaves a Job whose completions exceed int32 as written', () => {
    expect(revisions(job('j', { parallelism: 2, completions: 1e308 }), [['a', 1], ['b', 1]])).toEqual({});
  });

  it.each<[string, Record<string, unknown>, [string, number][], Record<string, unknown>]>([
    ['Job replicas are min(parallelism, completions): duplicated 3 of (5, 3) is untouched', { parallelism: 5, completions: 3 }, [['a', 3], ['b', 3]], {}],
    ['duplicated Job without parallelism (1)', { completions: 4 }, [['a', 1], ['b', 1]], {}],
    ['work-queue Job (no completions): only parallelism', { parallelism: 4 }, [['a', 3], ['b', 1]], { a: { parallelism: 3 }, b: { parallelism: 1 } }],
    ['completions split evenly', { parallelism: 3, completions: 2 }, [['a', 1], ['b', 1]], { a: { parallelism: 1, completions: 1 }, b: { parallelism: 1, completions: 1 } }],
    ['fewer completions than clusters: one gets 0', { parallelism: 3, completions: 2 }, [['a', 1], ['b', 1], ['c', 1]], { a: { parallelism: 1, completions: 1 }, b: { parallelism: 1, completions: 1 }, c: { parallelism: 1, completions: 0 } }],
  ])('%s', (_name, spec, clusters, expected) => {
    expect(revisions(job('j', spec), clusters)).toEqual(expected);
  });
});

describe('reviseReplicasInPlace / dropRetainedReplicasInPlace', () => {
  it('writes the fields it is given', () => {
    const j = job('j', { parallelism: 4, completions: 8 });
    reviseReplicasInPlace(j, { parallelism: 1, completions: 2 });
    expect(j.spec).toMatchObject({ parallelism: 1, completions: 2 });
    const d = deployment('w');
    reviseReplicasInPlace(d, { replicas: 0 });
    expect(d.spec).toMatchObject({ replicas: 0 });
  });

  it.each([
    ['"true" drops spec.replicas', 'true', false],
    ['"false" keeps it', 'false', true],
  ])('retain-replicas %s', (_name, value, kept) => {
    const d = deployment('w', { replicas: 3, labels: { [LABEL_RETAIN_REPLICAS]: value } });
    dropRetainedReplicasInPlace(d);
    expect('replicas' in (d.spec as object)).toBe(kept);
  });
});
