/**
 * The reconcile wiring, with in-memory clusters and an in-memory fleet repository: what only the testbed showed
 * before (a broken fleet.yaml suspends pruning, one failing cluster does not stop the others, objects deleted by
 * hand come back, drift is corrected through the plan) plus the crash-safety rules, including a controller
 * "killed" at every point of a pass.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { MemoryCluster } from '../kube/memory-cluster.js';
import type { KubeObject } from '../model/kube.js';
import { memoryConnector, virtualRoundTrips, type MemoryConnector } from '../../test/support/memory-clusters.js';
import { MemoryFleetSource } from '../../test/support/memory-fleet-source.js';
import { Reconciler, type PassReport, type ReconcilerOptions } from './reconcile.js';

const NS = 'shop';
const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name });

function clusterFile(name: string): string {
  return `apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: ${name}}\nspec: {syncMode: Push, region: eu-west}\n`;
}

function configMap(name: string, value = 'v1', annotations = ''): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\n${annotations}data: {value: "${value}"}\n`;
}

function fleet(opts: { clusters?: string[]; configMaps?: string[]; maxPruneFraction?: number; policy?: boolean } = {}): Record<string, string> {
  const clusters = opts.clusters ?? ['member1', 'member2'];
  const files: Record<string, string> = {
    'fleet.yaml': `apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec: {maxPruneFraction: ${opts.maxPruneFraction ?? 1}}\n`,
  };
  for (const c of clusters) files[`clusters/${c}.yaml`] = clusterFile(c);
  if (opts.policy !== false) {
    files['policies/all.yaml'] =
      `apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: all, namespace: ${NS}}\n` +
      `spec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  placement: {clusterAffinity: {clusterNames: [${clusters.join(', ')}]}}\n`;
  }
  for (const n of opts.configMaps ?? ['a', 'b']) files[`workloads/${n}.yaml`] = configMap(n);
  return files;
}

function setup(files: Record<string, string>, clusters = ['member1', 'member2'], extra: Partial<ReconcilerOptions> = {}) {
  const repo = new MemoryFleetSource(files);
  const connector = memoryConnector(clusters);
  const reconciler = new Reconciler({ repo, connector, clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 0, resyncIntervalMs: 0, ...extra });
  return { repo, connector, reconciler, member: (n: string) => connector.clusters.get(n)! };
}

const managed = (c: MemoryCluster) =>
  c
    .snapshot()
    .filter((o: KubeObject) => o.kind === 'ConfigMap' && o.metadata.labels?.['flotilla.dev/managed'] === 'true')
    .map((o) => o.metadata.name)
    .sort();

const inventory = (repo: MemoryFleetSource, cluster: string) =>
  parse(repo.read(`status/inventory/${cluster}.yaml`) ?? 'entries: []') as { entries: { kind: string; name: string; pending?: boolean }[] };

const actions = (r: PassReport, cluster: string) => Object.fromEntries((r.clusters.find((c) => c.name === cluster)?.changeSet?.entries ?? []).map((e) => [`${e.ref.kind}/${e.ref.name}`, e.action]));

describe('Reconciler with in-memory clusters', () => {
  it('applies, records status and inventory, then makes no commit while nothing changes', async () => {
    const { repo, reconciler, member } = setup(fleet());
    const first = await reconciler.reconcileOnce();
    expect(first.problems).toEqual([]);
    expect(first.outcome).toBe('committed');
    expect(managed(member('member1'))).toEqual(['a', 'b']);
    expect(managed(member('member2'))).toEqual(['a', 'b']);
    expect(inventory(repo, 'member1').entries.filter((e) => e.kind === 'ConfigMap').map((e) => [e.name, e.pending ?? false])).toEqual([
      ['a', false],
      ['b', false],
    ]);
    const tip = repo.tip.id;
    const second = await reconciler.reconcileOnce();
    expect(second.outcome).toBe('unchanged');
    expect(second.intentCommit).toBeUndefined();
    expect(repo.tip.id).toBe(tip);
  });

  it('records the intent before the first create: the inventory already lists the object, pending', async () => {
    const { repo, reconciler, member } = setup(fleet({ configMaps: ['a'] }), ['member1']);
    const seen: (boolean | undefined)[] = [];
    member('member1').beforeNext(
      (req) => req.verb === 'apply' && req.kind === 'ConfigMap' && !req.dryRun,
      () => void seen.push(inventory(repo, 'member1').entries.find((e) => e.name === 'a')?.pending),
    );
    const report = await reconciler.reconcileOnce();
    expect(seen).toEqual([true]);
    expect(report.intentCommit).toBeDefined();
    expect(repo.commits.find((c) => c.id === report.intentCommit)?.message).toMatch(/^flotilla: about to create objects/);
    expect(inventory(repo, 'member1').entries.find((e) => e.name === 'a')?.pending).toBeUndefined();
  });

  it('creates nothing when Git cannot take the intent, while updates of known objects go on', async () => {
    const { repo, reconciler, member } = setup(fleet({ configMaps: ['a'] }), ['member1']);
    await reconciler.reconcileOnce();
    repo.humanCommit('change a, add b', { 'workloads/a.yaml': configMap('a', 'v2'), 'workloads/b.yaml': configMap('b') });
    repo.failNextCommit = new Error('git server unreachable');
    const report = await reconciler.reconcileOnce();
    expect(actions(report, 'member1')).toMatchObject({ 'ConfigMap/a': 'configured', 'ConfigMap/b': 'skipped' });
    expect(member('member1').peek(cm('b'))).toBeUndefined();
    expect(member('member1').peek(cm('a'))?.data).toEqual({ value: 'v2' });
    // Git is back: b is created on the next pass.
    await reconciler.reconcileOnce();
    expect(managed(member('member1'))).toEqual(['a', 'b']);
  });

  it('applies nothing when the branch moved with new desired state before the intent was recorded', async () => {
    const { repo, reconciler, member } = setup(fleet({ configMaps: ['a'] }), ['member1']);
    repo.beforePublish = () => repo.humanCommit('someone pushed', { 'workloads/c.yaml': configMap('c') });
    const report = await reconciler.reconcileOnce();
    expect(report.outcome).toBe('superseded');
    expect(managed(member('member1'))).toEqual([]);
    await reconciler.reconcileOnce();
    expect(managed(member('member1'))).toEqual(['a', 'c']);
  });

  it('keeps reconciling the other clusters when one cannot be reached, and records it NotReady', async () => {
    const { repo, reconciler, member } = setup(fleet());
    member('member2').unreachable = true;
    const report = await reconciler.reconcileOnce();
    expect(report.clusters.map((c) => [c.name, c.ready])).toEqual([
      ['member1', true],
      ['member2', false],
    ]);
    expect(managed(member('member1'))).toEqual(['a', 'b']);
    expect(repo.read('status/clusters/member2.yaml')).toMatch(/reason: ClusterNotReachable/);
    // A cluster already NotReady carries the not-ready taint: new placements go to the clusters that work.
    expect(repo.read('status/placements/shop/configmap-a.yaml')).toMatch(/clusters:\n\s+- name: member1\n\s+applied: true\n\s+health: Healthy\n/);
  });

  it('rewrites nothing for a failure shorter than the threshold, and records NotReady once it lasts', async () => {
    let t = Date.UTC(2031, 0, 1);
    const { repo, reconciler, member } = setup(fleet(), ['member1', 'member2'], { now: () => new Date(t), clusterFailureThresholdMs: 30_000 });
    await reconciler.reconcileOnce();
    const settled = repo.tip.id;
    member('member2').unreachable = true;
    t += 10_000;
    const blip = await reconciler.reconcileOnce();
    expect(blip.outcome).toBe('unchanged');
    expect(repo.tip.id).toBe(settled);
    // Failing since the blip 30 s ago: now it is recorded.
    t += 30_000;
    await reconciler.reconcileOnce();
    expect(repo.read('status/clusters/member2.yaml')).toMatch(/status: "False"\n\s+reason: ClusterNotReachable/);
    expect(repo.read('status/placements/shop/configmap-a.yaml')).toMatch(/name: member2\n\s+applied: false\n\s+health: Unknown/);
  });

  it('re-admits a recovered cluster only after it has answered for the success threshold', async () => {
    let t = Date.UTC(2031, 0, 1);
    const { repo, reconciler, member } = setup(fleet(), ['member1', 'member2'], { now: () => new Date(t), clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 30_000 });
    member('member2').unreachable = true;
    await reconciler.reconcileOnce();
    expect(repo.read('status/clusters/member2.yaml')).toMatch(/status: "False"/);
    member('member2').unreachable = false;
    t += 10_000;
    const early = await reconciler.reconcileOnce();
    expect(early.clusters.find((c) => c.name === 'member2')?.ready).toBe(false);
    expect(repo.read('status/clusters/member2.yaml')).toMatch(/status: "False"/);
    // A flap restarts the count.
    member('member2').unreachable = true;
    t += 5_000;
    await reconciler.reconcileOnce();
    member('member2').unreachable = false;
    // 30 s after the first good answer (at 10 s), but only 0 s into this streak.
    t += 25_000;
    expect((await reconciler.reconcileOnce()).clusters.find((c) => c.name === 'member2')?.ready).toBe(false);
    t += 30_000;
    expect((await reconciler.reconcileOnce()).clusters.find((c) => c.name === 'member2')?.ready).toBe(true);
    expect(repo.read('status/clusters/member2.yaml')).toMatch(/status: "True"\n\s+reason: ClusterReady/);
  });

  const taintPolicy = (name: string, spec: string[]) =>
    [`apiVersion: policy.karmada.io/v1alpha1`, `kind: ClusterTaintPolicy`, `metadata: {name: ${name}}`, 'spec:', ...spec.map((l) => `  ${l}`), ''].join('\n');
  const statusTaints = (repo: MemoryFleetSource, cluster: string) => (parse(repo.read(`status/clusters/${cluster}.yaml`) ?? '') as { status: { taints?: unknown[] } }).status.taints;

  it('taints a NotReady cluster through a ClusterTaintPolicy: stamped once, kept without commits, removed when Ready', async () => {
    let t = Date.UTC(2031, 0, 1);
    const files = {
      ...fleet(),
      'policies/not-ready.yaml': taintPolicy('not-ready', [
        'addOnConditions: [{conditionType: Ready, operator: In, statusValues: ["False", Unknown]}]',
        'removeOnConditions: [{conditionType: Ready, operator: In, statusValues: ["True"]}]',
        // NoSchedule: this is about the taint's own lifecycle (NoExecute would also evict: failover.test.ts).
        'taints: [{key: example.com/outage, value: network, effect: NoSchedule}]',
      ]),
    };
    const { repo, reconciler, member } = setup(files, ['member1', 'member2'], { now: () => new Date(t) });
    expect((await reconciler.reconcileOnce()).problems).toEqual([]);
    expect(statusTaints(repo, 'member2')).toBeUndefined();

    member('member2').unreachable = true;
    t += 60_000;
    await reconciler.reconcileOnce();
    const added = [{ key: 'example.com/outage', value: 'network', effect: 'NoSchedule', timeAdded: '2031-01-01T00:01:00Z' }];
    expect(statusTaints(repo, 'member2')).toEqual(added);
    expect(statusTaints(repo, 'member1')).toBeUndefined();

    const tainted = repo.tip.id;
    t += 60_000;
    expect((await reconciler.reconcileOnce()).outcome).toBe('unchanged');
    expect(repo.tip.id).toBe(tainted);
    expect(statusTaints(repo, 'member2')).toEqual(added);

    member('member2').unreachable = false;
    t += 60_000;
    await reconciler.reconcileOnce();
    expect(repo.read('status/clusters/member2.yaml')).toMatch(/status: "True"/);
    expect(statusTaints(repo, 'member2')).toBeUndefined();
  });

  it('keeps a policy taint when the policy is deleted, and schedules new objects around it', async () => {
    const files = {
      ...fleet({ configMaps: ['a'] }),
      'policies/drain.yaml': taintPolicy('drain', [
        'targetClusters: {clusterNames: [member2]}',
        'addOnConditions: [{conditionType: Ready, operator: In, statusValues: ["True"]}]',
        'taints: [{key: example.com/drain, effect: NoSchedule}]',
      ]),
    };
    const { repo, reconciler, member } = setup(files);
    await reconciler.reconcileOnce();
    expect(statusTaints(repo, 'member2')).toEqual([{ key: 'example.com/drain', effect: 'NoSchedule', timeAdded: expect.any(String) }]);
    // The taint came in the same pass as the object: it was never on member2, so it is not placed there.
    expect(managed(member('member1'))).toEqual(['a']);
    expect(managed(member('member2'))).toEqual([]);
    repo.humanCommit('delete the policy, add b', { 'policies/drain.yaml': null, 'workloads/b.yaml': configMap('b') });
    await reconciler.reconcileOnce();
    expect(statusTaints(repo, 'member2')).toHaveLength(1);
    expect(managed(member('member2'))).toEqual([]);
    expect(managed(member('member1'))).toEqual(['a', 'b']);
  });

  it('suspends pruning everywhere while fleet.yaml is broken, and prunes once it is fixed', async () => {
    const { repo, reconciler, member } = setup(fleet());
    await reconciler.reconcileOnce();
    repo.humanCommit('remove b, break fleet.yaml', { 'workloads/b.yaml': null, 'fleet.yaml': 'spec: [unclosed\n' });
    const broken = await reconciler.reconcileOnce();
    expect(broken.notices.join('\n')).toMatch(/pruning is suspended/);
    expect(managed(member('member1'))).toEqual(['a', 'b']);
    repo.humanCommit('fix fleet.yaml', { 'fleet.yaml': fleet()['fleet.yaml']! });
    await reconciler.reconcileOnce();
    expect(managed(member('member1'))).toEqual(['a']);
  });

  it('puts back an object deleted by hand, as a plan entry the change set and the commit message see', async () => {
    const { repo, reconciler, member } = setup(fleet(), ['member1']);
    await reconciler.reconcileOnce();
    member('member1').remove(cm('a'));
    const report = await reconciler.reconcileOnce();
    const entry = report.clusters[0]!.changeSet!.entries.find((e) => e.ref.name === 'a');
    expect(entry).toMatchObject({ action: 'configured', message: 'was deleted from the cluster; re-applied' });
    expect(member('member1').peek(cm('a'))).toBeDefined();
    expect(repo.tip.message).toMatch(/member1: Ready; 1 configured/);
  });

  it('corrects drift through the plan, or only reports it when the template says so', async () => {
    const files = fleet({ configMaps: ['a'] });
    files['workloads/r.yaml'] = configMap('r', 'v1', '  annotations: {flotilla.dev/drift: report}\n');
    const { repo, reconciler, member } = setup(files, ['member1']);
    await reconciler.reconcileOnce();
    for (const n of ['a', 'r']) member('member1').edit(cm(n), (o) => void (o.data = { value: 'hand-edited' }), 'kubectl-edit');
    const report = await reconciler.reconcileOnce();
    expect(report.clusters[0]!.changeSet!.entries.find((e) => e.ref.name === 'a')).toMatchObject({ action: 'configured', message: expect.stringMatching(/^drift at .*data.* corrected/) });
    expect(member('member1').peek(cm('a'))?.data).toEqual({ value: 'v1' });
    expect(member('member1').peek(cm('r'))?.data).toEqual({ value: 'hand-edited' });
    expect(repo.read('status/placements/shop/configmap-r.yaml')).toMatch(/drift: true/);
  });

  it('does not take fields a Retain script keeps from the member for drift, and corrects the others', async () => {
    const files = fleet({ configMaps: ['a'] });
    // The template sets the field too: server-side apply alone would take it back from the member every pass.
    files['workloads/a.yaml'] = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ${NS}}\ndata: {value: v1, owner: fleet-team}\n`;
    files['interpreters/configmaps.yaml'] = `apiVersion: config.karmada.io/v1alpha1
kind: ResourceInterpreterCustomization
metadata: {name: keep-owner}
spec:
  target: {apiVersion: v1, kind: ConfigMap}
  customizations:
    retention:
      luaScript: |
        function Retain(desired, observed)
          if observed.data ~= nil and observed.data.owner ~= nil then desired.data.owner = observed.data.owner end
          return desired
        end
`;
    const { reconciler, member } = setup(files, ['member1']);
    await reconciler.reconcileOnce();
    member('member1').edit(cm('a'), (o) => void (o.data = { value: 'v1', owner: 'member-team' }), 'kubectl-edit');
    const quiet = await reconciler.reconcileOnce();
    expect(quiet.clusters[0]!.changeSet!.entries.find((e) => e.ref.name === 'a')).toEqual(expect.objectContaining({ action: 'unchanged' }));
    expect(member('member1').peek(cm('a'))?.data).toEqual({ value: 'v1', owner: 'member-team' });
    member('member1').edit(cm('a'), (o) => void (o.data = { value: 'hand-edited', owner: 'member-team' }), 'kubectl-edit');
    const corrected = await reconciler.reconcileOnce();
    expect(corrected.clusters[0]!.changeSet!.entries.find((e) => e.ref.name === 'a')).toMatchObject({ action: 'configured', message: expect.stringMatching(/^drift at .*value.* corrected/) });
    expect(member('member1').peek(cm('a'))?.data).toEqual({ value: 'v1', owner: 'member-team' });
  });

  it('leaves the objects of a template whose policy is gone in place, pass after pass', async () => {
    const { repo, reconciler, member } = setup(fleet(), ['member1']);
    await reconciler.reconcileOnce();
    repo.humanCommit('drop the policy', { 'policies/all.yaml': null });
    for (let i = 0; i < 3; i++) {
      await reconciler.reconcileOnce();
      expect(managed(member('member1'))).toEqual(['a', 'b']);
      expect(repo.read('status/placements/shop/configmap-a.yaml')).toMatch(/name: member1/);
    }
    // Deleting the template is what prunes.
    repo.humanCommit('delete b', { 'workloads/b.yaml': null, 'policies/all.yaml': fleet()['policies/all.yaml']! });
    await reconciler.reconcileOnce();
    expect(managed(member('member1'))).toEqual(['a']);
  });

  it('uses one injected clock for transition times', async () => {
    const now = new Date('2031-05-06T07:08:09.500Z');
    const { repo, reconciler } = setup(fleet(), ['member1'], { now: () => now });
    await reconciler.reconcileOnce();
    expect(repo.read('status/clusters/member1.yaml')).toContain("lastTransitionTime: 2031-05-06T07:08:09Z");
  });
});

describe('the audit log stays readable', () => {
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { allocatable: { cpu: '8', memory: '32Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } };
  const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m' } } }] }, status: { phase: 'Running' } });

  it('records capacity figures at most every spec.status.summaryIntervalSeconds, while pods come and go', async () => {
    let t = Date.UTC(2031, 0, 1);
    const files = fleet({ clusters: ['member1'] });
    files['fleet.yaml'] = 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec: {maxPruneFraction: 1, status: {summaryIntervalSeconds: 300}}\n';
    const { repo, reconciler, member } = setup(files, ['member1'], { now: () => new Date(t) });
    member('member1').put(node);
    await reconciler.reconcileOnce();
    expect(repo.read('status/clusters/member1.yaml')).toMatch(/allocated:\s*\{\}/);
    const commits = () => repo.commits.length;
    const before = commits();
    // A pod every 10 seconds for 4 minutes: no commit from churn alone.
    for (let i = 0; i < 24; i++) {
      t += 10_000;
      member('member1').put(pod(`p${i}`));
      await reconciler.reconcileOnce();
    }
    expect(commits()).toBe(before);
    // Past the interval, the figures catch up in one commit.
    t += 60_000;
    await reconciler.reconcileOnce();
    expect(commits()).toBe(before + 1);
    expect(repo.read('status/clusters/member1.yaml')).toMatch(/allocated:\n\s+cpu: 2400m\n\s+pods: "24"/);
  });

  it('names the desired-state commit it observed in a trailer, also when the tip is its own status commit', async () => {
    const { repo, reconciler, member } = setup(fleet({ configMaps: ['a'] }), ['member1']);
    const human = repo.tip.id;
    await reconciler.reconcileOnce();
    expect(repo.tip.message).toMatch(new RegExp(`\n\nFlotilla-Observed: ${human}$`));
    member('member1').remove(cm('a'));
    await reconciler.reconcileOnce();
    // The tip was a status commit; the trailer still names the human commit.
    expect(repo.tip.message).toMatch(new RegExp(`\n\nFlotilla-Observed: ${human}$`));
  });
});

describe('apply throughput', () => {
  /** The second pass of a fleet of `n` ConfigMaps that all changed, against a cluster 10 ms away (virtual time). */
  async function changedPass(n: number, extra: Partial<ReconcilerOptions> = {}) {
    const names = Array.from({ length: n }, (_, i) => `cm${i}`);
    const { repo, reconciler, member } = setup(fleet({ clusters: ['member1'], configMaps: names }), ['member1'], extra);
    await reconciler.reconcileOnce();
    repo.humanCommit('change them all', Object.fromEntries(names.map((name) => [`workloads/${name}.yaml`, configMap(name, 'v2')])));
    const c = member('member1');
    const clock = virtualRoundTrips(10);
    c.latency = clock.latency;
    c.requests.length = 0;
    const report = await reconciler.reconcileOnce();
    return { report, clock, requests: c.requests, configured: Object.values(actions(report, 'member1')).filter((a) => a === 'configured').length };
  }

  it('applies 100 changed objects with many requests in flight, and reads none of them back', async () => {
    const { clock, requests, configured } = await changedPass(100);
    expect(configured).toBe(100);
    const configMaps = requests.filter((r) => r.kind === 'ConfigMap');
    expect(configMaps.filter((r) => r.verb === 'apply' && !r.dryRun)).toHaveLength(100);
    // The apply answers with the object as stored: no GET per written object.
    expect(configMaps.filter((r) => r.verb !== 'apply')).toEqual([]);
    expect(clock.maxInFlight()).toBe(16);
    // One at a time this is 100 round trips (1 s) plus the cluster probe; it takes ceil(100/16) plus the probe.
    expect(clock.elapsedMs()).toBeLessThan(200);
  });

  it('keeps to the apply concurrency it is given', async () => {
    const { clock, configured } = await changedPass(100, { applyConcurrency: 1 });
    expect(configured).toBe(100);
    expect(clock.maxInFlight()).toBe(1);
    expect(clock.elapsedMs()).toBeGreaterThanOrEqual(1000);
  });
});

