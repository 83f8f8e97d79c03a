/**
 * Custom resources through the whole CLI: a fleet with a made-up `Flock` CRD whose interpreter scripts give its
 * replicas (divided across clusters), write each cluster's share (ReviseReplica), name its dependencies and decide
 * its health; `validate`, `schedule -o json`, `render` and `health --repo` all use them. Then a broken script:
 * reported at its file and line, and the kind it targets is held.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { captureCli } from '../support/cli-capture.js';

const root = mkdtempSync(join(tmpdir(), 'flotilla-crd-'));
const fleet = join(root, 'fleet');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const { out, err, run, json } = captureCli();

function write(dir: string, path: string, text: string): void {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

const cluster = (name: string) => `apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata: {name: ${name}}
spec: {syncMode: Push}
`;

const INTERPRETER = `apiVersion: config.karmada.io/v1alpha1
kind: ResourceInterpreterCustomization
metadata:
  name: flock
spec:
  target:
    apiVersion: birds.example.com/v1
    kind: Flock
  customizations:
    replicaResource:
      luaScript: |
        local kube = require("kube")
        function GetReplicas(obj)
          return obj.spec.size, kube.accuratePodRequirements(obj.spec.template)
        end
    replicaRevision:
      luaScript: |
        function ReviseReplica(obj, desiredReplica)
          obj.spec.size = desiredReplica
          return obj
        end
    dependencyInterpretation:
      luaScript: |
        function GetDependencies(obj)
          return {{apiVersion = "v1", kind = "ConfigMap", namespace = obj.metadata.namespace, name = obj.spec.songbook}}
        end
    healthInterpretation:
      luaScript: |
        function InterpretHealth(obj)
          return obj.status ~= nil and obj.status.flying == obj.spec.size
        end
`;

const HEALTH_LUA = `hs = {}
if obj.status ~= nil and obj.status.resting then
  hs.status = "Suspended"
  hs.message = "the flock is resting"
  return hs
end
return hs
`;

write(fleet, 'clusters/member1.yaml', cluster('member1'));
write(fleet, 'clusters/member2.yaml', cluster('member2'));
write(
  fleet,
  'workloads/flock-crd.yaml',
  `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: flocks.birds.example.com}
spec:
  group: birds.example.com
  scope: Namespaced
  names: {kind: Flock, plural: flocks, singular: flock}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`,
);
write(
  fleet,
  'workloads/geese.yaml',
  `apiVersion: birds.example.com/v1
kind: Flock
metadata: {name: geese, namespace: sky}
spec:
  size: 5
  songbook: honks
  template:
    spec:
      containers:
        - name: goose
          resources: {requests: {cpu: 100m}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: honks, namespace: sky}
data: {tune: honk}
`,
);
write(
  fleet,
  'policies/geese.yaml',
  `apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: {name: flocks}
spec:
  resourceSelectors:
    - {apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, name: flocks.birds.example.com}
  placement:
    clusterAffinity: {clusterNames: [member1, member2]}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: geese, namespace: sky}
spec:
  resourceSelectors:
    - {apiVersion: birds.example.com/v1, kind: Flock, name: geese}
  propagateDeps: true
  placement:
    clusterAffinity: {clusterNames: [member1, member2]}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Weighted
      weightPreference:
        staticWeightList:
          - {targetCluster: {clusterNames: [member1]}, weight: 3}
          - {targetCluster: {clusterNames: [member2]}, weight: 2}
`,
);
write(fleet, 'interpreters/flock.yaml', INTERPRETER);
write(fleet, 'health/birds.example.com/Flock/health.lua', HEALTH_LUA);

type Placement = { resource: { kind: string; name: string }; clusters: { name: string; replicas: number }[]; reason: string };

describe('a fleet with a custom resource and its scripts', () => {
  it('validates', async () => {
    expect(await run('validate', '--repo', fleet, '-o', 'json')).toBe(0);
    expect(json()).toMatchObject({ valid: true, errors: [] });
  });

  it('divides the Flock by its GetReplicas count and lets its ConfigMap follow (GetDependencies)', async () => {
    expect(await run('schedule', '--repo', fleet, '-o', 'json')).toBe(0);
    const { placements } = json() as { placements: Placement[] };
    const geese = placements.find((p) => p.resource.name === 'geese')!;
    expect(geese.clusters).toEqual([
      { name: 'member1', replicas: 3 },
      { name: 'member2', replicas: 2 },
    ]);
    const honks = placements.find((p) => p.resource.name === 'honks')!;
    expect(honks.reason).toBe('Success');
    expect(honks.clusters.map((c) => c.name)).toEqual(['member1', 'member2']);
  });

  it('renders each cluster its share, written by ReviseReplica', async () => {
    const out = join(root, 'out');
    expect(await run('render', '--repo', fleet, '--out', out)).toBe(0);
    const sizeOn = (clusterName: string) => {
      const dir = join(out, clusterName);
      const file = findFile(dir, (p) => p.includes('geese'));
      return (parseYaml(readFileSync(file, 'utf8')) as { spec: { size: number } }).spec.size;
    };
    expect(sizeOn('member1')).toBe(3);
    expect(sizeOn('member2')).toBe(2);
  });

  it('assesses health with health.lua first, then InterpretHealth', async () => {
    const live = join(root, 'live.yaml');
    const flock = (name: string, status: string) => `apiVersion: birds.example.com/v1
kind: Flock
metadata: {name: ${name}, namespace: sky}
spec: {size: 3}
status: ${status}
`;
    writeFileSync(live, [flock('resting', '{resting: true}'), flock('flying', '{flying: 3}'), flock('straggling', '{flying: 1}')].join('---\n'));
    expect(await run('health', '--repo', fleet, '-f', live, '-o', 'json')).toBe(0);
    const { objects } = json() as { objects: { resource: { name: string }; health: string; message: string }[] };
    expect(objects.map((o) => [o.resource.name, o.health])).toEqual([
      ['resting', 'Suspended'],
      ['flying', 'Healthy'],
      ['straggling', 'Degraded'],
    ]);
    // Without the repository's scripts a Flock is judged by generic rules.
    out.length = 0;
    expect(await run('health', '-f', live, '-o', 'json')).toBe(0);
    expect((json() as { objects: { health: string }[] }).objects.map((o) => o.health)).not.toContain('Suspended');
  });
});

describe('a broken script', () => {
  const broken = join(root, 'broken');

  it('is a Problem at its file and line, and the Flock is held', async () => {
    cpSync(fleet, broken, { recursive: true });
    write(broken, 'interpreters/flock.yaml', INTERPRETER.replace('function ReviseReplica(obj, desiredReplica)', 'function ReviseReplica(obj, desiredReplica'));
    expect(await run('validate', '--repo', broken, '-o', 'json')).toBe(1);
    const { errors } = json() as { errors: { file: string; line: number; message: string }[] };
    // Lua notices the missing ')' at the next token, on the script's following line.
    const line = INTERPRETER.split('\n').findIndex((l) => l.includes('function ReviseReplica')) + 2;
    expect(errors).toContainEqual(expect.objectContaining({ file: 'interpreters/flock.yaml', line, message: expect.stringMatching(/^replicaRevision: /) }));
    expect(errors.some((e) => /the 1 Flock resource\(s\) .*keep their last applied version/.test(e.message))).toBe(true);

    const out = join(root, 'out-broken');
    expect(await run('render', '--repo', broken, '--out', out)).toBe(1);
    expect(() => findFile(join(out, 'member1'), (p) => p.includes('geese'))).toThrow(/no file/);
    expect(err.some((l) => l.includes('interpreters/flock.yaml'))).toBe(true);
  });

  it('in health.lua makes the object Unknown with the script location, never a crash', async () => {
    write(broken, 'health/birds.example.com/Flock/health.lua', 'return obj.status.missing.field\n');
    const live = join(root, 'live-broken.yaml');
    writeFileSync(live, 'apiVersion: birds.example.com/v1\nkind: Flock\nmetadata: {name: a, namespace: sky}\nspec: {size: 1}\nstatus: {}\n');
    await run('health', '--repo', broken, '-f', live, '-o', 'json');
    const { objects } = json() as { objects: { health: string; message: string }[] };
    expect(objects[0]).toMatchObject({ health: 'Unknown', message: expect.stringMatching(/^health\/birds\.example\.com\/Flock\/health\.lua:1:/) });
  });
});

function findFile(dir: string, match: (path: string) => boolean): string {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  const found = walk(dir).find(match);
  if (!found) throw new Error(`no file matching in ${dir}`);
  return found;
}
