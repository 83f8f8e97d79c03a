import { describe, expect, it } from 'vitest';
import { controllerPruneRefusal } from '../cli/plan.js';
import { fleetFile } from '../load/testing.js';
import { fleetInterpreter, luaScriptChecker } from '../interpret/fleet-interpreter.js';
import { formatPlanMarkdown, formatPlanText, planFleetChange, planJson, replicaMoves, type PlanResult, type PlanSide } from './index.js';

const cluster = (name: string, region: string) =>
  `apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: ${name}, labels: {region: ${region}}}\nspec: {syncMode: Push, region: ${region}}\n`;

const deployment = (name: string, replicas: number, image = 'nginx:1.27') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: shop, labels: {app: ${name}}}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      containers: [{name: main, image: "${image}"}]\n`;

const weighted = (weights: Record<string, number>, names = ['web']) =>
  `apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  resourceSelectors:\n${names.map((n) => `    - {apiVersion: apps/v1, kind: Deployment, name: ${n}}\n`).join('')}  placement:\n    clusterAffinity: {clusterNames: [${Object.keys(weights).join(', ')}]}\n    replicaScheduling:\n      replicaSchedulingType: Divided\n      replicaDivisionPreference: Weighted\n      weightPreference:\n        staticWeightList:\n${Object.entries(weights)
    .map(([c, w]) => `          - {targetCluster: {clusterNames: [${c}]}, weight: ${w}}\n`)
    .join('')}`;

const everywhere = `apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterPropagationPolicy\nmetadata: {name: everywhere}\nspec:\n  resourceSelectors:\n    - {apiVersion: v1, kind: Namespace}\n    - {apiVersion: v1, kind: Secret}\n    - {apiVersion: v1, kind: ConfigMap}\n`;

const secret = (data: Record<string, string>, stringData: Record<string, string> = {}) =>
  `apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: shop}\ntype: Opaque\ndata: {${Object.entries(data)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')}}\nstringData: {${Object.entries(stringData)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')}}\n`;

const BASE: Record<string, string> = {
  'fleet.yaml': 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec: {maxPruneFraction: 0.5}\n',
  'clusters/member1.yaml': cluster('member1', 'eu'),
  'clusters/member2.yaml': cluster('member2', 'eu'),
  'clusters/member3.yaml': cluster('member3', 'us'),
  'workloads/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n',
  'workloads/web.yaml': deployment('web', 3),
  'workloads/secret.yaml': secret({ password: 'c3VwZXJzZWNyZXQx', user: 'YWRtaW4=' }, { token: 'hunter2-very-secret' }),
  'policies/web.yaml': weighted({ member1: 2, member2: 1 }),
  'policies/everywhere.yaml': everywhere,
};

const side = (revision: string, texts: Record<string, string>): PlanSide => ({ revision, files: Object.entries(texts).map(([p, t]) => fleetFile(p, t)) });
const plan = (head: Record<string, string>, base: Record<string, string> = BASE): PlanResult =>
  planFleetChange(side('a'.repeat(40), base), side('WORKTREE', head), { pruneRefusal: controllerPruneRefusal });
const names = (refs: { kind: string; name: string }[]) => refs.map((r) => `${r.kind}/${r.name}`);

describe('planFleetChange', () => {
  it('finds nothing to do when head equals base', () => {
    const p = plan(BASE);
    expect(p.errors).toEqual([]);
    expect(p.placements).toEqual([]);
    expect(p.clusters).toEqual([]);
    expect(formatPlanText(p)).toContain('no changes');
  });

  it('reports a placement move and the objects it changes on each cluster', () => {
    const p = plan({ ...BASE, 'policies/web.yaml': weighted({ member1: 1, member3: 2 }) });
    expect(p.placements).toEqual([
      {
        resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
        before: [{ name: 'member1', replicas: 2 }, { name: 'member2', replicas: 1 }],
        after: [{ name: 'member1', replicas: 1 }, { name: 'member3', replicas: 2 }],
      },
    ]);
    expect(replicaMoves(p.placements[0]!)).toBe('member1 2→1, member2 1→0, member3 0→2');
    expect(p.clusters.map((c) => [c.name, names(c.added), names(c.changed), names(c.removed)])).toEqual([
      ['member1', [], ['Deployment/web'], []],
      ['member2', [], [], ['Deployment/web']],
      ['member3', ['Deployment/web'], [], []],
    ]);
    const member1 = p.clusters[0]!.diffs[0]!.diff;
    expect(member1).toContain('-  replicas: 2\n+  replicas: 1');
    expect(member1).not.toContain('content-hash');
    expect(p.clusters[1]!.diffs[0]!.diff).toMatch(/^--- a\/member2\/.*\n\+\+\+ \/dev\/null/);
    expect(p.warnings.map((w) => w.kind)).toEqual(['ClusterEmptied']);
    expect(p.warnings[0]!.cluster).toBe('member2');
  });

  it('lists head errors and still plans what is valid', () => {
    const p = plan({ ...BASE, 'workloads/broken.yaml': 'a: [\n', 'workloads/web.yaml': deployment('web', 3, 'nginx:1.28') });
    expect(p.errors.length).toBeGreaterThan(0);
    expect(p.errors.every((e) => e.file === 'workloads/broken.yaml')).toBe(true);
    expect(p.clusters.map((c) => c.name)).toEqual(['member1', 'member2']);
  });

  it('warns when a placement becomes Unschedulable', () => {
    const policy = weighted({ member1: 1 }).replace('clusterNames: [member1]}\n    replicaScheduling', 'clusterNames: [nosuch]}\n    replicaScheduling');
    const p = plan({ ...BASE, 'policies/web.yaml': policy });
    expect(p.warnings.filter((w) => w.kind === 'Unschedulable').map((w) => w.resource?.name)).toEqual(['web']);
  });

  it('warns about a prune the circuit breaker would refuse, from the inventory at base', () => {
    const entries = ['a', 'b', 'c', 'd'].map((n) => `  - {apiVersion: v1, kind: ConfigMap, namespace: shop, name: ${n}, hash: x, source: workloads/cm.yaml}`).join('\n');
    const inventory = `apiVersion: flotilla.dev/v1alpha1\nkind: Inventory\nmetadata: {name: member1}\nentries:\n${entries}\n`;
    const cms = ['a', 'b', 'c', 'd'].map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}, namespace: shop}\ndata: {k: v}\n`).join('---\n');
    const base: Record<string, string> = { ...BASE, 'workloads/cm.yaml': cms, 'status/inventory/member1.yaml': inventory };
    const { 'workloads/cm.yaml': _gone, ...head } = base;
    const p = plan(head, base);
    const prune = p.warnings.filter((w) => w.kind === 'MassPrune');
    expect(prune.map((w) => w.cluster)).toEqual(['member1']);
    expect(prune[0]!.message).toMatch(/refusing to delete 4 of 4 objects on member1/);
    // The same removal with a fraction that allows it is no warning.
    const lenient = plan({ ...head, 'fleet.yaml': BASE['fleet.yaml']!.replace('0.5', '1') }, base);
    expect(lenient.warnings.filter((w) => w.kind === 'MassPrune')).toEqual([]);
  });

  it('keeps an object whose template lost its policy (the controller holds it) out of removed', () => {
    const placement = `apiVersion: flotilla.dev/v1alpha1\nkind: Placement\nmetadata: {name: deployment.apps-web, namespace: shop}\nspec:\n  resource: {apiVersion: apps/v1, kind: Deployment, namespace: shop, name: web}\n  policy: {kind: PropagationPolicy, namespace: shop, name: web}\n  clusters: [{name: member1, replicas: 2}, {name: member2, replicas: 1}]\n`;
    const base: Record<string, string> = { ...BASE, 'status/placements/shop/deployment.apps-web.yaml': placement };
    const { 'policies/web.yaml': _gone, ...head } = base;
    const p = plan(head, base);
    expect(p.clusters.flatMap((c) => names(c.removed))).toEqual([]);
    // Without a recorded placement there is nothing to keep: the objects go.
    const { 'policies/web.yaml': _policy, ...bare } = BASE;
    expect(plan(bare).clusters.flatMap((c) => names(c.removed))).toEqual(['Deployment/web', 'Deployment/web']);
  });
});

