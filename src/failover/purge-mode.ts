import type { PurgeMode } from '../model/eviction.js';

/** Karmada v1.15 reads the deprecated `Immediately` and `Graciously` as `Directly` and `Gracefully`, the default. */
export function normalizePurgeMode(raw: string | undefined): PurgeMode {
  if (raw === 'Directly' || raw === 'Immediately') return 'Directly';
  if (raw === 'Never') return 'Never';
  return 'Gracefully';
}
