import { describe, expect, it } from 'vitest';
import { observedTrailer } from './trailers.js';

const sha = 'a'.repeat(40);

describe('observedTrailer', () => {
  it('reads the trailer from the last paragraph only', () => {
    expect(observedTrailer(`flotilla: status\n\nmember1: Ready\n\nFlotilla-Observed: ${sha}\n`)).toBe(sha);
    expect(observedTrailer(`Flotilla-Observed: ${sha}\n\nfix the policy\n`)).toBeUndefined();
  });

  it('ignores anything that is not a full sha', () => {
    expect(observedTrailer('subject\n\nFlotilla-Observed: abc1234')).toBeUndefined();
    expect(observedTrailer('subject')).toBeUndefined();
  });
});