describe('the plan of a drain (a NoExecute taint added to a cluster by pull request)', () => {
  const placement = `apiVersion: flotilla.dev/v1alpha1\nkind: Placement\nmetadata: {name: deployment.apps-web, namespace: shop}\nspec:\n  resource: {apiVersion: apps/v1, kind: Deployment, namespace: shop, name: web}\n  policy: {kind: PropagationPolicy, namespace: shop, name: web}\n  clusters: [{name: member1, replicas: 2}, {name: member2, replicas: 1}]\n`;
  const everywhereRecord = (apiVersion: string, kind: string, namespace: string, name: string) =>
    `apiVersion: flotilla.dev/v1alpha1\nkind: Placement\nmetadata: {name: ${kind.toLowerCase()}-${name}, namespace: ${namespace || '_cluster'}}\nspec:\n  resource: {apiVersion: ${apiVersion}, kind: ${kind}, namespace: "${namespace}", name: ${name}}\n  policy: {kind: ClusterPropagationPolicy, namespace: "", name: everywhere}\n  clusters: [{name: member1, replicas: 0}, {name: member2, replicas: 0}, {name: member3, replicas: 0}]\n`;
  // As the controller leaves them: every placed template has a record, so every one of them is evicted with a task.
  const base: Record<string, string> = {
    ...BASE,
    'status/placements/shop/deployment.apps-web.yaml': placement,
    'status/placements/_cluster/namespace-shop.yaml': everywhereRecord('v1', 'Namespace', '', 'shop'),
    'status/placements/shop/secret-creds.yaml': everywhereRecord('v1', 'Secret', 'shop', 'creds'),
  };
  const drained = { ...base, 'clusters/member2.yaml': cluster('member2', 'eu').replace('spec: {syncMode: Push, region: eu}', 'spec: {syncMode: Push, region: eu, taints: [{key: drain, effect: NoExecute}]}') };

  it('shows the replicas moving off the drained cluster, and keeps the old copy there until the eviction task is cleared', () => {
    const p = plan(drained, base);
    expect(p.errors).toEqual([]);
    expect(p.placements.map((c) => [c.resource.name, replicaMoves(c)])).toEqual([
      ['web', 'member1 2→3, member2 1→0'],
      ['creds', 'member2 0→0'],
    ]);
    expect(p.clusters.map((c) => [c.name, names(c.added), names(c.changed), names(c.removed)])).toEqual([['member1', [], ['Deployment/web'], []]]);
    // Draining is meant to empty the cluster of workloads (its namespace stays: namespaces are never evicted).
    expect(p.warnings.map((w) => [w.kind, w.cluster])).toEqual([['ClusterEmptied', 'member2']]);
  });

  it('warns instead when no other cluster can take the replicas: nothing moves', () => {
    const stuck = { ...drained, 'policies/web.yaml': weighted({ member2: 1 }) };
    const p = plan(stuck, { ...base, 'policies/web.yaml': weighted({ member2: 1 }) });
    expect(p.warnings.map((w) => w.kind)).toEqual(['Unschedulable']);
    expect(p.warnings[0]!.message).toContain('eviction from member2 not carried out');
    expect(p.clusters.flatMap((c) => names(c.removed))).toEqual([]);
  });
});

