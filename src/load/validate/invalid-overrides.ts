/**
 * Templates an unusable override policy would have changed. They are held (neither changed nor pruned on any
 * cluster) rather than applied without the override, which could silently drop a registry mirror or a limit.
 */
import type { ResourceTemplate } from '../../model/fleet.js';
import { formatRef, type ObjectRef } from '../../model/refs.js';
import { bestMatchLevel, MatchLevel } from '../../match/selectors.js';
import type { InvalidOverrideRef } from './load-policy.js';
import type { ProblemSink } from './problems.js';

export function heldByInvalidOverrides(invalid: readonly InvalidOverrideRef[], templates: readonly ResourceTemplate[], sink: ProblemSink): ObjectRef[] {
  const held: ObjectRef[] = [];
  for (const policy of invalid) {
    const inScope = templates.filter((t) => policy.kind === 'ClusterOverridePolicy' || t.ref.namespace === policy.namespace);
    const selected = policy.resourceSelectors === null ? inScope : inScope.filter((t) => bestMatchLevel(t, policy.resourceSelectors!) !== MatchLevel.MisMatch);
    if (selected.length === 0) continue;
    const name = `${policy.kind} ${policy.namespace ? `${policy.namespace}/` : ''}${policy.name}`;
    const sample = selected.slice(0, 3).map((t) => formatRef(t.ref)).join(', ');
    sink.error(
      policy.source,
      `${name} cannot be used, so the ${selected.length} resource(s) it selects (${sample}${selected.length > 3 ? ', …' : ''}) keep their last applied version on every cluster until it is fixed`,
    );
    held.push(...selected.map((t) => t.ref));
  }
  return held;
}
