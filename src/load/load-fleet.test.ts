import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ClusterDef, Fleet } from '../model/fleet.js';
import { loadFleet } from './load-fleet.js';
import { fleetFile, fleetJson, loadTexts, positionOf, yamlLines } from './testing.js';
import { validationReport } from './validate/validation-report.js';

const CLUSTERS = Object.fromEntries(
  [
    ['member1', 'eu-west', 'primary'],
    ['member2', 'eu-west', 'primary'],
    ['member3', 'us-east', 'backup'],
  ].map(([name, region, tier]) => [
    `clusters/${name}.yaml`,
    yamlLines('apiVersion: cluster.karmada.io/v1alpha1', 'kind: Cluster', 'metadata:', `  name: ${name}`, `  labels: {tier: ${tier}}`, 'spec:', '  syncMode: Push', `  region: ${region}`),
  ]),
);

const WORKLOADS = yamlLines(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  '  labels: {app: web}',
  'spec:',
  '  replicas: 3',
  '  selector: {matchLabels: {app: web}}',
  '  template:',
  '    metadata: {labels: {app: web}}',
  '    spec:',
  '      containers: [{name: web, image: "registry.example.com/web:1.0"}]',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: web}',
  'spec:',
  '  selector: {app: web}',
  '  ports: [{port: 80}]',
  '---',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: web-config, namespace: default}',
  'data: {LOG_LEVEL: info}',
);

const POLICIES = yamlLines(
  'apiVersion: policy.karmada.io/v1alpha1',
  'kind: PropagationPolicy',
  'metadata: {name: web}',
  'spec:',
  '  resourceSelectors:',
  '    - {apiVersion: apps/v1, kind: Deployment, name: web}',
  '    - {apiVersion: v1, kind: Service, name: web}',
  '  placement:',
  '    clusterAffinity: {labelSelector: {matchLabels: {tier: primary}}}',
  '    replicaScheduling: {replicaSchedulingType: Divided}',
  '---',
  'apiVersion: policy.karmada.io/v1alpha1',
  'kind: ClusterPropagationPolicy',
  'metadata: {name: config-everywhere}',
  'spec:',
  '  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]',
  '  placement:',
  '    spreadConstraints: [{maxGroups: 3}]',
  '---',
  'apiVersion: policy.karmada.io/v1alpha1',
  'kind: OverridePolicy',
  'metadata: {name: debug-on-member2}',
  'spec:',
  '  resourceSelectors: [{apiVersion: v1, kind: ConfigMap, name: web-config}]',
  '  targetCluster: {clusterNames: [member2]}',
  '  overriders:',
  '    plaintext: [{path: /data/LOG_LEVEL, operator: replace, value: debug}]',
);

const EXAMPLE: Record<string, string> = { ...CLUSTERS, 'workloads/web.yaml': WORKLOADS, 'policies/web.yaml': POLICIES, 'README.md': '# not YAML: ignored\n' };

