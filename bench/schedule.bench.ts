/**
 * Schedule stage at fleet scale: 2,000 templates over 500 clusters with mixed strategies (Duplicated, static
 * weights, dynamic weights with cluster spread, Aggregated, region spread, ordered clusterAffinities, Jobs,
 * propagateDeps ConfigMaps). The first pass has no previous placements; the steady pass feeds the first pass's
 * decisions back as status/placements, which is what the controller sees on every later poll.
 */
import { bench, describe } from 'vitest';
import { scheduleFleet } from '../src/schedule/index.js';
import { syntheticFleet, withPlacements } from '../src/schedule/synthetic.js';

const fleet = syntheticFleet({ clusters: 500, templates: 2000, seed: 42 });
const steady = withPlacements(fleet, scheduleFleet(fleet).decisions);

describe('scheduleFleet: 2,000 templates × 500 clusters', () => {
  bench('first pass, with explanations', () => {
    scheduleFleet(fleet);
  });
  bench('steady pass, with explanations', () => {
    scheduleFleet(steady);
  });
  bench('steady pass, decisions only', () => {
    scheduleFleet(steady, { explain: false });
  });
});
