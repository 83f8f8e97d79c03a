/**
 * Each place the fleet's scripts are used, with small scripts for a made-up `Nest` kind: loading and checking,
 * scheduling (replicas, requests, dependencies), rendering (ReviseReplica), health and status aggregation.
 */
import { describe, expect, it } from 'vitest';
import { loadFleet } from '../load/index.js';
import type { Fleet } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import { formatExplanation, scheduleFleet } from '../schedule/index.js';
import { renderFleet } from '../render/index.js';
import { aggregateStatus, assessHealth } from '../health/index.js';
import { fleetInterpreter, healthScriptFor, luaScriptChecker } from './fleet-interpreter.js';

const enc = new TextEncoder();

function customization(name: string, scripts: Record<string, string>, kind = 'Nest'): string {
  const body = Object.entries(scripts)
    .map(([field, script]) => `    ${field}:\n      luaScript: |\n${script.split('\n').map((l) => `        ${l}`).join('\n')}\n`)
    .join('');
  return `apiVersion: config.karmada.io/v1alpha1
kind: ResourceInterpreterCustomization
metadata:
  name: ${name}
spec:
  target: {apiVersion: birds.example.com/v1, kind: ${kind}}
  customizations:
${body}`;
}

const REPLICAS = `function GetReplicas(obj)
  return obj.spec.eggs, {resourceRequest = {cpu = "500m"}}
end`;

function nest(name: string, eggs: number | string, extra: Record<string, unknown> = {}): string {
  return `apiVersion: birds.example.com/v1
kind: Nest
metadata: {name: ${name}, namespace: tree${extra.labels ? `, labels: ${JSON.stringify(extra.labels)}` : ''}}
spec: {eggs: ${JSON.stringify(eggs)}}
`;
}

const CLUSTERS = ['m1', 'm2'].map((n) => ({ path: `clusters/${n}.yaml`, text: `apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: ${n}}\nspec: {syncMode: Push}\n` }));
const POLICY = `apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: nests, namespace: tree}
spec:
  resourceSelectors:
    - {apiVersion: birds.example.com/v1, kind: Nest}
  propagateDeps: true
  placement:
    clusterAffinity: {clusterNames: [m1, m2]}
    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}
`;

function fleetOf(files: Record<string, string>, check = true): Fleet {
  // A file given here replaces the default at the same path (the policy, say).
  const all = new Map([...CLUSTERS.map((c) => [c.path, c.text] as const), ['policies/nests.yaml', POLICY], ...Object.entries(files)]);
  return loadFleet(
    [...all].map(([path, text]) => ({ path, content: enc.encode(text) })),
    check ? { checkScripts: luaScriptChecker() } : {},
  );
}

describe('loading', () => {
  it('collects scripts per target kind with their file lines, and health scripts', () => {
    const fleet = fleetOf({ 'interpreters/nest.yaml': customization('nest', { replicaResource: REPLICAS }), 'health/birds.example.com/Nest/health.lua': 'return {status = "Healthy"}\n' });
    expect(fleet.errors).toEqual([]);
    const [entry] = [...fleet.interpreters!.kinds.values()];
    expect(entry!.target).toEqual({ apiVersion: 'birds.example.com/v1', kind: 'Nest' });
    expect(entry!.scripts.InterpretReplica).toMatchObject({ file: 'interpreters/nest.yaml', line: 10 });
    expect(fleet.interpreters!.health.map((h) => [h.group, h.kind])).toEqual([['birds.example.com', 'Nest']]);
  });

  it('reports a missing function at the script and holds the kind it targets', () => {
    const fleet = fleetOf({
      'interpreters/nest.yaml': customization('nest', { replicaResource: 'function GetReplica(obj)\n  return 1\nend' }),
      'workloads/nests.yaml': nest('a', 2),
    });
    expect(fleet.errors).toContainEqual({ file: 'interpreters/nest.yaml', line: 10, column: 1, message: 'replicaResource: the script does not define function GetReplicas' });
    expect(fleet.heldResources.map((r) => r.name)).toEqual(['a']);
  });

  it('reports a health.lua syntax error at its line, and another kind of object in interpreters/', () => {
    const fleet = fleetOf({ 'health/birds.example.com/Nest/health.lua': 'hs = {}\nif then\n', 'interpreters/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' });
    expect(fleet.errors.map((e) => [e.file, e.line])).toEqual([
      ['health/birds.example.com/Nest/health.lua', 2],
      ['interpreters/x.yaml', 2],
    ]);
  });

  it('leaves scripts unchecked without a checker (the loader itself runs no Lua)', () => {
    const fleet = fleetOf({ 'interpreters/nest.yaml': customization('nest', { replicaResource: 'function (' }) }, false);
    expect(fleet.errors).toEqual([]);
    expect(fleet.interpreters!.kinds.size).toBe(1);
  });
});