describe('loadFleet on a small realistic fleet', () => {
  it('loads the whole model', () => {
    const fleet = loadTexts(EXAMPLE);
    const cluster = (name: string, region: string, tier: string): ClusterDef => ({
      name,
      labels: { tier },
      annotations: {},
      spec: { syncMode: 'Push', region },
      source: { file: `clusters/${name}.yaml`, line: 1, column: 1 },
    });
    const at = (needle: string) => ({ file: 'workloads/web.yaml', ...positionOf(WORKLOADS, needle) });
    const policyAt = (needle: string) => ({ file: 'policies/web.yaml', ...positionOf(POLICIES, needle) });
    const expected: Fleet = {
      settings: { maxPruneFraction: 0.5, maxFileBytes: 1048576, pollIntervalSeconds: 30, summaryIntervalSeconds: 300, defaultTolerationSeconds: 300 },
      clusters: [cluster('member1', 'eu-west', 'primary'), cluster('member2', 'eu-west', 'primary'), cluster('member3', 'us-east', 'backup')],
      clusterStatuses: new Map(),
      propagationPolicies: [
        {
          kind: 'ClusterPropagationPolicy',
          name: 'config-everywhere',
          namespace: '',
          labels: {},
          spec: {
            resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap' }],
            placement: { spreadConstraints: [{ maxGroups: 3, spreadByField: 'cluster', minGroups: 1 }] },
            priority: 0,
            preemption: 'Never',
            conflictResolution: 'Abort',
            schedulerName: 'default-scheduler',
          },
          source: policyAt('apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterPropagationPolicy'),
        },
        {
          kind: 'PropagationPolicy',
          name: 'web',
          namespace: 'default',
          labels: {},
          spec: {
            resourceSelectors: [
              { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'default' },
              { apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'default' },
            ],
            placement: {
              clusterAffinity: { labelSelector: { matchLabels: { tier: 'primary' } } },
              replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' },
            },
            priority: 0,
            preemption: 'Never',
            conflictResolution: 'Abort',
            schedulerName: 'default-scheduler',
          },
          source: policyAt('apiVersion'),
        },
      ],
      invalidPolicies: [],
      overridePolicies: [
        {
          kind: 'OverridePolicy',
          name: 'debug-on-member2',
          namespace: 'default',
          spec: {
            resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'web-config', namespace: 'default' }],
            overrideRules: [{ targetCluster: { clusterNames: ['member2'] }, overriders: { plaintext: [{ path: '/data/LOG_LEVEL', operator: 'replace', value: 'debug' }] } }],
          },
          source: policyAt('apiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy'),
        },
      ],
      clusterTaintPolicies: [],
      workloadRebalancers: [],
      templates: [
        {
          ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
          object: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'web', labels: { app: 'web' }, namespace: 'default' },
            spec: {
              replicas: 3,
              selector: { matchLabels: { app: 'web' } },
              template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1.0' }] } },
            },
          },
          source: at('apiVersion: apps/v1'),
          namespaced: true,
        },
        {
          ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'web-config' },
          object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'default' }, data: { LOG_LEVEL: 'info' } },
          source: at('apiVersion: v1\nkind: ConfigMap'),
          namespaced: true,
        },
        {
          ref: { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web' },
          object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
          source: at('apiVersion: v1\nkind: Service'),
          namespaced: true,
        },
      ],
      placements: new Map(),
      brokenFiles: [],
      heldResources: [],
      errors: [],
      warnings: [],
    };
    expect(fleet).toEqual(expected);
    expect(validationReport(fleet)).toEqual({ valid: true, errors: [], warnings: [] });
  });

  it('gives identical output for any order of the files', () => {
    const files = Object.entries({
      ...EXAMPLE,
      'workloads/dup-a.yaml': yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: dup}'),
      'workloads/dup-b.yaml': yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: dup}'),
      'workloads/broken.yaml': 'a: [\n',
      'clusters/again.yaml': CLUSTERS['clusters/member1.yaml']!,
      'policies/bad.yaml': POLICIES.replace('Divided', 'Divded').replace(/name: web}/, 'name: web2}'),
    }).map(([path, text]) => fleetFile(path, text));
    const reference = fleetJson(loadFleet(files));
    fc.assert(
      fc.property(fc.shuffledSubarray(files, { minLength: files.length, maxLength: files.length }), (shuffled) => {
        expect(fleetJson(loadFleet(shuffled))).toBe(reference);
      }),
      { numRuns: 40 },
    );
  });

  it('does not modify its input', () => {
    const files = Object.entries(EXAMPLE).map(([path, text]) => fleetFile(path, text));
    const before = files.map((f) => [f.path, [...f.content]]);
    loadFleet(files);
    expect(files.map((f) => [f.path, [...f.content]])).toEqual(before);
  });
});