describe('Secrets in a plan', () => {
  const head = { ...BASE, 'workloads/secret.yaml': secret({ password: 'bmV3c2VjcmV0Mg==', extra: 'ZXh0cmF2YWx1ZQ==' }, { token: 'hunter2-very-secret' }) };
  const SECRET_VALUES = ['c3VwZXJzZWNyZXQx', 'YWRtaW4=', 'hunter2-very-secret', 'bmV3c2VjcmV0Mg==', 'ZXh0cmF2YWx1ZQ==', 'supersecret1', 'newsecret2', 'extravalue'];

  it('names the keys added, changed and removed, and shows no value in any output', () => {
    const p = plan(head);
    const diff = p.clusters[0]!.diffs.find((d) => d.resource.kind === 'Secret')!;
    expect(diff.secretKeys).toEqual({ added: ['data.extra'], changed: ['data.password'], removed: ['data.user'] });
    expect(diff.diff).toContain('+  password: "(secret value hidden, changed)"');
    const outputs = [JSON.stringify(planJson(p)), formatPlanText(p), formatPlanMarkdown(p)];
    for (const out of outputs) {
      for (const v of SECRET_VALUES) expect(out).not.toContain(v);
      expect(out).toContain('data.password');
    }
    expect(formatPlanMarkdown(p)).toContain('data.extra added; data.password changed; data.user removed');
  });

  it('hides the values of an added or removed Secret too', () => {
    const { 'workloads/secret.yaml': _gone, ...without } = BASE;
    for (const p of [plan(without), plan(BASE, without)]) {
      const out = [JSON.stringify(planJson(p)), formatPlanText(p), formatPlanMarkdown(p)].join('\n');
      expect(out).toContain('(secret value hidden)');
      for (const v of SECRET_VALUES) expect(out).not.toContain(v);
    }
  });
});