describe('a controller killed at any point of a pass', () => {
  /**
   * Every request to the cluster after the first `budget` ones hangs forever: the process is gone. Resolves when
   * that happens; from then on the pass can only block.
   */
  function freezeAfter(c: MemoryCluster, budget: number): Promise<void> {
    let left = budget;
    return new Promise((frozen) => {
      c.latency = () => {
        if (left-- > 0) return Promise.resolve();
        frozen();
        return new Promise<void>(() => {});
      };
    });
  }

  async function run(connector: MemoryConnector, repo: MemoryFleetSource): Promise<void> {
    const reconciler = new Reconciler({ repo, connector, clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 0, resyncIntervalMs: 0 });
    for (let i = 0; i < 4; i++) await reconciler.reconcileOnce();
  }

  it('leaks nothing, deletes nothing of someone else and loses no commit, wherever it stops', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `cm${String(i).padStart(2, '0')}`);
    let kills = 0;
    // Every request of the pass in turn is the last one answered (a pass of this fleet makes about 30).
    for (let budget = 0; budget < 40; budget++) {
      const repo = new MemoryFleetSource(fleet({ clusters: ['member1'], configMaps: names.slice(0, 4) }));
      const connector = memoryConnector(['member1']);
      const c = connector.clusters.get('member1')!;
      await run(connector, repo);
      c.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-ours', namespace: NS }, data: { x: '1' } });
      const human = repo.humanCommit('eight more', Object.fromEntries(names.slice(4).map((n) => [`workloads/${n}.yaml`, configMap(n)])));
      const frozen = freezeAfter(c, budget);
      const pass = new Reconciler({ repo, connector, clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 0, resyncIntervalMs: 0 }).reconcileOnce();
      // Either the pass ends within its budget, or the cluster froze under it and it is abandoned mid-flight.
      if ((await Promise.race([pass.then(() => 'finished' as const), frozen.then(() => 'killed' as const)])) === 'killed') kills++;
      c.latency = 0;
      // The eight are removed again while the controller is down; a new controller must clean up.
      repo.humanCommit('remove them', Object.fromEntries(names.slice(4).map((n) => [`workloads/${n}.yaml`, null])));
      await run(connector, repo);
      expect(managed(c)).toEqual(names.slice(0, 4));
      expect(c.peek(cm('not-ours'))?.data).toEqual({ x: '1' });
      expect(repo.commits.some((x) => x.id === human)).toBe(true);
      expect(inventory(repo, 'member1').entries.filter((e) => e.kind === 'ConfigMap').map((e) => e.name)).toEqual(names.slice(0, 4));
      expect(inventory(repo, 'member1').entries.filter((e) => e.pending)).toEqual([]);
    }
    expect(kills).toBeGreaterThanOrEqual(20);
  }, 60_000);
});
