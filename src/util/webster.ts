/**
 * Webster / Sainte-Laguë apportionment, as Karmada uses it since v1.16 for every proportional split:
 * seats are handed out one at a time to the party with the highest weight / (2·seats + 1); ties go to the
 * party with fewer seats, then to the smaller name. It is house-monotone: adding seats never takes one away.
 *
 * Handing out seats one at a time costs O(seats · log parties), and a replica count is user input (2³¹ − 1 took
 * 44 s, 1e308 never ended). The one-at-a-time order is a merge of each party's strictly falling priorities
 * w/1, w/3, w/5, …, so the first N seats are exactly the N highest priorities in the order (priority desc, seat
 * number asc, name asc). Every priority above a threshold λ therefore belongs to that prefix whatever the
 * ties; λ is chosen so that fewer than N, but at least N − parties, priorities lie above it, and the heap hands
 * out the rest. The cost is O(parties · log parties) whatever the number of seats. Priorities are compared
 * exactly: in doubles while every product is a safe integer, else in BigInt.
 */
export interface WeightedParty {
  name: string;
  weight: number;
}

/**
 * Seats per party name, every party listed (in input order), those without seats at 0; parties with the same
 * name add up.
 * Defensive limits: a weight that is not a positive number gets nothing (infinite weights share everything
 * equally); a house size that is not a finite positive number hands out nothing and a fractional one is rounded
 * down. Counts above 2⁵³ cannot be represented exactly as numbers, so their seats are only approximate.
 */
export function allocateWebsterSeats(parties: readonly WeightedParty[], seats: number): Map<string, number> {
  const result = new Map<string, number>();
  for (const p of parties) result.set(p.name, 0);
  const house = Number.isFinite(seats) && seats > 0 ? Math.floor(seats) : 0;
  const eligible = eligibleParties(parties);
  if (house === 0 || eligible.length === 0) return result;
  const names = eligible.map((p) => p.name);
  const weights = eligible.map((p) => p.weight);
  const allocation = fitsInDoubles(weights, house) ? apportionInDoubles(names, weights, house) : apportionInBigInts(names, weights, house);
  // Parties that share a name share their seats, so a duplicate never loses the seats handed to it.
  for (const [i, name] of names.entries()) result.set(name, result.get(name)! + allocation[i]!);
  return result;
}

function eligibleParties(parties: readonly WeightedParty[]): WeightedParty[] {
  const infinite = parties.filter((p) => p.weight === Infinity);
  // An infinite weight outweighs every finite one, and two infinite ones tie: equal shares among them alone.
  if (infinite.length > 0) return infinite.map((p) => ({ name: p.name, weight: 1 }));
  return parties.filter((p) => Number.isFinite(p.weight) && p.weight > 0);
}

/** Every product compared is at most maxWeight · (2·house + 1); doubles hold it exactly when it is a safe integer. */
function fitsInDoubles(weights: readonly number[], house: number): boolean {
  let max = 0;
  for (const w of weights) {
    if (!Number.isSafeInteger(w)) return false;
    if (w > max) max = w;
  }
  // Rounding is monotone, so a product above the limit never rounds down to it.
  return Number.isSafeInteger(house) && max * (2 * house + 1) <= Number.MAX_SAFE_INTEGER;
}

/**
 * The threshold: seats whose priority w/(2k+1) exceeds λ = V/(2N − p), where V is the total weight, N the house and
 * p the number of parties, are the odd numbers o = 2k+1 with o·V < w·(2N − p). Each party's count is below
 * w·(2N − p)/(2V) + 1/2 and at least that minus one, so together they are below N and at least N − p. Only worth
 * it when N > p (else 2N − p may not be positive); then the heap starts from zero seats.
 */
function apportionInDoubles(names: readonly string[], weights: readonly number[], house: number): number[] {
  const count = weights.length;
  let seats: number[];
  if (house > count) {
    let total = 0;
    for (const w of weights) total += w;
    const scale = 2 * house - count;
    seats = weights.map((w) => {
      const dividend = w * scale - 1;
      // Exact integer division: % is exact on doubles and the difference is a multiple of total.
      const largestBelow = (dividend - (dividend % total)) / total;
      return Math.floor((largestBelow + 1) / 2);
    });
  } else {
    seats = weights.map(() => 0);
  }
  const rest = house - seats.reduce((a, b) => a + b, 0);
  awardSeats(count, rest, numberPriority(names, weights, seats), (i) => seats[i]!++);
  return seats;
}

