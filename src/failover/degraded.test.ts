import { describe, expect, it } from 'vitest';
import { degradedSinceFor } from './degraded.js';

const NOW = '2026-03-01T12:00:00.000Z';
const EARLIER = '2026-03-01T11:55:00.000Z';

describe('degradedSinceFor', () => {
  it('stamps now on the transition into Degraded', () => {
    expect(degradedSinceFor({ health: 'Healthy' }, 'Degraded', NOW)).toBe(NOW);
    expect(degradedSinceFor(undefined, 'Degraded', NOW)).toBe(NOW);
  });

  it('keeps the recorded time while Degraded continues', () => {
    expect(degradedSinceFor({ health: 'Degraded', degradedSince: EARLIER }, 'Degraded', NOW)).toBe(EARLIER);
  });

  it('stamps now when a Degraded record lacks the time (written before the field existed)', () => {
    expect(degradedSinceFor({ health: 'Degraded' }, 'Degraded', NOW)).toBe(NOW);
  });

  it.each(['Healthy', 'Unknown', 'Progressing', 'Missing', 'Suspended'] as const)('%s resets the clock', (health) => {
    expect(degradedSinceFor({ health: 'Degraded', degradedSince: EARLIER }, health, NOW)).toBeUndefined();
  });
});
