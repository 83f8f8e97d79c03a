import { describe, expect, it } from 'vitest';
import { normalizePurgeMode } from './eviction.js';

describe('normalizePurgeMode', () => {
  it.each([
    [undefined, 'Gracefully'],
    ['Graciously', 'Gracefully'],
    ['Gracefully', 'Gracefully'],
    ['Immediately', 'Directly'],
    ['Directly', 'Directly'],
    ['Never', 'Never'],
  ])('reads %s as %s (Karmada v1.15 renamed the legacy modes)', (raw, mode) => {
    expect(normalizePurgeMode(raw)).toBe(mode);
  });
});
