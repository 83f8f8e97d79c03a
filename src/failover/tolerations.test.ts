import { describe, expect, it } from 'vitest';
import { TAINT_NOT_READY } from '../model/constants.js';
import { cluster } from '../schedule/testing.js';
import { noExecuteTaints, taintSeenKey } from './tolerations.js';

describe('noExecuteTaints', () => {
  it('takes declared then recorded NoExecute taints, one per key and effect', () => {
    const def = cluster('m1', { taints: [{ key: 'drain', effect: 'NoExecute' }, { key: 'soft', effect: 'NoSchedule' }] });
    const recorded = [
      { key: 'drain', effect: 'NoExecute' as const, timeAdded: '2026-01-01T00:00:00Z' },
      { key: TAINT_NOT_READY, effect: 'NoExecute' as const, timeAdded: '2026-01-01T00:00:00Z' },
    ];
    expect(noExecuteTaints(def, { taints: recorded })).toEqual([{ key: 'drain', effect: 'NoExecute' }, recorded[1]]);
  });

  it('keys first sightings by cluster, key and effect', () => {
    expect(taintSeenKey('m1', { key: 'drain', effect: 'NoExecute' })).toBe('m1/drain:NoExecute');
  });
});
