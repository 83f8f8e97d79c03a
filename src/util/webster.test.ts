import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocateWebsterSeats } from './webster.js';

const asObject = (m: Map<string, number>): Record<string, number> => Object.fromEntries(m);

describe('allocateWebsterSeats', () => {
  it.each([
    // Karmada's documented examples (docs/fleet-repository.md#replica-division).
    { weights: { a: 1, b: 3 }, seats: 9, want: { a: 2, b: 7 } },
    { weights: { a: 2, b: 1 }, seats: 2, want: { a: 1, b: 1 } },
    { weights: { a: 6, b: 12, c: 18 }, seats: 12, want: { a: 2, b: 4, c: 6 } },
    // Ties: fewer seats first, then name.
    { weights: { b: 1, a: 1 }, seats: 1, want: { a: 1, b: 0 } },
    { weights: { a: 1, b: 1, c: 1 }, seats: 4, want: { a: 2, b: 1, c: 1 } },
    { weights: { a: 0, b: 5 }, seats: 3, want: { a: 0, b: 3 } },
    { weights: { a: 1 }, seats: 0, want: { a: 0 } },
  ])('$weights with $seats seats', ({ weights, seats, want }) => {
    const parties = Object.entries(weights).map(([name, weight]) => ({ name, weight }));
    expect(asObject(allocateWebsterSeats(parties, seats))).toEqual(want);
  });

  const partiesArb = fc.uniqueArray(
    fc.record({ name: fc.string({ minLength: 1, maxLength: 4 }), weight: fc.integer({ min: 0, max: 50 }) }),
    { selector: (p) => p.name, minLength: 1, maxLength: 8 },
  );

  it('hands out exactly the seats when any weight is positive', () => {
    fc.assert(
      fc.property(partiesArb, fc.integer({ min: 0, max: 200 }), (parties, seats) => {
        const total = [...allocateWebsterSeats(parties, seats).values()].reduce((a, b) => a + b, 0);
        expect(total).toBe(parties.some((p) => p.weight > 0) ? seats : 0);
      }),
    );
  });

  it('never takes a seat away when the house grows', () => {
    fc.assert(
      fc.property(partiesArb, fc.integer({ min: 0, max: 100 }), (parties, seats) => {
        const before = allocateWebsterSeats(parties, seats);
        const after = allocateWebsterSeats(parties, seats + 1);
        for (const [name, n] of before) expect(after.get(name)!).toBeGreaterThanOrEqual(n);
      }),
    );
  });

  it('does not depend on input order', () => {
    fc.assert(
      fc.property(partiesArb, fc.integer({ min: 0, max: 100 }), (parties, seats) => {
        const reversed = [...parties].reverse();
        expect(asObject(allocateWebsterSeats(reversed, seats))).toEqual(asObject(allocateWebsterSeats(parties, seats)));
      }),
    );
  });
});