describe('loadFleet: a broken file does not stop the others', () => {
  it('loads every other file and lists the broken one', () => {
    const fleet = loadTexts({ ...EXAMPLE, 'workloads/broken.yaml': yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: broken', 'data: {}') });
    expect(fleet.brokenFiles).toEqual(['workloads/broken.yaml']);
    expect(fleet.errors.every((e) => e.file === 'workloads/broken.yaml')).toBe(true);
    expect(fleet.errors.length).toBeGreaterThan(0);
    expect(fleet.templates).toHaveLength(3);
    expect(fleet.clusters).toHaveLength(3);
    expect(fleet.propagationPolicies).toHaveLength(2);
  });

  it('loads the good documents of a partly broken file, which stays broken', () => {
    const text = yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: good}', '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bad', '---', 'apiVersion: v1', 'kind: Secret', 'metadata: {name: also-good}');
    const fleet = loadTexts({ 'workloads/mixed.yaml': text });
    expect(fleet.brokenFiles).toEqual(['workloads/mixed.yaml']);
    expect(fleet.templates.map((t) => t.ref.name)).toEqual(['good', 'also-good']);
  });

  it('marks a file with an unidentifiable document broken', () => {
    const text = yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: good}', '---', 'kind: ConfigMap', 'metadata: {name: no-api-version}', '---', '- a list');
    const fleet = loadTexts({ 'workloads/x.yaml': text });
    expect(fleet.errors).toEqual([
      { file: 'workloads/x.yaml', ...positionOf(text, 'kind: ConfigMap\nmetadata: {name: no'), message: 'apiVersion: is required' },
      { file: 'workloads/x.yaml', ...positionOf(text, '- a list'), message: 'expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got a list' },
    ]);
    expect(fleet.brokenFiles).toEqual(['workloads/x.yaml']);
    expect(fleet.templates.map((t) => t.ref.name)).toEqual(['good']);
  });

  it.each([
    ['kind', yamlLines('apiVersion: v1', 'kind: 5', 'metadata: {name: x}'), 'kind: expected a non-empty string, got 5', '5'],
    ['metadata.name', yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  generateName: web-'), 'metadata.name: is required (generateName is not supported: a fleet object needs a stable name)', 'metadata'],
    ['metadata', yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: web'), 'metadata: expected a mapping, got "web"', 'web'],
    ['apiVersion', yamlLines('apiVersion: apps/v1/extra', 'kind: Deployment', 'metadata: {name: x}'), 'apiVersion: expected <group>/<version> or <version> (e.g. apps/v1 or v1), got "apps/v1/extra"', 'apps/v1/extra'],
  ])('requires a usable %s', (_, text, message, needle) => {
    const fleet = loadTexts({ 'workloads/x.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'workloads/x.yaml', ...positionOf(text, needle), message }]);
    expect(fleet.brokenFiles).toEqual(['workloads/x.yaml']);
  });

  it('refuses unsafe paths and paths given twice', () => {
    const cm = yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}');
    const fleet = loadFleet([fleetFile('workloads/../../etc/x.yaml', cm), fleetFile('/abs/workloads/x.yaml', cm), fleetFile('workloads/twice.yaml', cm), fleetFile('workloads/twice.yaml', cm), fleetFile('workloads/ok.yaml', cm)]);
    expect(fleet.errors.map((e) => [e.file, e.message])).toEqual([
      ['/abs/workloads/x.yaml', 'path is absolute; file refused'],
      ['workloads/../../etc/x.yaml', "path contains a '..' segment; file refused"],
      ['workloads/twice.yaml', 'the same path was given more than once; the file is refused'],
    ]);
    expect(fleet.brokenFiles).toEqual(['/abs/workloads/x.yaml', 'workloads/../../etc/x.yaml', 'workloads/twice.yaml']);
    expect(fleet.templates.map((t) => t.source.file)).toEqual(['workloads/ok.yaml']);
  });

  it('ignores files outside the fleet silently, even when they are not YAML at all', () => {
    const fleet = loadFleet([fleetFile('README.md', new Uint8Array([0xff, 0])), fleetFile('.github/workflows/ci.yaml', 'on: [push\n'), fleetFile('docs/x.yaml', '{{{')]);
    expect(fleet.errors).toEqual([]);
    expect(fleet.warnings).toEqual([]);
    expect(fleet.brokenFiles).toEqual([]);
  });
});

describe('loadFleet: objects in the wrong directory are errors, never reclassified', () => {
  const deployment = yamlLines('apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web, namespace: shop}');
  const cluster = CLUSTERS['clusters/member1.yaml']!;
  const pp = POLICIES.split('---\n')[0]!;
  const op = POLICIES.split('---\n')[2]!;

  it.each([
    ['a Cluster under workloads/', 'workloads/c.yaml', cluster, 'cluster.karmada.io/v1alpha1 Cluster belongs in clusters/, not in workloads/'],
    ['a Deployment under policies/', 'policies/d.yaml', deployment, 'apps/v1 Deployment is a resource template and belongs in workloads/, not in policies/; it is neither changed nor pruned until it is moved'],
    ['a Deployment under clusters/', 'clusters/d.yaml', deployment, 'apps/v1 Deployment is a resource template and belongs in workloads/, not in clusters/; it is neither changed nor pruned until it is moved'],
    ['a PropagationPolicy under clusters/', 'clusters/p.yaml', pp, 'policy.karmada.io/v1alpha1 PropagationPolicy belongs in policies/, not in clusters/'],
    ['an OverridePolicy under workloads/', 'workloads/o.yaml', op, 'policy.karmada.io/v1alpha1 OverridePolicy belongs in policies/, not in workloads/'],
    ['a Cluster under policies/', 'policies/c.yaml', cluster, 'cluster.karmada.io/v1alpha1 Cluster belongs in clusters/, not in policies/'],
    ['a Fleet under workloads/', 'workloads/f.yaml', yamlLines('apiVersion: flotilla.dev/v1alpha1', 'kind: Fleet', 'metadata: {name: x}'), 'flotilla.dev/v1alpha1 Fleet belongs in fleet.yaml at the repository root, not in workloads/'],
    ['a FederatedResourceQuota under policies/', 'policies/q.yaml', yamlLines('apiVersion: policy.karmada.io/v1alpha1', 'kind: FederatedResourceQuota', 'metadata: {name: x}'), 'policy.karmada.io/v1alpha1 FederatedResourceQuota is not supported by Flotilla (policies/ holds PropagationPolicy, ClusterPropagationPolicy, OverridePolicy, ClusterOverridePolicy, ClusterTaintPolicy and WorkloadRebalancer)'],
    ['a ClusterTaintPolicy under workloads/', 'workloads/t.yaml', yamlLines('apiVersion: policy.karmada.io/v1alpha1', 'kind: ClusterTaintPolicy', 'metadata: {name: x}'), 'policy.karmada.io/v1alpha1 ClusterTaintPolicy belongs in policies/, not in workloads/'],
    ['a WorkloadRebalancer under workloads/', 'workloads/r.yaml', yamlLines('apiVersion: apps.karmada.io/v1alpha1', 'kind: WorkloadRebalancer', 'metadata: {name: x}'), 'apps.karmada.io/v1alpha1 WorkloadRebalancer belongs in policies/, not in workloads/'],
    ['another apps.karmada.io kind under policies/', 'policies/m.yaml', yamlLines('apiVersion: apps.karmada.io/v1alpha1', 'kind: MultiClusterIngress', 'metadata: {name: x}'), 'apps.karmada.io/v1alpha1 MultiClusterIngress does not belong in policies/'],
  ])('%s', (_, path, text, message) => {
    const fleet = loadTexts({ [path]: text });
    expect(fleet.errors).toEqual([{ file: path, ...positionOf(text, 'kind: ') , column: positionOf(text, 'kind: ').column + 6, message: `kind: ${message}` }]);
    expect(fleet.clusters).toEqual([]);
    expect(fleet.templates).toEqual([]);
    expect(fleet.propagationPolicies).toEqual([]);
    expect(fleet.overridePolicies).toEqual([]);
  });

  it('holds a misplaced resource template', () => {
    const fleet = loadTexts({ 'policies/d.yaml': deployment });
    expect(fleet.heldResources).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }]);
  });

  it('keeps a misplaced PropagationPolicy as invalid, so what it selects keeps its placement', () => {
    const fleet = loadTexts({ 'workloads/p.yaml': pp });
    expect(fleet.invalidPolicies.map((p) => [p.kind, p.namespace, p.name, p.resourceSelectors])).toEqual([
      [
        'PropagationPolicy',
        'default',
        'web',
        [
          { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
          { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web' },
        ],
      ],
    ]);
  });

  it('refuses Karmada objects that are not templates under workloads/', () => {
    const text = yamlLines('apiVersion: work.karmada.io/v1alpha1', 'kind: Work', 'metadata: {name: w, namespace: karmada-es-member1}');
    const fleet = loadTexts({ 'workloads/w.yaml': text });
    expect(fleet.errors).toEqual([
      { file: 'workloads/w.yaml', ...positionOf(text, 'work.karmada.io'), message: 'apiVersion: objects of API group work.karmada.io are not resource templates (Karmada never propagates them); they do not belong in workloads/' },
    ]);
    expect(fleet.templates).toEqual([]);
  });
});

describe('loadFleet: duplicate policies', () => {
  it('reports both and uses neither; propagation policies become invalid so their resources stay put', () => {
    const pp = POLICIES.split('---\n')[0]!;
    const op = POLICIES.split('---\n')[2]!;
    const fleet = loadTexts({ 'policies/a.yaml': `${pp}---\n${op}`, 'policies/b.yaml': `${pp}---\n${op}` });
    const opLine = positionOf(`${pp}---\n${op}`, 'kind: OverridePolicy').line - 1;
    expect(fleet.errors).toEqual([
      { file: 'policies/a.yaml', line: 1, column: 1, message: 'PropagationPolicy default/web is defined more than once (also at policies/b.yaml:1:1); none of the definitions is used' },
      { file: 'policies/a.yaml', line: opLine, column: 1, message: `OverridePolicy default/debug-on-member2 is defined more than once (also at policies/b.yaml:${opLine}:1); none of the definitions is used` },
      { file: 'policies/b.yaml', line: 1, column: 1, message: 'PropagationPolicy default/web is defined more than once (also at policies/a.yaml:1:1); none of the definitions is used' },
      { file: 'policies/b.yaml', line: opLine, column: 1, message: `OverridePolicy default/debug-on-member2 is defined more than once (also at policies/a.yaml:${opLine}:1); none of the definitions is used` },
    ]);
    expect(fleet.propagationPolicies).toEqual([]);
    expect(fleet.overridePolicies).toEqual([]);
    expect(fleet.invalidPolicies.map((p) => [p.name, p.source.file, p.resourceSelectors.length])).toEqual([
      ['web', 'policies/a.yaml', 2],
      ['web', 'policies/b.yaml', 2],
    ]);
  });

  it('tells policies of different kinds or namespaces apart', () => {
    const pp = POLICIES.split('---\n')[0]!;
    const fleet = loadTexts({ 'policies/a.yaml': pp, 'policies/b.yaml': pp.replace('{name: web}', '{name: web, namespace: other}'), 'policies/c.yaml': pp.replace('kind: PropagationPolicy', 'kind: ClusterPropagationPolicy') });
    expect(fleet.errors).toEqual([]);
    expect(fleet.propagationPolicies.map((p) => `${p.kind}/${p.namespace}/${p.name}`)).toEqual(['ClusterPropagationPolicy//web', 'PropagationPolicy/default/web', 'PropagationPolicy/other/web']);
  });
});

describe('validationReport', () => {
  it('is the validate command JSON: valid, errors and warnings sorted by file, line, column', () => {
    const fleet = loadTexts({
      'workloads/z.yaml': yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: z}', 'data: {on: yes}'),
      'workloads/a.yaml': 'x: [\n',
      'policies/p.yaml': POLICIES.replace('Divided', 'Divded'),
    });
    const report = validationReport(fleet);
    expect(Object.keys(report)).toEqual(['valid', 'errors', 'warnings']);
    expect(report.valid).toBe(false);
    expect(report.errors.map((e) => e.file)).toEqual(['policies/p.yaml', 'workloads/a.yaml']);
    expect(report.warnings.map((w) => [w.file, w.message.split(':')[0]])).toEqual([
      ['workloads/z.yaml', 'data.on'],
      ['workloads/z.yaml', 'data.on'],
    ]);
    for (const p of [...report.errors, ...report.warnings]) expect(Object.keys(p)).toEqual(['file', 'line', 'column', 'message']);
  });

  it('is valid with warnings only', () => {
    const fleet = loadTexts({ 'workloads/z.yaml': yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: z}', 'data: {a: yes}') });
    expect(validationReport(fleet).valid).toBe(true);
    expect(validationReport(fleet).warnings).toHaveLength(1);
  });
});
