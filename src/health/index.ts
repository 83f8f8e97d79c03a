/**
 * Health assessment (Argo CD's rules for core kinds, kstatus-style conditions for the rest) and Karmada-style
 * aggregation of member statuses. Pure: plain data in, plain data out.
 */
export type { HealthStatus } from '../model/fleet.js';
export type { HealthAssessment } from './types.js';
export { assessHealth } from './assess.js';
export { HEALTH_ORDER, isWorse, worstHealth } from './order.js';
export { aggregateStatus, type AggregatedStatus, type MemberStatus } from './aggregate/index.js';
export { assessObjects, type AssessedObject } from './objects.js';
export { kindsWithOwnRules } from './registry.js';
