import { describe, expect, it } from 'vitest';
import type { ClusterDef } from '../model/fleet.js';
import { contextFor } from './clusters.js';

const cluster = (name: string, annotations: Record<string, string> = {}): ClusterDef => ({
  name,
  labels: {},
  annotations,
  spec: { syncMode: 'Push' },
  source: { file: 'clusters/c.yaml', line: 1, column: 1 },
});

describe('contextFor (who may choose cluster credentials)', () => {
  it('uses the context named like the cluster by default', () => {
    expect(contextFor(cluster('member1'), {})).toEqual({ context: 'member1' });
  });

  it('refuses a committed annotation that re-points a cluster at another context, unless the operator trusts it', () => {
    const c = cluster('member1', { 'flotilla.dev/context': 'prod-admin' });
    const refused = contextFor(c, {});
    expect('refused' in refused && refused.refused).toMatch(/does not trust.*--cluster-context member1=prod-admin.*--trust-context-annotation/);
    expect(contextFor(c, { trustContextAnnotation: true })).toEqual({ context: 'prod-admin' });
  });

  it('accepts an annotation naming the default context, and an operator binding wins over everything', () => {
    expect(contextFor(cluster('member1', { 'flotilla.dev/context': 'member1' }), {})).toEqual({ context: 'member1' });
    const bindings = new Map([['member1', 'eu-1']]);
    expect(contextFor(cluster('member1', { 'flotilla.dev/context': 'prod-admin' }), { contextBindings: bindings, trustContextAnnotation: true })).toEqual({ context: 'eu-1' });
  });
});
