import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Fleet } from '../model/fleet.js';
import { scheduleFleet } from './schedule-fleet.js';
import { syntheticFleet, withPlacements } from './synthetic.js';

/** What `flotilla schedule -o json` prints, plus the explanations, as one string. */
function output(f: Fleet): string {
  const r = scheduleFleet(f);
  return JSON.stringify({ placements: r.decisions, errors: r.errors, explanations: [...r.explanations] });
}

function shuffled<T>(items: readonly T[], order: readonly number[]): T[] {
  return items.map((item, i) => [item, order[i % order.length] ?? 0, i] as const).sort((a, b) => a[1] - b[1] || a[2] - b[2]).map(([item]) => item);
}

describe('scheduleFleet is a deterministic function of the fleet', () => {
  it('gives byte-identical output for any order of clusters, templates, policies, statuses and placements', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(fc.integer(), { minLength: 1, maxLength: 40 }), (seed, order) => {
        const base = syntheticFleet({ clusters: 18, templates: 40, seed, namespaces: 3 });
        const second = withPlacements(base, scheduleFleet(base).decisions);
        const reordered: Fleet = {
          ...second,
          clusters: shuffled(second.clusters, order),
          templates: shuffled(second.templates, [...order].reverse()),
          propagationPolicies: shuffled(second.propagationPolicies, order.map((x) => -x)),
          clusterStatuses: new Map(shuffled([...second.clusterStatuses], order)),
          placements: new Map(shuffled([...second.placements], [...order].reverse())),
        };
        expect(output(reordered)).toBe(output(second));
      }),
      { numRuns: 25 },
    );
  });

  it('gives the same result twice in a row and does not modify its input', () => {
    const f = syntheticFleet({ clusters: 30, templates: 60, seed: 7 });
    const before = JSON.stringify({ ...f, clusterStatuses: [...f.clusterStatuses], placements: [...f.placements] });
    expect(output(f)).toBe(output(f));
    expect(JSON.stringify({ ...f, clusterStatuses: [...f.clusterStatuses], placements: [...f.placements] })).toBe(before);
  });

  it('is stable: scheduling again with its own decisions as the previous placement changes nothing', () => {
    const f = syntheticFleet({ clusters: 40, templates: 120, seed: 3 });
    const first = scheduleFleet(f).decisions;
    const second = scheduleFleet(withPlacements(f, first)).decisions;
    expect(second).toEqual(first);
  });
});
