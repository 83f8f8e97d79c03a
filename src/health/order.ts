import type { HealthStatus } from '../model/fleet.js';

/**
 * Best to worst, exactly gitops-engine's `healthOrder`. Unknown ranks worst: when Flotilla cannot tell, it must not
 * report something better than the worst thing it can see. Progressing and Degraded stay distinct values.
 */
export const HEALTH_ORDER: readonly HealthStatus[] = Object.freeze(['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown']);

export function healthRank(h: HealthStatus): number {
  const i = HEALTH_ORDER.indexOf(h);
  // A value outside the type (bad input from YAML) ranks as Unknown rather than as Healthy.
  return i < 0 ? HEALTH_ORDER.length - 1 : i;
}

/** gitops-engine's `IsWorse(current, candidate)`. */
export function isWorse(current: HealthStatus, candidate: HealthStatus): boolean {
  return healthRank(candidate) > healthRank(current);
}

/**
 * The worst of several healths. An empty list is `Unknown`: having observed nothing is no evidence of health, and a
 * placement with no observed member must not read as green.
 */
export function worstHealth(healths: readonly HealthStatus[]): HealthStatus {
  if (healths.length === 0) return 'Unknown';
  let worst = healths[0]!;
  for (const h of healths) if (isWorse(worst, h)) worst = h;
  return HEALTH_ORDER[healthRank(worst)]!;
}
