/**
 * `flotilla render` against `kubectl kustomize` (kustomize v5 inside the testbed's kubectl) on the same
 * templates and per-cluster JSON patches: once per overlay (one cluster) and for the whole fleet (every
 * overlay, where kustomize needs one invocation per cluster). Both are measured as the CLI a user runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { bench, describe } from 'vitest';
import { generateKustomizeComparison } from './fixtures/kustomize-fixture.js';
import { ensureTestbedBinaries } from '../src/testbed/index.js';

const CLUSTERS = 20;
const TEMPLATES = 200;
const { fleet, kustomize } = generateKustomizeComparison(CLUSTERS, TEMPLATES);
const root = mkdtempSync(join(tmpdir(), 'flotilla-kustomize-'));
for (const [dir, files] of [['fleet', fleet], ['kustomize', kustomize]] as const) {
  for (const f of files) {
    const p = join(root, dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
  }
}
const kubectl = join(await ensureTestbedBinaries((m) => process.stderr.write(`[testbed] ${m}\n`)), 'kubectl');
const flotilla = resolve(import.meta.dirname, '..', 'bin', 'flotilla.js');
const overlays = kustomize.filter((f) => f.path.startsWith('overlays/')).map((f) => dirname(f.path));
const one = overlays[0]!;
const oneCluster = one.split('/')[1]!;
const opts = { iterations: 5, time: 0, warmupIterations: 1 };

describe(`one overlay: 1 cluster × ${TEMPLATES} templates`, () => {
  bench('kubectl kustomize overlays/<cluster>', () => {
    execFileSync(kubectl, ['kustomize', join(root, 'kustomize', one)], { maxBuffer: 1 << 28 });
  }, opts);
  bench('flotilla render --cluster <cluster>', () => {
    execFileSync(process.execPath, [flotilla, 'render', '--repo', join(root, 'fleet'), '--out', join(root, 'out-one'), '--cluster', oneCluster]);
  }, opts);
});

describe(`whole fleet: ${CLUSTERS} clusters × ${TEMPLATES} templates`, () => {
  bench('kubectl kustomize, every overlay', () => {
    for (const o of overlays) execFileSync(kubectl, ['kustomize', join(root, 'kustomize', o)], { maxBuffer: 1 << 28 });
  }, { ...opts, iterations: 3 });
  bench('flotilla render --out (every cluster)', () => {
    execFileSync(process.execPath, [flotilla, 'render', '--repo', join(root, 'fleet'), '--out', join(root, 'out-all')]);
  }, { ...opts, iterations: 3 });
});
