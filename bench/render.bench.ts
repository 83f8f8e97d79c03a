/**
 * Render stage at fleet scale: 500 clusters × 500 templates (250,000 (cluster, object) pairs).
 * - synthetic: Deployments, Services and ConfigMaps with a few override policies (image, labels, plaintext) aimed at
 *   subsets of clusters by label, so many clusters render a template identically and share the rendering;
 * - distinct: the kustomize comparison fixture, one ClusterOverridePolicy per cluster, so every pair is its own
 *   rendering (the worst case);
 * and incremental renders after a one-template change.
 */
import { bench, describe } from 'vitest';
import type { Fleet } from '../src/model/fleet.js';
import { renderFleet } from '../src/render/index.js';
import { generateKustomizeComparison } from './fixtures/kustomize-fixture.js';
import { fleetFromFixture, syntheticFleet } from '../src/render/testing.js';

function withOneTemplateChanged(fleet: Fleet, round: number): Fleet {
  return {
    ...fleet,
    templates: fleet.templates.map((t, i) =>
      i === 7 ? { ...t, object: { ...t.object, metadata: { ...t.object.metadata, labels: { ...t.object.metadata.labels, round: String(round) } } } } : t,
    ),
  };
}

const synthetic = syntheticFleet({ clusters: 500, templates: 500, policies: 6 });
const syntheticCache = renderFleet(synthetic.fleet, synthetic.decisions).cache;
const distinct = fleetFromFixture(generateKustomizeComparison(500, 500).fleet);
const distinctCache = renderFleet(distinct.fleet, distinct.decisions).cache;
let round = 0;

describe('render 500 clusters × 500 templates', () => {
  bench('synthetic: full render', () => {
    renderFleet(synthetic.fleet, synthetic.decisions);
  }, { iterations: 5, time: 0 });

  bench('synthetic: incremental after a one-template change', () => {
    renderFleet(withOneTemplateChanged(synthetic.fleet, ++round), synthetic.decisions, { cache: syntheticCache });
  }, { iterations: 20, time: 0 });

  bench('distinct (one override policy per cluster): full render', () => {
    renderFleet(distinct.fleet, distinct.decisions);
  }, { iterations: 2, time: 0, warmupIterations: 0 });

  bench('distinct: incremental after a one-template change', () => {
    renderFleet(withOneTemplateChanged(distinct.fleet, ++round), distinct.decisions, { cache: distinctCache });
  }, { iterations: 5, time: 0 });
});
