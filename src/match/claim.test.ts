import { describe, expect, it } from 'vitest';
import type { InvalidPolicyDoc, PlacementRecord, PropagationPolicyDoc, ResourceTemplate } from '../model/fleet.js';
import type { PolicyRef } from '../model/refs.js';
import { claimPolicy, indexPolicies } from './claim.js';
import {
  configMap,
  cpp,
  cppRef,
  deployment,
  invalidPolicy,
  placed,
  pp,
  ppRef,
  record,
  selectByName,
  selectKind,
  template,
} from '../schedule/testing.js';

const web = deployment('web', { labels: { app: 'web' } });
const byLabel = { apiVersion: 'apps/v1', kind: 'Deployment', labelSelector: { matchLabels: { app: 'web' } } };

interface Case {
  name: string;
  policies: PropagationPolicyDoc[];
  template?: ResourceTemplate;
  previous?: PolicyRef | null;
  invalid?: InvalidPolicyDoc[];
  want: PolicyRef | null;
  claim: string;
}

function run(c: Case) {
  const t = c.template ?? web;
  const prev: PlacementRecord | undefined = c.previous === undefined ? undefined : record(t, c.previous, placed(['m1', 1]));
  return claimPolicy(t, indexPolicies(c.policies), prev, c.invalid ?? []);
}

describe('claimPolicy: fresh match precedence', () => {
  it.each<Case>([
    {
      name: 'a PropagationPolicy beats a ClusterPropagationPolicy of higher priority',
      policies: [cpp('all', { priority: 100, resourceSelectors: [selectByName('Deployment', 'web')] }), pp('ns-wide', 'default', { resourceSelectors: [selectKind('Deployment')] })],
      want: ppRef('ns-wide'),
      claim: 'Fresh',
    },
    {
      name: 'higher explicit priority wins',
      policies: [pp('a', 'default', { priority: 1, resourceSelectors: [selectByName('Deployment', 'web')] }), pp('b', 'default', { priority: 2, resourceSelectors: [selectKind('Deployment')] })],
      want: ppRef('b'),
      claim: 'Fresh',
    },
    {
      name: 'equal priority: name match beats label selector',
      policies: [pp('a', 'default', { resourceSelectors: [byLabel] }), pp('b', 'default', { resourceSelectors: [selectByName('Deployment', 'web')] })],
      want: ppRef('b'),
      claim: 'Fresh',
    },
    {
      name: 'equal priority: label selector beats kind only',
      policies: [pp('a', 'default', { resourceSelectors: [selectKind('Deployment')] }), pp('b', 'default', { resourceSelectors: [byLabel] })],
      want: ppRef('b'),
      claim: 'Fresh',
    },
    {
      name: 'equal priority and match: smaller name wins ("bar" beats "foo")',
      policies: [pp('foo', 'default', { resourceSelectors: [selectKind('Deployment')] }), pp('bar', 'default', { resourceSelectors: [selectKind('Deployment')] })],
      want: ppRef('bar'),
      claim: 'Fresh',
    },
    {
      name: 'CPPs are considered when no PP matches',
      policies: [pp('other', 'default', { resourceSelectors: [selectKind('StatefulSet', 'apps/v1')] }), cpp('z', { resourceSelectors: [selectKind('Deployment')] }), cpp('y', { resourceSelectors: [selectKind('Deployment')] })],
      want: cppRef('y'),
      claim: 'Fresh',
    },
    {
      name: 'a PP in another namespace never matches',
      policies: [pp('elsewhere', 'other', { resourceSelectors: [{ ...selectKind('Deployment'), namespace: 'default' }] })],
      want: null,
      claim: 'Unmatched',
    },
    {
      name: 'a cluster-scoped template is only claimed by CPPs',
      template: template({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }, false),
      policies: [pp('ns', 'default', { resourceSelectors: [{ apiVersion: 'v1', kind: 'Namespace', namespace: '' }] }), cpp('ns', { resourceSelectors: [{ apiVersion: 'v1', kind: 'Namespace' }] })],
      want: cppRef('ns'),
      claim: 'Fresh',
    },
    {
      name: 'apiVersion must match exactly',
      policies: [pp('old', 'default', { resourceSelectors: [selectKind('Deployment', 'extensions/v1beta1')] })],
      want: null,
      claim: 'Unmatched',
    },
    {
      name: 'templates in reserved namespaces are never claimed',
      template: deployment('dns', { namespace: 'kube-system' }),
      policies: [cpp('all', { resourceSelectors: [selectKind('Deployment')] })],
      want: null,
      claim: 'Ignored',
    },
  ])('$name', (c) => {
    const r = run(c);
    expect(r.explanation.winner).toEqual(c.want);
    expect(r.claim).toBe(c.claim);
    expect(r.policy === null).toBe(c.want === null);
  });

  it('explains why each other candidate lost', () => {
    const r = run({
      name: '',
      policies: [
        pp('foo', 'default', { resourceSelectors: [selectKind('Deployment')] }),
        pp('bar', 'default', { resourceSelectors: [selectKind('Deployment')] }),
        pp('low', 'default', { priority: -1, resourceSelectors: [selectByName('Deployment', 'web')] }),
        cpp('all', { resourceSelectors: [selectKind('Deployment')] }),
      ],
      want: null,
      claim: '',
    });
    expect(r.explanation.candidates.map((c) => [c.policy.name, c.won, c.reason])).toEqual([
      ['bar', true, 'highest precedence among matching policies'],
      ['foo', false, 'same priority and match; name "foo" sorts after "bar"'],
      ['low', false, 'lower priority (-1 < 0)'],
      ['all', false, 'a PropagationPolicy in the template namespace matches, so ClusterPropagationPolicies are not considered'],
    ]);
  });
});

