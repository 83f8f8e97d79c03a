/**
 * The kustomize comparison fixture through the real loader and scheduler renders exactly as through the test
 * builders: the stages agree on the shapes render relies on (defaults, decisions, sources).
 */
import { describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/load/index.js';
import { scheduleFleet } from '../../src/schedule/index.js';
import { generateKustomizeComparison } from '../../bench/fixtures/kustomize-fixture.js';
import { renderFleet } from '../../src/render/render-fleet.js';
import { fleetFromFixture, renderSnapshot } from '../../src/render/testing.js';

describe('render after the real loader and scheduler', () => {
  it('equals the render from the test builders', () => {
    const { fleet: files } = generateKustomizeComparison(5, 30);
    const fleet = loadFleet(files.map((f) => ({ path: f.path, content: new TextEncoder().encode(f.content) })));
    expect(fleet.errors).toEqual([]);
    const real = renderFleet(fleet, scheduleFleet(fleet).decisions);
    const built = fleetFromFixture(files);
    const expected = renderFleet(built.fleet, built.decisions);
    expect(real.clusters.map((c) => c.objects.length)).toEqual([31, 31, 31, 31, 31]);
    expect(renderSnapshot(real)).toBe(renderSnapshot(expected));
  });
});
