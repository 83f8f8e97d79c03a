import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocateWebsterSeats, type WeightedParty } from './webster.js';

/**
 * The former implementation, one seat at a time, kept here as the definition the fast one must reproduce:
 * O(seats · log parties), so only for small houses.
 */
function oneSeatAtATime(parties: readonly WeightedParty[], seats: number): Map<string, number> {
  const result = new Map<string, number>();
  for (const p of parties) result.set(p.name, 0);
  const entries = parties.filter((p) => p.weight > 0).map((p) => ({ name: p.name, weight: p.weight, seats: 0 }));
  for (let s = 0; s < seats && entries.length > 0; s++) {
    let best = entries[0]!;
    for (const e of entries) {
      const lhs = e.weight * (2 * best.seats + 1);
      const rhs = best.weight * (2 * e.seats + 1);
      if (lhs > rhs || (lhs === rhs && (e.seats < best.seats || (e.seats === best.seats && e.name < best.name)))) best = e;
    }
    best.seats++;
  }
  for (const e of entries) result.set(e.name, e.seats);
  return result;
}

const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

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

  const partiesOf = (weight: fc.Arbitrary<number>, maxLength: number) =>
    fc.uniqueArray(fc.record({ name: fc.string({ minLength: 1, maxLength: 3 }), weight }), { selector: (p) => p.name, minLength: 1, maxLength });

  it.each([
    { label: 'random integer weights', parties: partiesOf(fc.integer({ min: 0, max: 1000 }), 30), maxSeats: 3000 },
    // Equal and proportional weights: many priorities tie, so the tie-breaks decide.
    { label: 'weights that tie often', parties: partiesOf(fc.constantFrom(1, 2, 3, 6, 9), 12), maxSeats: 500 },
    { label: 'fractional weights', parties: partiesOf(fc.constantFrom(0.5, 0.25, 1.5, 2, 0.125, 3.75), 8), maxSeats: 300 },
  ])('equals the one-seat-at-a-time definition: $label', ({ parties, maxSeats }) => {
    fc.assert(
      fc.property(parties, fc.integer({ min: 0, max: maxSeats }), (ps, seats) => {
        expect(asObject(allocateWebsterSeats(ps, seats))).toEqual(asObject(oneSeatAtATime(ps, seats)));
      }),
      { numRuns: 300 },
    );
  });

  it('divides 2147483647 seats over 500 parties with random weights exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2147483647 }), { minLength: 500, maxLength: 500 }), (weights) => {
        const parties = weights.map((weight, i) => ({ name: `member${i}`, weight }));
        expect(sum(allocateWebsterSeats(parties, 2147483647))).toBe(2147483647);
      }),
      { numRuns: 20 },
    );
  });

  it('keeps the largest safe house exact, with weights whose products exceed 2^53', () => {
    const seats = Number.MAX_SAFE_INTEGER;
    const parties = [
      { name: 'a', weight: Number.MAX_SAFE_INTEGER },
      { name: 'b', weight: 1 },
      { name: 'c', weight: 2 ** 40 },
    ];
    const result = allocateWebsterSeats(parties, seats);
    expect(sum(result)).toBe(seats);
    expect(result.get('b')).toBe(1);
  });

  it('does not change when every weight is scaled, also past exact double arithmetic', () => {
    // 2^60 keeps the weights exact but forces the BigInt comparisons.
    fc.assert(
      fc.property(partiesArb, fc.integer({ min: 0, max: 400 }), (parties, seats) => {
        const scaled = parties.map((p) => ({ name: p.name, weight: p.weight * 2 ** 60 }));
        expect(asObject(allocateWebsterSeats(scaled, seats))).toEqual(asObject(oneSeatAtATime(parties, seats)));
      }),
    );
  });

  it('gives exact quotas in a huge house when they are integers', () => {
    // With divisor Σw/N every quota w·N/Σw is a whole number, and Webster hands out exactly the quotas.
    fc.assert(
      fc.property(partiesArb, fc.integer({ min: 1, max: 2 ** 22 }), (parties, multiplier) => {
        const total = parties.reduce((a, p) => a + p.weight, 0);
        fc.pre(total > 0);
        const want = Object.fromEntries(parties.map((p) => [p.name, p.weight * multiplier]));
        expect(asObject(allocateWebsterSeats(parties, total * multiplier))).toEqual(want);
      }),
    );
  });

  it.each([
    { label: 'NaN seats', seats: Number.NaN },
    { label: 'infinite seats', seats: Infinity },
    { label: 'negative seats', seats: -5 },
    { label: '1e308 seats', seats: 1e308 },
  ])('returns without hanging or throwing for $label', ({ seats }) => {
    const result = allocateWebsterSeats([{ name: 'a', weight: 1 }, { name: 'b', weight: 2 }], seats);
    expect([...result.keys()]).toEqual(['a', 'b']);
    for (const n of result.values()) expect(n).toBeGreaterThanOrEqual(0);
  });

  it('gives nothing to NaN or negative weights and shares equally between infinite ones', () => {
    const parties = [
      { name: 'nan', weight: Number.NaN },
      { name: 'neg', weight: -3 },
      { name: 'inf1', weight: Infinity },
      { name: 'inf2', weight: Infinity },
      { name: 'big', weight: 1e300 },
    ];
    expect(asObject(allocateWebsterSeats(parties, 5))).toEqual({ nan: 0, neg: 0, inf1: 3, inf2: 2, big: 0 });
  });

  it('adds up the seats of parties that share a name', () => {
    const parties = [
      { name: 'a', weight: 5 },
      { name: 'a', weight: 5 },
      { name: 'b', weight: 1 },
    ];
    expect(asObject(allocateWebsterSeats(parties, 1))).toEqual({ a: 1, b: 0 });
    expect(asObject(allocateWebsterSeats(parties, 11))).toEqual({ a: 10, b: 1 });
  });
});