describe('claimPolicy: stickiness and preemption', () => {
  const named = (priority: number, preemption?: 'Always' | 'Never') => ({
    priority,
    ...(preemption ? { preemption } : {}),
    resourceSelectors: [selectByName('Deployment', 'web')],
  });
  it.each<Case>([
    {
      name: 'the previous policy keeps the template against a higher-priority newcomer',
      policies: [pp('old', 'default', named(0)), pp('new', 'default', named(10))],
      previous: ppRef('old'),
      want: ppRef('old'),
      claim: 'Sticky',
    },
    {
      name: 'a CPP claim sticks even when a PP now matches',
      policies: [cpp('old', named(0)), pp('new', 'default', named(0))],
      previous: cppRef('old'),
      want: cppRef('old'),
      claim: 'Sticky',
    },
    {
      name: 'a previous policy that no longer matches is re-matched',
      policies: [pp('old', 'default', { resourceSelectors: [selectByName('Deployment', 'api')] }), pp('new', 'default', named(0))],
      previous: ppRef('old'),
      want: ppRef('new'),
      claim: 'Fresh',
    },
    {
      name: 'a deleted previous policy is re-matched',
      policies: [pp('new', 'default', named(0))],
      previous: ppRef('gone'),
      want: ppRef('new'),
      claim: 'Fresh',
    },
    {
      name: 'PP with Always preempts a lower-priority PP',
      policies: [pp('old', 'default', named(1)), pp('new', 'default', named(2, 'Always'))],
      previous: ppRef('old'),
      want: ppRef('new'),
      claim: 'Preempted',
    },
    {
      name: 'PP with Always does not preempt an equal-priority PP',
      policies: [pp('old', 'default', named(2)), pp('new', 'default', named(2, 'Always'))],
      previous: ppRef('old'),
      want: ppRef('old'),
      claim: 'Sticky',
    },
    {
      name: 'PP with Always preempts any CPP, whatever the priorities',
      policies: [cpp('old', named(100)), pp('new', 'default', named(-5, 'Always'))],
      previous: cppRef('old'),
      want: ppRef('new'),
      claim: 'Preempted',
    },
    {
      name: 'CPP with Always never preempts a PP',
      policies: [pp('old', 'default', named(0)), cpp('new', named(100, 'Always'))],
      previous: ppRef('old'),
      want: ppRef('old'),
      claim: 'Sticky',
    },
    {
      name: 'CPP with Always preempts a lower-priority CPP',
      policies: [cpp('old', named(1)), cpp('new', named(3, 'Always'))],
      previous: cppRef('old'),
      want: cppRef('new'),
      claim: 'Preempted',
    },
    {
      name: 'CPP with Always does not preempt a higher-priority CPP',
      policies: [cpp('old', named(5)), cpp('new', named(3, 'Always'))],
      previous: cppRef('old'),
      want: cppRef('old'),
      claim: 'Sticky',
    },
    {
      name: 'preemption needs a selector naming the template',
      policies: [pp('old', 'default', named(0)), pp('new', 'default', { priority: 9, preemption: 'Always', resourceSelectors: [selectKind('Deployment')] })],
      previous: ppRef('old'),
      want: ppRef('old'),
      claim: 'Sticky',
    },
    {
      name: 'among several preemptors the PP with the highest priority wins',
      policies: [cpp('old', named(0)), cpp('c', named(50, 'Always')), pp('p1', 'default', named(1, 'Always')), pp('p2', 'default', named(2, 'Always'))],
      previous: cppRef('old'),
      want: ppRef('p2'),
      claim: 'Preempted',
    },
  ])('$name', (c) => {
    const r = run(c);
    expect(r.explanation.winner).toEqual(c.want);
    expect(r.claim).toBe(c.claim);
  });

  it('says why a preemptive policy could not take over', () => {
    const r = run({ name: '', policies: [pp('old', 'default', named(2)), pp('new', 'default', named(2, 'Always'))], previous: ppRef('old'), want: null, claim: '' });
    expect(r.explanation.candidates[1]?.reason).toBe('the template stays with PropagationPolicy/default/old; preemption: Always needs a priority above 2, has 2');
  });
});