describe('scheduling', () => {
  it('divides by the GetReplicas count and reads per-replica requests from its requirements', () => {
    const fleet = fleetOf({ 'interpreters/nest.yaml': customization('nest', { replicaResource: REPLICAS }), 'workloads/nests.yaml': nest('a', 4) });
    const result = scheduleFleet(fleet, { interpreter: fleetInterpreter(fleet) });
    expect(result.errors).toEqual([]);
    expect(result.decisions[0]!.clusters).toEqual([
      { name: 'm1', replicas: 2 },
      { name: 'm2', replicas: 2 },
    ]);
    expect(result.explanations.get([...result.explanations.keys()][0]!)!.replicas).toMatchObject({ count: 4 });
    // Without the interpreter a Nest has no replicas: each cluster gets it whole.
    expect(scheduleFleet(fleet).decisions[0]!.clusters.map((c) => c.replicas)).toEqual([0, 0]);
  });

  it('keeps the previous placement when GetReplicas fails, with the Problem at the script', () => {
    const fleet = fleetOf({ 'interpreters/nest.yaml': customization('nest', { replicaResource: REPLICAS }), 'workloads/nests.yaml': nest('a', 'many') });
    const result = scheduleFleet(fleet, { interpreter: fleetInterpreter(fleet) });
    expect(result.decisions[0]).toMatchObject({ scheduled: false, reason: 'Unschedulable', clusters: [] });
    expect(result.errors).toEqual([expect.objectContaining({ file: 'interpreters/nest.yaml', line: 10, message: expect.stringMatching(/^GetReplicas: /) })]);
  });

  it('propagateDeps follows GetDependencies, by name and by label selector', () => {
    const deps = `function GetDependencies(obj)
  return {{apiVersion = "v1", kind = "ConfigMap", name = "straw"}, {apiVersion = "v1", kind = "Secret", labelSelector = {matchLabels = {twig = "yes"}}}}
end`;
    const fleet = fleetOf({
      'interpreters/nest.yaml': customization('nest', { dependencyInterpretation: deps }),
      'workloads/nests.yaml': nest('a', 1),
      'workloads/deps.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: straw, namespace: tree}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: twig, namespace: tree, labels: {twig: "yes"}}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: leaf, namespace: tree}\n`,
    });
    const byName = new Map(scheduleFleet(fleet, { interpreter: fleetInterpreter(fleet) }).decisions.map((d) => [d.resource.name, d.clusters.map((c) => c.name)]));
    expect(byName.get('straw')).toEqual(['m1', 'm2']);
    expect(byName.get('twig')).toEqual(['m1', 'm2']);
    expect(byName.get('leaf')).toEqual([]);
  });
});

