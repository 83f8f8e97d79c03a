import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseQuantity, quantityMilliValue, quantityValue, subtractQuantity } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    // [input, Value() (ceil), MilliValue() (ceil)]
    ['100m', 1, 100],
    ['1', 1, 1000],
    ['1.5', 2, 1500],
    ['0.1', 1, 100],
    ['.5', 1, 500],
    ['2.', 2, 2000],
    ['128Mi', 134217728, 134217728000],
    ['1Ki', 1024, 1024000],
    ['1G', 1e9, 1e12],
    ['1k', 1000, 1e6],
    ['2e3', 2000, 2e6],
    ['2E3', 2000, 2e6],
    ['1e-3', 1, 1],
    ['1E', 1e18, 1e21],
    ['1500u', 1, 2],
    ['10n', 1, 1],
    ['0', 0, 0],
    ['+3', 3, 3000],
    ['-1', -1, -1000],
    ['1.5Gi', 1610612736, 1610612736000],
    [2, 2, 2000],
    [0.25, 1, 250],
  ] as const)('%s', (input, value, milli) => {
    const q = parseQuantity(input);
    expect(q).not.toBeNull();
    expect(quantityValue(q!)).toBe(value);
    expect(quantityMilliValue(q!)).toBe(milli);
  });

  it.each(['', 'abc', '1.2.3', 'Mi', '1 Mi', '1mi', '1e', '--1', '1KiB', null, undefined, {}, '1e999'])('rejects %j', (input) => {
    expect(parseQuantity(input)).toBeNull();
  });

  it('subtracts exactly where floats would not', () => {
    const free = subtractQuantity(subtractQuantity(parseQuantity('0.3')!, parseQuantity('0.1')!), parseQuantity('0.2')!);
    expect(quantityMilliValue(free)).toBe(0);
  });

  it('MilliValue of a whole number of millis round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (m) => {
        expect(quantityMilliValue(parseQuantity(`${m}m`)!)).toBe(m);
        expect(quantityValue(parseQuantity(`${m}m`)!)).toBe(Math.ceil(m / 1000));
      }),
    );
  });
});
