/**
 * Webster / Sainte-Laguë apportionment, as Karmada uses it since v1.16 for every proportional split:
 * seats are handed out one at a time to the party with the highest weight / (2·seats + 1); ties go to the
 * party with fewer seats, then to the smaller name. It is house-monotone: adding seats never takes one away.
 */
export interface WeightedParty {
  name: string;
  weight: number;
}

export function allocateWebsterSeats(parties: readonly WeightedParty[], seats: number): Map<string, number> {
  const result = new Map<string, number>();
  const eligible = parties.filter((p) => p.weight > 0);
  for (const p of parties) result.set(p.name, 0);
  if (seats <= 0 || eligible.length === 0) return result;

  // A binary heap keeps this O(seats · log parties), which matters for 2,000 templates × 500 clusters.
  const heap = eligible.map((p) => ({ name: p.name, weight: p.weight, seats: 0 }));
  const better = (a: (typeof heap)[number], b: (typeof heap)[number]): boolean => {
    // Compare a.weight/(2a.seats+1) with b.weight/(2b.seats+1) without division.
    const lhs = a.weight * (2 * b.seats + 1);
    const rhs = b.weight * (2 * a.seats + 1);
    if (lhs !== rhs) return lhs > rhs;
    if (a.seats !== b.seats) return a.seats < b.seats;
    return a.name < b.name;
  };
  const swap = (i: number, j: number): void => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && better(heap[l]!, heap[top]!)) top = l;
      if (r < heap.length && better(heap[r]!, heap[top]!)) top = r;
      if (top === i) return;
      swap(i, top);
      i = top;
    }
  };
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) down(i);
  for (let s = 0; s < seats; s++) {
    heap[0]!.seats++;
    down(0);
  }
  for (const p of heap) result.set(p.name, p.seats);
  return result;
}
