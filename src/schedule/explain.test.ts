import { describe, expect, it } from 'vitest';
import { identityKey } from '../model/refs.js';
import { formatExplanation } from './explain.js';
import { scheduleFleet } from './schedule-fleet.js';
import { capacityFor, cluster, configMap, cpp, deployment, fleet, invalidPolicy, placed, pp, ppRef, record, selectByName, selectKind, status } from './testing.js';

// "Why is nothing running in eu-west?" — four eu-west clusters, each out for a different reason.
const web = deployment('web', { replicas: 4, cpu: '1' });
const scenario = fleet({
  clusters: [
    cluster('eu-west-1', { region: 'eu-west', labels: { env: 'prod' } }),
    cluster('eu-west-2', { region: 'eu-west', labels: { env: 'dev' } }),
    cluster('eu-west-3', { region: 'eu-west', labels: { env: 'prod' } }),
    cluster('us-east-1', { region: 'us-east', labels: { env: 'prod' } }),
  ],
  statuses: { 'eu-west-1': status({ ready: 'False' }), 'eu-west-3': capacityFor(2), 'us-east-1': capacityFor(50) },
  policies: [
    pp('web', 'default', {
      resourceSelectors: [selectByName('Deployment', 'web')],
      placement: {
        clusterAffinity: { labelSelector: { matchLabels: { env: 'prod' } } },
        spreadConstraints: [{ spreadByField: 'cluster', minGroups: 1, maxGroups: 1 }],
        replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' },
      },
    }),
    cpp('everything', { resourceSelectors: [selectKind('Deployment')] }),
  ],
  templates: [web],
});

describe('PlacementExplanation', () => {
  const result = scheduleFleet(scenario);
  const explanation = result.explanations.get(identityKey(web.ref))!;

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(explanation))).toEqual(explanation);
  });

  it('records the winning policy and why the other lost', () => {
    expect(explanation.policy.claim).toBe('Fresh');
    expect(explanation.policy.candidates.map((c) => [c.policy.name, c.won])).toEqual([
      ['web', true],
      ['everything', false],
    ]);
  });

  it('records every filtered cluster with its rule, and the ranking', () => {
    const term = explanation.terms[0]!;
    expect(term.outcome).toBe('Scheduled');
    expect(term.filtered.map((f) => [f.name, f.reasons.map((r) => r.rule)])).toEqual([
      ['eu-west-1', ['TaintToleration']],
      ['eu-west-2', ['ClusterAffinity']],
    ]);
    expect(term.ranking.map((r) => [r.name, r.score, r.availableReplicas])).toEqual([
      ['us-east-1', 0, 50],
      ['eu-west-3', 0, 2],
    ]);
    expect(term.selection?.selected).toEqual(['us-east-1']);
    expect(term.division?.result).toEqual(placed(['us-east-1', 4]));
  });

  it('answers "why is nothing running in eu-west?" in text', () => {
    const text = formatExplanation(explanation);
    expect(text).toContain('result: Success');
    expect(text).toContain('eu-west-1: TaintToleration: untolerated taint cluster.karmada.io/not-ready:NoSchedule (system taint: Ready=False in status/clusters/eu-west-1.yaml)');
    expect(text).toContain('eu-west-2: ClusterAffinity: cluster labels do not match clusterAffinity.labelSelector');
    expect(text).toMatch(/2\. eu-west-3 +score 0 +available 2 +\(limited by cpu\) +not selected/);
    expect(text).toContain('selection: ClusterSpread: top 1 candidates by rank (cluster minGroups 1, maxGroups 1)');
    expect(text).toContain('- ClusterPropagationPolicy/everything (policies/everything.yaml)');
  });

  it('explains a held template and a dependency', () => {
    const app = deployment('app', { podSpec: { containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'cfg' } }] }] } });
    const r = scheduleFleet(
      fleet({
        clusters: [cluster('a')],
        policies: [pp('app', 'default', { resourceSelectors: [selectByName('Deployment', 'app')], propagateDeps: true })],
        invalidPolicies: [invalidPolicy('PropagationPolicy', 'broken', 'default', [selectByName('Deployment', 'web')])],
        templates: [app, configMap('cfg'), web],
        placements: [record(web, ppRef('web'), placed(['a', 4]))],
      }),
    );
    const held = formatExplanation(r.explanations.get(identityKey(web.ref))!);
    expect(held).toContain('result: Unschedulable: invalid policy PropagationPolicy/default/broken (policies/broken.yaml) selects this resource');
    expect(held).toContain('! invalid PropagationPolicy/default/broken (policies/broken.yaml) selects it by name');
    const dep = formatExplanation(r.explanations.get(identityKey(configMap('cfg').ref))!);
    expect(dep).toContain('required by Deployment/default/app (propagateDeps) on a');
    expect(formatExplanation(r.explanations.get(identityKey(app.ref))!)).toContain('dependencies placed along (propagateDeps): ConfigMap/default/cfg');
  });

  it('can be skipped', () => {
    expect(scheduleFleet(scenario, { explain: false }).explanations.size).toBe(0);
  });
});
