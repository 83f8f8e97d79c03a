import { describe, expect, it } from 'vitest';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from '../model/constants.js';
import { cluster } from '../schedule/testing.js';
import { effectiveTolerations, noExecuteTaints, taintSeenKey } from './tolerations.js';
import { normalizePurgeMode } from './purge-mode.js';

const settings = { defaultTolerationSeconds: 45 };

describe('effectiveTolerations', () => {
  it('adds not-ready and unreachable NoExecute tolerations with the fleet default to a policy that lists none', () => {
    expect(effectiveTolerations({ placement: {} }, settings)).toEqual([
      { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 45 },
      { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 45 },
    ]);
  });

  it('keeps a listed toleration for one key and adds only the other default', () => {
    const own = { key: TAINT_NOT_READY, operator: 'Exists' as const, effect: 'NoExecute' as const, tolerationSeconds: 10 };
    expect(effectiveTolerations({ placement: { clusterTolerations: [own] } }, settings)).toEqual([
      own,
      { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 45 },
    ]);
  });

  it('adds nothing when a toleration with empty key and effect covers every taint', () => {
    const all = { operator: 'Exists' as const };
    expect(effectiveTolerations({ placement: { clusterTolerations: [all] } }, settings)).toEqual([all]);
  });

  it('still adds the defaults when the listed toleration for the key is NoSchedule only', () => {
    const noSchedule = { key: TAINT_NOT_READY, operator: 'Exists' as const, effect: 'NoSchedule' as const };
    expect(effectiveTolerations({ placement: { clusterTolerations: [noSchedule] } }, settings).map((t) => `${t.key}:${t.effect}`)).toEqual([
      `${TAINT_NOT_READY}:NoSchedule`,
      `${TAINT_NOT_READY}:NoExecute`,
      `${TAINT_UNREACHABLE}:NoExecute`,
    ]);
  });
});

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

describe('normalizePurgeMode', () => {
  it.each([
    [undefined, 'Gracefully'],
    ['Graciously', 'Gracefully'],
    ['Gracefully', 'Gracefully'],
    ['Immediately', 'Directly'],
    ['Directly', 'Directly'],
    ['Never', 'Never'],
  ] as const)('%s means %s', (raw, mode) => {
    expect(normalizePurgeMode(raw)).toBe(mode);
  });
});
