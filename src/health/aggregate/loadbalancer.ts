/**
 * Service (type LoadBalancer) and Ingress, after Karmada: every member's load-balancer ingress points, in cluster
 * order; an entry without a hostname gets the cluster's name as hostname, so a reader can tell where each IP lives.
 */
import { list, str } from '../fields.js';
import type { Aggregator, Reported } from './types.js';
import { isPlainObject } from '../../util/json.js';

function ingressPoints(members: readonly Reported[]): unknown[] {
  const out: unknown[] = [];
  for (const m of members) {
    if (!m.status) continue;
    for (const point of list(m.status, 'loadBalancer.ingress')) {
      if (!isPlainObject(point)) continue;
      out.push(point.hostname ? { ...point } : { ...point, hostname: m.cluster });
    }
  }
  return out;
}

export const aggregateService: Aggregator = (template, members) =>
  str(template, 'spec.type') === 'LoadBalancer' ? { loadBalancer: { ingress: ingressPoints(members) } } : {};

export const aggregateIngress: Aggregator = (_template, members) => ({ loadBalancer: { ingress: ingressPoints(members) } });
