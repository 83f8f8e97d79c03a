import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './repo.js';

describe('retryDelayMs', () => {
  it('retries at once after the first failure, then waits a random time below a bound that doubles per attempt', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 0.999999))).toEqual([0, 49, 99, 199]);
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 0))).toEqual([0, 0, 0, 0]);
    expect(retryDelayMs(3, 0.5)).toBe(50);
  });

  it('keeps the worst case of four retries under half a second', () => {
    const worst = [1, 2, 3, 4].reduce((sum, a) => sum + retryDelayMs(a, 0.999999), 0);
    expect(worst).toBeLessThan(500);
  });
});