describe('components (InterpretComponent)', () => {
  // A made-up two-component kind: one keeper (1 cpu) and `spec.eggs` hatchers (1 cpu, 1Gi each).
  const COMPONENTS = `function GetComponents(obj)
  return {
    {name = "keeper", replicas = 1, replicaRequirements = {resourceRequest = {cpu = "1"}}},
    {name = "hatcher", replicas = obj.spec.eggs, replicaRequirements = {resourceRequest = {cpu = "1", memory = "1Gi"}}},
  }
end`;
  const statusFile = (name: string, cpu: string) => `apiVersion: flotilla.dev/v1alpha1
kind: ClusterStatus
metadata: {name: ${name}}
status:
  resourceSummary:
    allocatable: {cpu: "${cpu}", memory: 64Gi, pods: "100"}
`;
  const ONE_CLUSTER = POLICY.replace('    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}\n', '    spreadConstraints: [{spreadByField: cluster, minGroups: 1, maxGroups: 1}]\n');
  // m1 sorts first and holds 3 of the 4 cpu a set needs; only m2 holds the whole set.
  const files = (policy: string, script = COMPONENTS) => ({
    'interpreters/nest.yaml': customization('nest', { componentResource: script }),
    'workloads/nests.yaml': nest('a', 3),
    'policies/nests.yaml': policy,
    'status/clusters/m1.yaml': statusFile('m1', '3'),
    'status/clusters/m2.yaml': statusFile('m2', '8'),
  });

  it('places the whole set on the one cluster with room for every component', () => {
    const fleet = fleetOf(files(ONE_CLUSTER));
    expect(fleet.errors).toEqual([]);
    const result = scheduleFleet(fleet, { interpreter: fleetInterpreter(fleet) });
    expect(result.errors).toEqual([]);
    expect(result.decisions[0]!.clusters.map((c) => c.name)).toEqual(['m2']);
    const explanation = [...result.explanations.values()][0]!;
    expect(explanation.terms[0]!.ranking.map((r) => [r.name, r.estimatedReplicas, r.limitedBy])).toEqual([
      ['m2', 2, 'cpu'],
      ['m1', 0, 'cpu'],
    ]);
    expect(explanation.replicas!.components).toMatchObject({ estimatedInSets: true, perSet: { cpu: '4000m', memory: String(3 * 1024 ** 3) } });
    expect(formatExplanation(explanation)).toContain(`  hatcher: 3 replica(s), each requesting cpu=1000m, memory=${1024 ** 3}`);
    // Without the script the Nest has no replicas and is not estimated: the first cluster by name wins.
    expect(scheduleFleet(fleetOf(files(ONE_CLUSTER, ''), false)).decisions[0]!.clusters.map((c) => c.name)).toEqual(['m1']);
  });

  it('leaves the estimate alone for a placement that may use several clusters, and says so', () => {
    const fleet = fleetOf(files(POLICY));
    const result = scheduleFleet(fleet, { interpreter: fleetInterpreter(fleet) });
    expect(result.decisions[0]!.clusters.map((c) => c.name)).toEqual(['m1', 'm2']);
    expect([...result.explanations.values()][0]!.replicas!.components).toMatchObject({ estimatedInSets: false, note: expect.stringMatching(/^not used: /) });
  });

  it('keeps the previous placement when GetComponents fails, with the Problem at the script', () => {
    const fleet = fleetOf(files(ONE_CLUSTER, 'function GetComponents(obj)\n  return obj.spec.eggs.count\nend'));
    const result = scheduleFleet(fleet, { interpreter: fleetInterpreter(fleet) });
    expect(result.decisions[0]).toMatchObject({ scheduled: false, reason: 'Unschedulable', clusters: [] });
    expect(result.errors).toEqual([expect.objectContaining({ file: 'interpreters/nest.yaml', line: 11, message: expect.stringMatching(/^GetComponents: /) })]);
  });
});

describe('rendering', () => {
  it('writes each cluster its share with ReviseReplica, and holds it where the script fails', () => {
    const revise = `function ReviseReplica(obj, desiredReplica)
  if desiredReplica == 1 then error("one egg is not a nest") end
  obj.spec.eggs = desiredReplica
  return obj
end`;
    const fleet = fleetOf({ 'interpreters/nest.yaml': customization('nest', { replicaResource: REPLICAS, replicaRevision: revise }), 'workloads/nests.yaml': nest('a', 4) + '---\n' + nest('b', 3) });
    const interpreter = fleetInterpreter(fleet);
    const { decisions } = scheduleFleet(fleet, { interpreter });
    const render = renderFleet(fleet, decisions, { interpreter });
    const eggs = (cluster: string, name: string) => (render.clusters.find((c) => c.cluster === cluster)!.objects.find((o) => o.ref.name === name)?.object.spec as { eggs: number } | undefined)?.eggs;
    expect([eggs('m1', 'a'), eggs('m2', 'a')]).toEqual([2, 2]);
    // b is 2 + 1: the cluster with one egg fails, the other is rendered.
    expect([eggs('m1', 'b'), eggs('m2', 'b')].sort()).toEqual([2, undefined]);
    expect(render.held).toHaveLength(1);
    expect(render.problems).toEqual([expect.objectContaining({ file: 'interpreters/nest.yaml', message: expect.stringMatching(/tree\/b for cluster m[12]: ReviseReplica: .*one egg is not a nest/) })]);
  });
});

const liveNest = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'birds.example.com/v1', kind: 'Nest', metadata: { name: 'a', namespace: 'tree' }, spec: { eggs: 2 }, status });

