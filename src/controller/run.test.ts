import { describe, expect, it } from 'vitest';
import { jittered } from './run.js';

describe('jittered', () => {
  it('stays within ±10% of the interval', () => {
    expect(jittered(30_000, () => 0)).toBe(27_000);
    expect(jittered(30_000, () => 1)).toBe(33_000);
    expect(jittered(30_000, () => 0.5)).toBe(30_000);
  });
});
