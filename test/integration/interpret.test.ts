/**
 * `flotilla interpret` end to end, with customizations written for two made-up CRDs: a Flock (replicas and a
 * pod template: every operation and every kube library function) and a Beacon (cluster-scoped, no template).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureCli } from '../support/cli-capture.js';

const { err, run, json } = captureCli();
const dir = mkdtempSync(join(tmpdir(), 'flotilla-interpret-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const customizationsText = `apiVersion: config.karmada.io/v1alpha1
kind: ResourceInterpreterCustomization
metadata:
  name: flock
spec:
  target:
    apiVersion: example.com/v1
    kind: Flock
  customizations:
    retention:
      luaScript: |
        function Retain(desired, observed)
          desired.spec.paused = observed.spec.paused
          return desired
        end
    replicaResource:
      luaScript: |
        local kube = require("kube")
        function GetReplicas(obj)
          local requires = kube.accuratePodRequirements(obj.spec.template)
          requires.namespace = obj.metadata.namespace
          return obj.spec.size, requires
        end
    replicaRevision:
      luaScript: |
        function ReviseReplica(obj, desiredReplica)
          obj.spec.size = desiredReplica
          return obj
        end
    statusReflection:
      luaScript: |
        local kube = require("kube")
        function ReflectStatus(observed)
          local cpu = kube.getResourceQuantity(observed.status.usedCPU)
          return { ready = observed.status.ready, cpu = cpu, summary = string.format("%d/%d", observed.status.ready, observed.spec.size) }
        end
    statusAggregation:
      luaScript: |
        local kube = require("kube")
        function AggregateStatus(desired, statusItems)
          local ready, cpu, clusters = 0, nil, {}
          for _, item in ipairs(statusItems) do
            ready = ready + item.status.ready
            cpu = kube.resourceAdd(cpu, item.status.usedCPU)
            table.insert(clusters, item.clusterName)
          end
          desired.status = { ready = ready, usedCPU = cpu, clusters = table.concat(clusters, ",") }
          return desired
        end
    healthInterpretation:
      luaScript: |
        function InterpretHealth(observed)
          return observed.status ~= nil and observed.status.ready == observed.spec.size
        end
    dependencyInterpretation:
      luaScript: |
        local kube = require("kube")
        function GetDependencies(desired)
          local deps = kube.getPodDependencies(desired.spec.template, desired.metadata.namespace) or {}
          table.insert(deps, { apiVersion = "example.com/v1", kind = "Beacon", name = desired.spec.beacon })
          return deps
        end
    componentResource:
      luaScript: |
        local kube = require("kube")
        function GetComponents(desired)
          local requires = kube.accuratePodRequirements(desired.spec.template)
          return {
            { name = "leader", replicas = 1, replicaRequirements = requires },
            { name = "followers", replicas = desired.spec.size - 1, replicaRequirements = requires },
          }
        end
---
apiVersion: config.karmada.io/v1alpha1
kind: ResourceInterpreterCustomization
metadata:
  name: beacon
spec:
  target:
    apiVersion: example.com/v1
    kind: Beacon
  customizations:
    healthInterpretation:
      luaScript: |
        function InterpretHealth(observed)
          local lit = observed.status.lit
          return lit.count > 0
        end
`;
const customizations = file('flock.yaml', customizationsText);

/** 1-based line of the first line of the file containing `needle`. */
function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

const flock = {
  apiVersion: 'example.com/v1',
  kind: 'Flock',
  metadata: { name: 'geese', namespace: 'birds' },
  spec: {
    size: 4,
    paused: false,
    beacon: 'north',
    template: {
      spec: {
        serviceAccountName: 'flyer',
        nodeSelector: { climate: 'cold' },
        containers: [
          { name: 'goose', resources: { requests: { cpu: '250m', memory: '128Mi' } }, envFrom: [{ configMapRef: { name: 'route' } }] },
          { name: 'sidecar', resources: { limits: { cpu: '250m', memory: '128Mi' } } },
        ],
        volumes: [{ name: 'nest', secret: { secretName: 'nest-key' } }],
      },
    },
  },
};
const observedFlock = { ...flock, spec: { ...flock.spec, paused: true }, status: { ready: 3, usedCPU: '750m' } };
const desiredFile = file('desired.yaml', JSON.stringify(flock));
const observedFile = file('observed.json', JSON.stringify(observedFlock));
const beaconFile = file('beacon.yaml', 'apiVersion: example.com/v1\nkind: Beacon\nmetadata:\n  name: north\nstatus:\n  ready: true\n');
const statusFile = file(
  'status.yaml',
  `- clusterName: member1
  applied: true
  health: Healthy
  status: {ready: 2, usedCPU: 500m}
- clusterName: member2
  applied: true
  status: {ready: 1, usedCPU: "1"}
`,
);

async function interpret(op: string, ...flags: string[]): Promise<{ code: number; out: Record<string, unknown> }> {
  const code = await run('interpret', '-f', customizations, '--operation', op, ...flags, '-o', 'json');
  return { code, out: json() };
}

const requirements = { nodeClaim: { nodeSelector: { climate: 'cold' } }, resourceRequest: { cpu: '500m', memory: '256Mi' } };