describe('health', () => {
  const HEALTH = `function InterpretHealth(obj)
  return obj.status.hatched == obj.spec.eggs
end`;
  const LUA = 'if obj.status.abandoned then return {status = "Degraded", message = "abandoned"} end\nreturn {}\n';

  it('health.lua first, then InterpretHealth, then the built-in rules', () => {
    const fleet = fleetOf({ 'interpreters/nest.yaml': customization('nest', { healthInterpretation: HEALTH }), 'health/birds.example.com/_/health.lua': LUA });
    const interpreter = fleetInterpreter(fleet);
    expect(assessHealth(liveNest({ abandoned: true, hatched: 2 }), interpreter)).toEqual({ health: 'Degraded', message: 'abandoned' });
    expect(assessHealth(liveNest({ hatched: 2 }), interpreter).health).toBe('Healthy');
    expect(assessHealth(liveNest({ hatched: 1 }), interpreter).health).toBe('Degraded');
    expect(assessHealth(liveNest({ conditions: [{ type: 'Ready', status: 'False', message: 'cold' }] })).health).not.toBe('Healthy');
  });

  it('an object being deleted: its health.lua words it, otherwise it is Progressing before InterpretHealth decides', () => {
    const fleet = fleetOf({ 'interpreters/nest.yaml': customization('nest', { healthInterpretation: HEALTH }), 'health/birds.example.com/_/health.lua': LUA });
    const interpreter = fleetInterpreter(fleet);
    const deleting = (status: Record<string, unknown>) => {
      const nest = liveNest(status);
      nest.metadata.deletionTimestamp = '2025-03-01T10:00:00Z';
      return nest;
    };
    expect(assessHealth(deleting({ abandoned: true }), interpreter)).toEqual({ health: 'Degraded', message: 'abandoned' });
    // The health.lua returns no status here, and InterpretHealth would say Healthy: deletion comes first.
    expect(assessHealth(deleting({ hatched: 2 }), interpreter)).toEqual({ health: 'Progressing', message: 'Pending deletion' });
  });

  it('a failing script is Unknown with its location', () => {
    const fleet = fleetOf({ 'interpreters/nest.yaml': customization('nest', { healthInterpretation: 'function InterpretHealth(obj)\n  return obj.status.x.y\nend' }) });
    const health = assessHealth(liveNest({}), fleetInterpreter(fleet));
    expect(health.health).toBe('Unknown');
    expect(health.message).toMatch(/^interpreters\/nest\.yaml:11:1: InterpretHealth: /);
  });

  it('finds health scripts exactly first, then by Argo CD wildcards', () => {
    const scripts = ['_/Nest', 'birds.example.com/Nest', '_.example.com/_'].map((p) => ({ group: p.split('/')[0]!, kind: p.split('/')[1]!, source: { script: '', file: p, line: 1, column: 1 } }));
    expect(healthScriptFor(scripts, 'birds.example.com/v1', 'Nest')?.source.file).toBe('birds.example.com/Nest');
    expect(healthScriptFor(scripts, 'fish.example.com/v1', 'Pond')?.source.file).toBe('_.example.com/_');
    expect(healthScriptFor(scripts, 'apps/v1', 'Deployment')).toBeUndefined();
  });
});

describe('status aggregation', () => {
  const REFLECT = 'function ReflectStatus(obj)\n  return {hatched = obj.status.hatched}\nend';
  const AGGREGATE = `function AggregateStatus(desired, statusItems)
  local total = 0
  for i = 1, #statusItems do total = total + statusItems[i].status.hatched end
  desired.status = {hatched = total, clusters = #statusItems}
  return desired
end`;

  it('reflects each member and aggregates them into status.aggregated, with the worst health', () => {
    const fleet = fleetOf({ 'interpreters/nest.yaml': customization('nest', { statusReflection: REFLECT, statusAggregation: AGGREGATE }) });
    const members = [
      { cluster: 'm2', applied: true, health: 'Healthy' as const, object: liveNest({ hatched: 2, noise: 'x' }) },
      { cluster: 'm1', applied: true, health: 'Progressing' as const, object: liveNest({ hatched: 1 }) },
    ];
    expect(aggregateStatus(liveNest({}), members, fleetInterpreter(fleet))).toEqual({ clusters: 2, hatched: 3, health: 'Progressing' });
  });

  it('a failing aggregation keeps the health and says why', () => {
    const fleet = fleetOf({ 'interpreters/nest.yaml': customization('nest', { statusAggregation: AGGREGATE }) });
    const out = aggregateStatus(liveNest({}), [{ cluster: 'm1', applied: true, health: 'Healthy', object: liveNest({}) }], fleetInterpreter(fleet));
    expect(out).toMatchObject({ health: 'Healthy', message: expect.stringMatching(/^interpreters\/nest\.yaml:\d+:1: AggregateStatus: /) });
  });
});
