/**
 * Failover decisions that depend on time, as pure functions of plain data and a clock reading the caller passes:
 * which evictions fall due, how they change the fleet, when an evicted copy may be deleted, and how to say so.
 */
export { timedEvictions, type EvictionOrder, type TimedEvictions, type TimedEvictionOptions } from './timed-evictions.js';
export { applyEvictions } from './apply-evictions.js';
export { settleEvictionTasks, type DroppedTask, type SettleOptions, type SettleReason, type SettledTasks } from './settle.js';
export { degradedSinceFor } from './degraded.js';
export { describeEvictions, clusterReadyNote, type EvictionEvent, type EvictionTimeline, type PurgeEvent } from './describe.js';
export { noExecuteTaints, taintSeenKey } from './tolerations.js';
export { formatDuration } from './time.js';