function apportionInBigInts(names: readonly string[], floatWeights: readonly number[], floatHouse: number): number[] {
  const weights = exactIntegers(floatWeights);
  const house = BigInt(floatHouse);
  const count = BigInt(weights.length);
  let seats: bigint[];
  if (house > count) {
    const total = weights.reduce((a, b) => a + b, 0n);
    const scale = 2n * house - count;
    seats = weights.map((w) => ((w * scale - 1n) / total + 1n) / 2n);
  } else {
    seats = weights.map(() => 0n);
  }
  const rest = Number(house - seats.reduce((a, b) => a + b, 0n));
  const approximateSeats = seats.map(Number);
  awardSeats(weights.length, rest, bigintPriority(names, { weights, seats }, { weights: floatWeights, seats: approximateSeats }), (i) => {
    seats[i]! += 1n;
    approximateSeats[i]!++;
  });
  return seats.map(Number);
}

/**
 * Positive finite doubles as integers in the same proportions. Every double is m·2^e, so scaling all of them by
 * the largest power of two any fractional one needs (at most 2^1074) makes them integers without rounding.
 */
function exactIntegers(weights: readonly number[]): bigint[] {
  const scaled = weights.map(integerTimesPowerOfTwo);
  const shift = Math.max(0, ...scaled.map((s) => s.shift));
  return scaled.map((s) => BigInt(s.integer) << BigInt(shift - s.shift));
}

/** w·2^shift for the smallest shift that makes it an integer. */
function integerTimesPowerOfTwo(w: number): { integer: number; shift: number } {
  let shift = 0;
  // Doubling is exact, and a fractional double is below 2^52, so this ends before overflowing (≤ 1074 steps).
  while (!Number.isInteger(w)) {
    w *= 2;
    shift++;
  }
  return { integer: w, shift };
}

/** `better(a, b)`: party a's next seat comes before party b's. */
type Priority = (a: number, b: number) => boolean;

function numberPriority(names: readonly string[], weights: readonly number[], seats: readonly number[]): Priority {
  return (a, b) => {
    // Compare w_a/(2s_a+1) with w_b/(2s_b+1) without division.
    const lhs = weights[a]! * (2 * seats[b]! + 1);
    const rhs = weights[b]! * (2 * seats[a]! + 1);
    if (lhs !== rhs) return lhs > rhs;
    if (seats[a] !== seats[b]) return seats[a]! < seats[b]!;
    return names[a]! < names[b]!;
  };
}

/** Doubles this far apart decide a comparison; closer ones are compared exactly. */
const CLEAR_MARGIN = 1e-9;

/**
 * Exact comparisons cost a BigInt multiplication each, so doubles (the same weights before scaling) decide
 * first whenever their products are clearly apart; their rounding error is about 1e-16.
 */
function bigintPriority(
  names: readonly string[],
  exact: { weights: readonly bigint[]; seats: readonly bigint[] },
  approximate: { weights: readonly number[]; seats: readonly number[] },
): Priority {
  const { weights, seats } = exact;
  return (a, b) => {
    const lhsApprox = approximate.weights[a]! * (2 * approximate.seats[b]! + 1);
    const rhsApprox = approximate.weights[b]! * (2 * approximate.seats[a]! + 1);
    if (Number.isFinite(lhsApprox) && Number.isFinite(rhsApprox)) {
      if (lhsApprox > rhsApprox * (1 + CLEAR_MARGIN)) return true;
      if (rhsApprox > lhsApprox * (1 + CLEAR_MARGIN)) return false;
    }
    const lhs = weights[a]! * (2n * seats[b]! + 1n);
    const rhs = weights[b]! * (2n * seats[a]! + 1n);
    if (lhs !== rhs) return lhs > rhs;
    if (seats[a] !== seats[b]) return seats[a]! < seats[b]!;
    return names[a]! < names[b]!;
  };
}

/** Hands out `rest` seats one at a time from a binary heap of party indices ordered by `better`. */
function awardSeats(count: number, rest: number, better: Priority, award: (party: number) => void): void {
  const heap = Array.from({ length: count }, (_, i) => i);
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && better(heap[l]!, heap[top]!)) top = l;
      if (r < heap.length && better(heap[r]!, heap[top]!)) top = r;
      if (top === i) return;
      const t = heap[i]!;
      heap[i] = heap[top]!;
      heap[top] = t;
      i = top;
    }
  };
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) down(i);
  for (let s = 0; s < rest; s++) {
    award(heap[0]!);
    down(0);
  }
}
