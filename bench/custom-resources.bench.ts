/**
 * 2,000 custom resources with Lua scripts for replicas, health and status (issue budget: the interpreter adds
 * at most 2× to load + schedule + render, and ≤ 50 µs per script call on average).
 * - load + schedule + render with the fleet's `interpreters/` against the same fleet without them (the same
 *   custom resources, placed whole, as a kind without a replica script is); then schedule + render alone, the
 *   stages the scripts run in, where the ratio is least flattering;
 * - each script operation over the 2,000 objects, so mean ÷ 2,000 is the cost of one call;
 * - the Lua runtime's memory: per compiled script and per call (heap after a forced GC).
 */
import { bench, describe } from 'vitest';
import { loadFleet } from '../src/load/index.js';
import { renderFleet } from '../src/render/index.js';
import { scheduleFleet } from '../src/schedule/index.js';
import { fleetInterpreter, luaScriptChecker } from '../src/interpret/fleet-interpreter.js';
import { LuaRuntime } from '../src/interpret/runtime.js';
import { getReplicas } from '../src/interpret/karmada.js';
import type { FleetFile } from '../src/model/fleet.js';
import type { KubeObject } from '../src/model/kube.js';
import { customResourceFleetFiles, CUSTOM_RESOURCE_SCRIPTS } from './fixtures/custom-resource-fleet.js';
import { Stopwatch } from './fixtures/stopwatch.js';

const COUNT = 2000;
const withScripts = customResourceFleetFiles(COUNT, true);
const withoutScripts = customResourceFleetFiles(COUNT, false);
const options = { checkScripts: luaScriptChecker() };

function placeAndRender(files: FleetFile[], clock?: Stopwatch): number {
  const fleet = loadFleet(files, options);
  clock?.start();
  const interpreter = fleetInterpreter(fleet);
  const { decisions } = scheduleFleet(fleet, { explain: false, interpreter });
  const rendered = renderFleet(fleet, decisions, { interpreter });
  clock?.stop();
  return fleet.errors.length + rendered.problems.length + rendered.held.length;
}

/** Times only schedule + render (a fresh load per iteration, off the clock): the stages the scripts run in. */
function scheduleAndRender(files: FleetFile[]): [() => void, { now: () => number; iterations: number; time: number }] {
  const clock = new Stopwatch();
  return [() => void placeAndRender(files, clock), { now: clock.now, iterations: 8, time: 0 }];
}

describe(`load + schedule + render: ${COUNT} custom resources on 10 clusters`, () => {
  bench('baseline: the same fleet without interpreters/', () => {
    placeAndRender(withoutScripts);
  });
  bench('with GetReplicas (kube.accuratePodRequirements) and ReviseReplica', () => {
    if (placeAndRender(withScripts) !== 0) throw new Error('rendering failed');
  });
});

describe(`schedule + render only: ${COUNT} custom resources on 10 clusters`, () => {
  bench('baseline: the same fleet without interpreters/', ...scheduleAndRender(withoutScripts));
  bench('with GetReplicas (kube.accuratePodRequirements) and ReviseReplica', ...scheduleAndRender(withScripts));
});

const fleet = loadFleet(withScripts, options);
const interpreter = fleetInterpreter(fleet);
const observed: KubeObject[] = fleet.templates.filter((t) => t.object.kind === 'Flock').map((t) => withStatus(t.object));
if (observed.length !== COUNT) throw new Error(`expected ${COUNT} Flocks, loaded ${observed.length}`);

function withStatus(obj: KubeObject): KubeObject {
  const size = (obj.spec as { size: number }).size;
  return {
    ...obj,
    status: {
      observedGeneration: 1,
      readyReplicas: size - 1,
      replicas: size,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', lastTransitionTime: '2026-11-30T10:00:00Z' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastTransitionTime: '2026-11-30T10:00:00Z' },
      ],
    },
  };
}

const items = [1, 2, 3].map((i) => ({ clusterName: `c${i}`, status: { readyReplicas: i, replicas: i + 1 }, applied: true, health: 'Healthy' as const }));

describe(`one script call (each iteration: ${COUNT} calls; mean ÷ ${COUNT} = one call)`, () => {
  // The operation itself: the fleet interpreter remembers a template's replicas for the rest of the pass.
  bench('GetReplicas with kube.accuratePodRequirements', () => {
    for (const o of observed) getReplicas(CUSTOM_RESOURCE_SCRIPTS.replicas, o);
  });
  bench('ReviseReplica', () => {
    for (const o of observed) interpreter.reviseReplica(o, 3);
  });
  bench('Argo CD health.lua', () => {
    for (const o of observed) interpreter.luaHealth(o);
  });
  bench('InterpretHealth', () => {
    for (const o of observed) interpreter.interpretHealth(o);
  });
  bench('ReflectStatus', () => {
    for (const o of observed) interpreter.reflectStatus(o);
  });
  bench('AggregateStatus over 3 clusters', () => {
    for (const o of observed) interpreter.aggregateStatus(o, items);
  });
});

reportMemory();

/** Heap cost of compiling scripts and of calls, after forced GCs (needs --expose-gc; skipped without it). */
function reportMemory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    console.log('Lua memory: run with NODE_OPTIONS=--expose-gc to measure');
    return;
  }
  const heap = (): number => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const before = heap();
  const rt = new LuaRuntime({ flavor: 'karmada' });
  const fresh = heap();
  const scripts = Array.from({ length: 100 }, (_, i) => `${CUSTOM_RESOURCE_SCRIPTS.replicas}\n-- variant ${i}\n`);
  for (const s of scripts) rt.check(s);
  const compiled = heap();
  for (let i = 0; i < 5000; i++) rt.callFunction(scripts[i % 100]!, 'GetReplicas', [observed[i % COUNT]], 2);
  const after = heap();
  // Allocated by one call: the heap right after it, against right before (a call is far smaller than the young
  // generation, so a collection in between is rare; those samples are dropped).
  const allocated: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = heap();
    rt.callFunction(scripts[i % 100]!, 'GetReplicas', [observed[i % COUNT]], 2);
    const grown = process.memoryUsage().heapUsed - start;
    if (grown > 0) allocated.push(grown);
  }
  allocated.sort((a, b) => a - b);
  console.log(
    `Lua memory: runtime ${kb(fresh - before)} KB; per compiled GetReplicas script ${kb((compiled - fresh) / 100)} KB; ` +
      `allocated by one GetReplicas call (median) ${kb(allocated[allocated.length >> 1] ?? 0)} KB; ` +
      `retained per call after 5,000 calls ${((after - compiled) / 5000).toFixed(1)} B`,
  );
}

function kb(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}
