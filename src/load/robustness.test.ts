import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareProblems } from '../model/problem.js';
import { loadFleet } from './load-fleet.js';
import { fleetFile, yamlLines } from './testing.js';

const PATHS = ['fleet.yaml', 'clusters/a.yaml', 'policies/p.yaml', 'workloads/w.yaml', 'workloads/x/y.yml', 'status/clusters/a.yaml', 'status/placements/default/d.yaml'];

/** YAML-ish text built from pieces that make parsers and validators work hard. */
const yamlish = fc
  .array(
    fc.constantFrom(
      'apiVersion: v1\n',
      'apiVersion: policy.karmada.io/v1alpha1\n',
      'kind: PropagationPolicy\n',
      'kind: Cluster\n',
      'kind: ConfigMap\n',
      'metadata: {name: x}\n',
      'metadata:\n  name: y\n  namespace: z\n',
      'spec:\n',
      '  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n',
      '  placement: {replicaScheduling: {}}\n',
      '  taints: [{key: a}]\n',
      '---\n',
      'a: &a [1, 2]\nb: *a\n',
      '<<: {k: v}\n',
      '? [x]\n: 1\n',
      'x: [\n',
      '"unterminated\n',
      '\t- tab\n',
      'yes: 0755\n',
      '~: null\n',
      '- item\n',
      'status: {phase: x}\n',
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

describe('loadFleet never throws', () => {
  it('on arbitrary files at fleet paths', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ path: fc.constantFrom(...PATHS), content: fc.oneof(yamlish, fc.string(), fc.uint8Array({ maxLength: 200 }).map((b) => b as Uint8Array | string)) }), { maxLength: 6 }),
        (entries) => {
          const fleet = loadFleet(entries.map((e) => fleetFile(e.path, e.content)));
          for (const p of [...fleet.errors, ...fleet.warnings]) {
            expect(p.line).toBeGreaterThanOrEqual(1);
            expect(p.column).toBeGreaterThanOrEqual(1);
            expect(p.message.length).toBeGreaterThan(0);
          }
          expect([...fleet.errors].sort(compareProblems)).toEqual(fleet.errors);
          expect([...fleet.warnings].sort(compareProblems)).toEqual(fleet.warnings);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on absurdly deep nesting', () => {
    const depth = 20000;
    const fleet = loadFleet([fleetFile('workloads/deep.yaml', `${yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: deep}')}data: ${'['.repeat(depth)}${']'.repeat(depth)}\n`), fleetFile('workloads/ok.yaml', yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: ok}'))]);
    expect(fleet.templates.map((t) => t.ref.name)).toContain('ok');
    if (!fleet.templates.some((t) => t.ref.name === 'deep')) expect(fleet.brokenFiles).toEqual(['workloads/deep.yaml']);
  });
});