describe('flotilla interpret', () => {
  it('Retain keeps the observed field', async () => {
    const { code, out } = await interpret('Retain', '--desired-file', desiredFile, '--observed-file', observedFile);
    expect(code).toBe(0);
    expect((out.retained as { spec: { paused: boolean } }).spec.paused).toBe(true);
  });

  it('InterpretReplica (operation names are case-insensitive)', async () => {
    const { code, out } = await interpret('interpretreplica', '--desired-file', desiredFile);
    expect(code).toBe(0);
    expect(out).toEqual({ replica: 4, requires: { ...requirements, namespace: 'birds' } });
  });

  it('ReviseReplica', async () => {
    const { out } = await interpret('ReviseReplica', '--desired-file', desiredFile, '--desired-replica', '7');
    expect((out.revised as { spec: { size: number } }).spec.size).toBe(7);
  });

  it('InterpretStatus', async () => {
    const { out } = await interpret('InterpretStatus', '--observed-file', observedFile);
    expect(out).toEqual({ status: { ready: 3, cpu: 0.75, summary: '3/4' } });
  });

  it('AggregateStatus', async () => {
    const { out } = await interpret('AggregateStatus', '--desired-file', desiredFile, '--status-file', statusFile);
    expect((out.aggregatedStatus as { status: unknown }).status).toEqual({ ready: 3, usedCPU: '1500m', clusters: 'member1,member2' });
  });

  it('AggregateStatus without --status-file hands the script nil, as karmadactl does', async () => {
    const nilAware = file('nil-aware.yaml', customizationsText.replace('function AggregateStatus(desired, statusItems)', 'function AggregateStatus(desired, statusItems)\n          if statusItems == nil then desired.status = {none = true} return desired end'));
    const { out } = await interpret('AggregateStatus', '--desired-file', desiredFile, '-f', nilAware);
    expect((out.aggregatedStatus as { status: unknown }).status).toEqual({ none: true });
  });

  it('AggregateStatus with one item per YAML document, as karmadactl reads --status-file', async () => {
    const stream = file('status-stream.yaml', '---\nclusterName: member1\napplied: true\nstatus: {ready: 2, usedCPU: 500m}\n---\nclusterName: member2\napplied: true\nstatus: {ready: 1, usedCPU: "1"}\n---\n');
    const { out } = await interpret('AggregateStatus', '--desired-file', desiredFile, '--status-file', stream);
    expect((out.aggregatedStatus as { status: unknown }).status).toEqual({ ready: 3, usedCPU: '1500m', clusters: 'member1,member2' });
  });

  it('InterpretHealth', async () => {
    const { out } = await interpret('InterpretHealth', '--observed-file', observedFile);
    expect(out).toEqual({ healthy: false });
  });

  it('InterpretDependency', async () => {
    const { out } = await interpret('InterpretDependency', '--desired-file', desiredFile);
    expect(out).toEqual({
      // Karmada's order: by apiVersion, kind, namespace, name.
      dependencies: [
        { apiVersion: 'example.com/v1', kind: 'Beacon', name: 'north' },
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'birds', name: 'route' },
        { apiVersion: 'v1', kind: 'Secret', namespace: 'birds', name: 'nest-key' },
        { apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'birds', name: 'flyer' },
      ],
    });
  });

  it('InterpretComponent', async () => {
    const { out } = await interpret('InterpretComponent', '--desired-file', desiredFile);
    expect(out).toEqual({
      components: [
        { name: 'leader', replicas: 1, replicaRequirements: requirements },
        { name: 'followers', replicas: 3, replicaRequirements: requirements },
      ],
    });
  });

  it('reports a script error at the file line of the failing script line, exit 1', async () => {
    const { code, out } = await interpret('InterpretHealth', '--observed-file', beaconFile);
    expect(code).toBe(1);
    const [problem] = out.errors as { file: string; line: number; message: string }[];
    const line = lineOf(customizationsText, 'return lit.count > 0');
    expect(problem).toMatchObject({ file: customizations, line });
    expect(problem!.message).toContain('InterpretHealth');
    expect(err.join('\n')).toContain(`${customizations}:${line}:`);
  });

  it('a customization without the operation is an error; a missing input or bad operation a usage error', async () => {
    expect((await interpret('Retain', '--desired-file', beaconFile, '--observed-file', beaconFile)).code).toBe(1);
    expect(await run('interpret', '-f', customizations, '--operation', 'Retain', '--desired-file', desiredFile)).toBe(2);
    expect(await run('interpret', '-f', customizations, '--operation', 'Guess', '--desired-file', desiredFile)).toBe(2);
    expect(await run('interpret', '-f', join(dir, 'absent.yaml'), '--operation', 'InterpretHealth', '--desired-file', desiredFile)).toBe(2);
  });

  it('a syntax error is reported at its file line', async () => {
    const broken = file('broken.yaml', 'apiVersion: config.karmada.io/v1alpha1\nkind: ResourceInterpreterCustomization\nmetadata:\n  name: broken\nspec:\n  target:\n    apiVersion: example.com/v1\n    kind: Flock\n  customizations:\n    healthInterpretation:\n      luaScript: |\n        function InterpretHealth(o)\n          return o.status.ready ==\n        end\n');
    const code = await run('interpret', '-f', broken, '--operation', 'InterpretHealth', '--observed-file', observedFile, '-o', 'json');
    expect(code).toBe(1);
    const [problem] = json().errors as { line: number; message: string }[];
    expect(problem!.line).toBe(14);
  });
});