describe('claimPolicy: invalid policies', () => {
  const valid = pp('web', 'default', { resourceSelectors: [selectKind('Deployment')] });
  it.each<Case & { held: boolean }>([
    {
      name: 'an invalid policy naming the template holds its previous placement',
      policies: [valid],
      invalid: [invalidPolicy('PropagationPolicy', 'broken', 'default', [selectByName('Deployment', 'web')])],
      previous: ppRef('web'),
      want: ppRef('web'),
      claim: 'HeldForInvalidPolicy',
      held: true,
    },
    {
      name: 'an invalid CPP selecting by label holds too',
      policies: [valid],
      invalid: [invalidPolicy('ClusterPropagationPolicy', 'broken', '', [byLabel])],
      previous: ppRef('web'),
      want: ppRef('web'),
      claim: 'HeldForInvalidPolicy',
      held: true,
    },
    {
      name: 'the previous claimant being invalid holds even without readable selectors',
      policies: [valid],
      invalid: [invalidPolicy('PropagationPolicy', 'mine', 'default', [])],
      previous: ppRef('mine'),
      want: ppRef('mine'),
      claim: 'HeldForInvalidPolicy',
      held: true,
    },
    {
      name: 'a kind-wide invalid policy does not hold',
      policies: [valid],
      invalid: [invalidPolicy('PropagationPolicy', 'broken', 'default', [selectKind('Deployment')])],
      previous: ppRef('web'),
      want: ppRef('web'),
      claim: 'Sticky',
      held: false,
    },
    {
      name: 'without a previous placement there is nothing to hold',
      policies: [valid],
      invalid: [invalidPolicy('PropagationPolicy', 'broken', 'default', [selectByName('Deployment', 'web')])],
      want: ppRef('web'),
      claim: 'Fresh',
      held: false,
    },
    {
      name: 'an invalid PP of another namespace is irrelevant',
      policies: [valid],
      invalid: [invalidPolicy('PropagationPolicy', 'broken', 'other', [{ ...selectByName('Deployment', 'web'), namespace: 'default' }])],
      previous: ppRef('web'),
      want: ppRef('web'),
      claim: 'Sticky',
      held: false,
    },
  ])('$name', (c) => {
    const r = run(c);
    expect(r.claim).toBe(c.claim);
    expect(r.explanation.winner).toEqual(c.want);
    expect(r.heldBy !== null).toBe(c.held);
    if (c.held) expect(r.explanation.summary).toContain('policies/');
  });

  it('holds only templates the invalid policy selects', () => {
    const r = claimPolicy(configMap('cfg'), indexPolicies([]), record(configMap('cfg'), null, placed(['m1', 0])), [
      invalidPolicy('PropagationPolicy', 'broken', 'default', [selectByName('Deployment', 'web')]),
    ]);
    expect(r.claim).toBe('Unmatched');
  });
});