describe('formatPlanMarkdown', () => {
  const many = (n: number, size: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`workloads/cm${i}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm${i}, namespace: shop}\ndata: {v: "${String(i).repeat(size * (i + 1))}"}\n`]));

  it('is a PR comment: heading, summary table, replica moves, folded diffs', () => {
    const md = formatPlanMarkdown(plan({ ...BASE, 'policies/web.yaml': weighted({ member1: 1, member3: 2 }) }));
    expect(md).toMatch(/^## Flotilla plan: `aaaaaaaaaaaa` → `WORKTREE`/);
    expect(md).toContain('| member2 | 0 | 0 | 1 |');
    expect(md).toContain('- `Deployment/shop/web`: member1 2→1, member2 1→0, member3 0→2');
    expect(md).toContain('<details><summary>member1: 0 added, 1 changed, 0 removed</summary>\n\n```diff\n--- a/member1/');
    expect(md).toContain('**ClusterEmptied**: member2 loses all its workloads');
  });

  it('shows problems with file:line', () => {
    const md = formatPlanMarkdown(plan({ ...BASE, 'workloads/broken.yaml': 'a: [\n' }));
    expect(md).toMatch(/- `workloads\/broken\.yaml:\d+:\d+` /);
  });

  it('stays under the limit by cutting the largest diffs, and says which', () => {
    const p = plan({ ...BASE, ...many(12, 200) });
    const full = formatPlanMarkdown(p, { limit: 10_000_000 });
    const md = formatPlanMarkdown(p, { limit: 20_000 });
    expect(full.length).toBeGreaterThan(20_000);
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toMatch(/_\d+ diff\(s\) not shown to keep this comment under the size limit/);
    // The largest ConfigMap is cut, the smallest shown.
    expect(md).toContain('`member1 ConfigMap/shop/cm11 (');
    expect(md).toContain('+++ b/member1/shop/configmap-cm0.yaml');
    expect(md).toContain('| member1 | 12 | 0 | 0 |');
  });

  it('uses a longer fence when a diff contains one', () => {
    const md = formatPlanMarkdown(plan({ ...BASE, 'workloads/fence.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f, namespace: shop}\ndata:\n  a: |\n    ```\n    x\n' }));
    expect(md).toContain('````diff\n');
  });
});

describe('planFleetChange with the fleet scripts', () => {
  const scripts = { check: luaScriptChecker(), interpreterFor: fleetInterpreter };
  const nests = (eggsScript: string, size = 4) => ({
    ...BASE,
    'workloads/nest.yaml': `apiVersion: birds.example.com/v1\nkind: Nest\nmetadata: {name: big, namespace: shop}\nspec: {eggs: ${size}}\n`,
    'policies/nests.yaml':
      'apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: nests, namespace: shop}\nspec:\n  resourceSelectors:\n    - {apiVersion: birds.example.com/v1, kind: Nest}\n' +
      '  placement:\n    clusterAffinity: {clusterNames: [member1, member2]}\n    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}\n',
    'interpreters/nest.yaml':
      'apiVersion: config.karmada.io/v1alpha1\nkind: ResourceInterpreterCustomization\nmetadata: {name: nest}\nspec:\n  target: {apiVersion: birds.example.com/v1, kind: Nest}\n  customizations:\n' +
      `    replicaResource:\n      luaScript: |\n        function GetReplicas(obj)\n          return ${eggsScript}\n        end\n` +
      '    replicaRevision:\n      luaScript: |\n        function ReviseReplica(obj, n)\n          obj.spec.eggs = n\n          return obj\n        end\n',
  });
  const planWithScripts = (head: Record<string, string>, base: Record<string, string>) =>
    planFleetChange(side('a'.repeat(40), base), side('WORKTREE', head), { pruneRefusal: controllerPruneRefusal, scripts });

  it('shows what a changed replica script does to placements and rendered objects', () => {
    const p = planWithScripts(nests('obj.spec.eggs * 2'), nests('obj.spec.eggs'));
    expect(p.errors).toEqual([]);
    expect(p.placements.map((c) => [c.resource.name, c.before.map((x) => x.replicas), c.after.map((x) => x.replicas)])).toEqual([['big', [2, 2], [4, 4]]]);
    expect(p.clusters.map((c) => [c.name, names(c.changed)])).toEqual([
      ['member1', ['Nest/big']],
      ['member2', ['Nest/big']],
    ]);
    expect(p.clusters[0]!.diffs[0]!.diff).toMatch(/-\s+eggs: 2\n\+\s+eggs: 4/);
  });

  it('reports a broken script of the head at its file and line', () => {
    const p = planWithScripts(nests('obj.spec.eggs +'), nests('obj.spec.eggs'));
    expect(p.errors).toContainEqual(expect.objectContaining({ file: 'interpreters/nest.yaml', line: 11, message: "replicaResource: unexpected symbol near 'end'" }));
  });
});
