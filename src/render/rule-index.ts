/**
 * Which override rules target which clusters, computed once per pass: a bitmap per rule, and per cluster the list of
 * rules that name it. With one ClusterOverridePolicy per cluster (hundreds of rules that all match every template),
 * finding a cluster's rules then costs what the cluster has, not what the fleet has.
 */
import type { ClusterDef } from '../model/fleet.js';
import { clusterMatchesAffinity } from '../match/selectors.js';
import type { PreparedPolicies, PreparedRule } from './override-policies.js';

export interface RuleIndex {
  applies(rule: PreparedRule, cluster: number): boolean;
  /** Ids of the rules with a targetCluster that selects the cluster, ascending. */
  targeted(cluster: number): readonly number[];
  /** Ids of the rules without targetCluster (every cluster). */
  untargeted: ReadonlySet<number>;
}

export function indexRules(policies: PreparedPolicies, clusters: readonly ClusterDef[]): RuleIndex {
  const bits: (Uint8Array | null)[] = [];
  const targeted: number[][] = clusters.map(() => []);
  const untargeted = new Set<number>();
  for (const rule of policies.rules) {
    if (!rule.targetCluster) {
      bits.push(null);
      untargeted.add(rule.id);
      continue;
    }
    const b = new Uint8Array(clusters.length);
    clusters.forEach((c, i) => {
      if (clusterMatchesAffinity(c, rule.targetCluster)) {
        b[i] = 1;
        targeted[i]!.push(rule.id);
      }
    });
    bits.push(b);
  }
  return {
    applies: (rule, cluster) => {
      const b = bits[rule.id];
      return b === null || b === undefined || b[cluster] === 1;
    },
    targeted: (cluster) => targeted[cluster] ?? [],
    untargeted,
  };
}
