import { describe, expect, it } from 'vitest';
import { loadTexts, positionOf, problemsWith, yamlLines } from '../testing.js';

const obj = (apiVersion: string, kind: string, name: string, ...more: string[]) => yamlLines(`apiVersion: ${apiVersion}`, `kind: ${kind}`, 'metadata:', `  name: ${name}`, ...more);

describe('resource templates: scope and namespace', () => {
  it('gives namespaced templates without a namespace the namespace default, in the ref and the object', () => {
    const fleet = loadTexts({ 'workloads/cm.yaml': obj('v1', 'ConfigMap', 'settings', 'data: {a: "1"}') });
    expect(fleet.errors).toEqual([]);
    expect(fleet.templates).toEqual([
      {
        ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'settings' },
        object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { a: '1' } },
        source: { file: 'workloads/cm.yaml', line: 1, column: 1 },
        namespaced: true,
      },
    ]);
  });

  it.each([
    ['v1', 'Namespace'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
    ['storage.k8s.io/v1', 'StorageClass'],
    ['scheduling.k8s.io/v1', 'PriorityClass'],
    ['networking.k8s.io/v1', 'IngressClass'],
    ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
    ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding'],
    ['apiregistration.k8s.io/v1', 'APIService'],
    ['flowcontrol.apiserver.k8s.io/v1', 'FlowSchema'],
    ['v1', 'PersistentVolume'],
  ])('%s %s is cluster-scoped', (apiVersion, kind) => {
    const fleet = loadTexts({ 'workloads/x.yaml': obj(apiVersion, kind, 'x') });
    expect(fleet.warnings).toEqual([]);
    expect(fleet.templates.map((t) => [t.namespaced, t.ref.namespace, t.object.metadata.namespace])).toEqual([[false, '', undefined]]);
  });

  it.each([
    ['apps/v1', 'Deployment'],
    ['batch/v1', 'CronJob'],
    ['v1', 'Secret'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    ['networking.k8s.io/v1', 'NetworkPolicy'],
    ['policy/v1', 'PodDisruptionBudget'],
    ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
  ])('%s %s is namespaced without a warning', (apiVersion, kind) => {
    const fleet = loadTexts({ 'workloads/x.yaml': obj(apiVersion, kind, 'x', '  namespace: shop') });
    expect(fleet.warnings).toEqual([]);
    expect(fleet.templates.map((t) => [t.namespaced, t.ref.namespace])).toEqual([[true, 'shop']]);
  });

  it('drops the namespace of a cluster-scoped template with a warning at the namespace', () => {
    const text = obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader', '  namespace: shop', 'rules: []');
    const fleet = loadTexts({ 'workloads/r.yaml': text });
    expect(fleet.warnings).toEqual([{ file: 'workloads/r.yaml', ...positionOf(text, 'shop'), message: 'metadata.namespace: ClusterRole is cluster-scoped; the namespace is ignored' }]);
    expect(fleet.templates[0]!.ref.namespace).toBe('');
    expect(fleet.templates[0]!.object.metadata).toEqual({ name: 'reader' });
  });

  it('takes the scope of a custom resource from its CRD in workloads/, whatever the file order', () => {
    const crd = (scope: string) =>
      yamlLines('apiVersion: apiextensions.k8s.io/v1', 'kind: CustomResourceDefinition', 'metadata: {name: issuers.cert.example.com}', 'spec:', '  group: cert.example.com', '  names: {kind: Issuer, plural: issuers}', `  scope: ${scope}`);
    for (const [scope, namespaced] of [
      ['Cluster', false],
      ['Namespaced', true],
    ] as const) {
      const fleet = loadTexts({ 'workloads/a-issuer.yaml': obj('cert.example.com/v1', 'Issuer', 'letsencrypt'), 'workloads/z-crd.yaml': crd(scope) });
      expect(fleet.warnings).toEqual([]);
      const issuer = fleet.templates.find((t) => t.ref.kind === 'Issuer')!;
      expect([issuer.namespaced, issuer.ref.namespace]).toEqual([namespaced, namespaced ? 'default' : '']);
      const definition = fleet.templates.find((t) => t.ref.kind === 'CustomResourceDefinition')!;
      expect([definition.namespaced, definition.ref.namespace]).toEqual([false, '']);
    }
  });

  it('warns once per unknown kind without a CRD and treats it as namespaced', () => {
    const text = obj('example.com/v1', 'Widget', 'a');
    const fleet = loadTexts({ 'workloads/w.yaml': [text, obj('example.com/v1', 'Widget', 'b')].join('---\n') });
    expect(fleet.warnings).toEqual([
      {
        file: 'workloads/w.yaml',
        ...positionOf(text, 'Widget'),
        message: 'kind: Widget (example.com/v1) is not a built-in kind and no CustomResourceDefinition for it is in workloads/; treated as namespaced. If it is cluster-scoped, add its CRD to workloads/',
      },
    ]);
    expect(fleet.templates.map((t) => [t.ref.name, t.ref.namespace, t.namespaced])).toEqual([
      ['a', 'default', true],
      ['b', 'default', true],
    ]);
  });
});

describe('resource templates: objects Karmada never propagates', () => {
  it.each([
    ['a template in kube-system', obj('v1', 'ConfigMap', 'x', '  namespace: kube-system'), 'ConfigMap/kube-system/x is ignored: namespace kube-system is reserved'],
    ['a template in karmada-es-member1', obj('v1', 'ConfigMap', 'x', '  namespace: karmada-es-member1'), 'namespace karmada-es-member1 is reserved'],
    ['a template in karmada-system', obj('apps/v1', 'Deployment', 'x', '  namespace: karmada-system'), 'namespace karmada-system is reserved'],
    ['the kube-public namespace itself', obj('v1', 'Namespace', 'kube-public'), 'Namespace/kube-public is ignored: namespace kube-public is reserved'],
    ['a service-account token Secret', obj('v1', 'Secret', 'tok', 'type: kubernetes.io/service-account-token'), 'Secrets of type kubernetes.io/service-account-token are never propagated'],
  ])('%s is ignored with a warning', (_, text, fragment) => {
    const fleet = loadTexts({ 'workloads/x.yaml': text });
    expect(fleet.errors).toEqual([]);
    expect(fleet.templates).toEqual([]);
    expect(fleet.heldResources).toEqual([]);
    expect(fleet.warnings).toHaveLength(1);
    expect(fleet.warnings[0]!.message).toContain(fragment);
  });

  it('keeps an ordinary Secret', () => {
    expect(loadTexts({ 'workloads/s.yaml': obj('v1', 'Secret', 's', 'type: Opaque') }).templates).toHaveLength(1);
  });
});

describe('resource templates: content', () => {
  it('keeps the object as written apart from the namespace: no defaults added', () => {
    const text = obj('apps/v1', 'Deployment', 'web', '  namespace: shop', '  labels: {app: web}', 'spec:', '  template:', '    spec:', '      containers: [{name: web, image: nginx}]');
    const fleet = loadTexts({ 'workloads/d.yaml': text });
    expect(fleet.templates[0]!.object).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    });
  });

  it('drops status silently and server-set metadata with a warning', () => {
    const text = obj('v1', 'ConfigMap', 'c', '  resourceVersion: "123"', '  uid: 0b5f', '  managedFields: []', 'data: {a: b}', 'status: {phase: Active}');
    const fleet = loadTexts({ 'workloads/c.yaml': text });
    expect(fleet.warnings.map((w) => [w.line, w.column, w.message])).toEqual([
      [positionOf(text, 'resourceVersion').line, 3, 'metadata.resourceVersion: is set by the API server; ignored (remove it from the template)'],
      [positionOf(text, 'uid').line, 3, 'metadata.uid: is set by the API server; ignored (remove it from the template)'],
      [positionOf(text, 'managedFields').line, 3, 'metadata.managedFields: is set by the API server; ignored (remove it from the template)'],
    ]);
    expect(fleet.templates[0]!.object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: 'b' } });
  });

  it.each([
    ['a label key', obj('v1', 'ConfigMap', 'c', '  labels: {"a b": x}'), 'metadata.labels[a b]: key must be a qualified name', '"a b"'],
    ['an annotation value that is not a string', obj('v1', 'ConfigMap', 'c', '  annotations: {replicas: 3}'), 'metadata.annotations.replicas: expected a string, got 3; quote it', '3}'],
    ['a ConfigMap name that is not a DNS-1123 subdomain', obj('v1', 'ConfigMap', 'My_Config'), 'metadata.name: must be a DNS-1123 subdomain', 'My_Config'],
    ['a Service name that is not a DNS-1035 label', obj('v1', 'Service', '1st'), 'metadata.name: must be a DNS-1035 label', '1st'],
    ['a Namespace name with a dot', obj('v1', 'Namespace', 'a.b'), 'metadata.name: must be a DNS-1123 label', 'a.b'],
  ])('invalid metadata (%s) holds the resource', (_, text, message, needle) => {
    const fleet = loadTexts({ 'workloads/c.yaml': text });
    expect(fleet.errors).toHaveLength(1);
    expect(fleet.errors[0]).toMatchObject({ file: 'workloads/c.yaml', ...positionOf(text, needle) });
    expect(fleet.errors[0]!.message.startsWith(message)).toBe(true);
    expect(fleet.templates).toEqual([]);
    expect(fleet.heldResources).toHaveLength(1);
    expect(`kind: ${fleet.heldResources[0]!.kind}\n`).toBe(/kind: \w+\n/.exec(text)![0]);
  });

  it.each([
    ['a slash', 'a/b', "metadata.name: must not contain '/' or '%', got \"a/b\""],
    ['a NUL', 'a\\0b', 'metadata.name: must not contain control characters (NUL, newline, …), got "a\\u0000b"'],
    ['a path step', '..', 'metadata.name: must not be ".."'],
  ])('refuses a name with %s as part of the identity: the file is broken, the rest loads', (_, written, message) => {
    const text = `${obj('v1', 'ConfigMap', `"${written}"`)}---\n${obj('v1', 'ConfigMap', 'fine')}`;
    const fleet = loadTexts({ 'workloads/c.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'workloads/c.yaml', ...positionOf(text, `"${written}"`), message }]);
    expect(fleet.brokenFiles).toEqual(['workloads/c.yaml']);
    expect(fleet.heldResources).toEqual([]);
    expect(fleet.templates.map((t) => t.ref.name)).toEqual(['fine']);
  });

  it.each([
    ['system:controller:foo', 'rbac.authorization.k8s.io/v1', 'ClusterRole'],
    ['Any_Name.x', 'example.com/v1', 'Widget'],
  ])('accepts the path-segment name %s where the API server does (%s %s)', (name, apiVersion, kind) => {
    const fleet = loadTexts({ 'workloads/r.yaml': obj(apiVersion, kind, `"${name}"`) });
    expect(fleet.errors).toEqual([]);
    expect(fleet.templates.map((t) => t.ref.name)).toEqual([name]);
  });

  it('refuses a bad namespace as part of the identity: the file is broken', () => {
    const text = obj('v1', 'ConfigMap', 'c', '  namespace: Shop');
    const fleet = loadTexts({ 'workloads/c.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'workloads/c.yaml', ...positionOf(text, 'Shop'), message: expect.stringMatching(/^metadata\.namespace: must be a DNS-1123 label/) }]);
    expect(fleet.brokenFiles).toEqual(['workloads/c.yaml']);
  });

  it('holds a CRD whose scope cannot be read', () => {
    const text = yamlLines('apiVersion: apiextensions.k8s.io/v1', 'kind: CustomResourceDefinition', 'metadata: {name: widgets.example.com}', 'spec:', '  group: example.com', '  names: {kind: Widget}', '  scope: Global');
    const fleet = loadTexts({ 'workloads/crd.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'workloads/crd.yaml', ...positionOf(text, 'Global'), message: 'spec.scope: expected Namespaced or Cluster, got "Global"' }]);
    expect(fleet.heldResources.map((r) => r.name)).toEqual(['widgets.example.com']);
  });

  it('refuses a v1 List', () => {
    const text = yamlLines('apiVersion: v1', 'kind: List', 'metadata: {name: all}', 'items: []');
    const fleet = loadTexts({ 'workloads/l.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'workloads/l.yaml', ...positionOf(text, 'List'), message: 'kind: a v1 List is not supported in workloads/; write one document per object (separated by ---)' }]);
    expect(fleet.brokenFiles).toEqual(['workloads/l.yaml']);
  });
});

describe('resource templates: duplicates', () => {
  it('reports both definitions with file and line, and holds the resource', () => {
    const a = obj('apps/v1', 'Deployment', 'web', '  namespace: shop');
    const b = yamlLines('# the same Deployment again', 'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web, namespace: shop}');
    const fleet = loadTexts({ 'workloads/a.yaml': a, 'workloads/b.yaml': b, 'workloads/ok.yaml': obj('v1', 'ConfigMap', 'ok') });
    expect(fleet.errors).toEqual([
      { file: 'workloads/a.yaml', line: 1, column: 1, message: 'Deployment/shop/web is defined more than once (also at workloads/b.yaml:2:1); it is neither changed nor pruned until only one definition remains' },
      { file: 'workloads/b.yaml', line: 2, column: 1, message: 'Deployment/shop/web is defined more than once (also at workloads/a.yaml:1:1); it is neither changed nor pruned until only one definition remains' },
    ]);
    expect(fleet.heldResources).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }]);
    expect(fleet.templates.map((t) => t.ref.name)).toEqual(['ok']);
  });

  it('counts a namespace written and one defaulted as the same, and API versions of one group as the same', () => {
    const fleet = loadTexts({
      'workloads/a.yaml': obj('v1', 'ConfigMap', 'c'),
      'workloads/b.yaml': obj('v1', 'ConfigMap', 'c', '  namespace: default'),
      'workloads/c.yaml': obj('autoscaling/v1', 'HorizontalPodAutoscaler', 'h'),
      'workloads/d.yaml': obj('autoscaling/v2', 'HorizontalPodAutoscaler', 'h'),
    });
    expect(problemsWith(fleet.errors, 'is defined more than once')).toHaveLength(4);
    expect(fleet.heldResources.map((r) => r.kind)).toEqual(['HorizontalPodAutoscaler', 'ConfigMap']);
    expect(fleet.templates).toEqual([]);
  });

  it('does not confuse objects of different groups, kinds, namespaces or names', () => {
    const fleet = loadTexts({
      'workloads/a.yaml': [obj('v1', 'ConfigMap', 'c'), obj('v1', 'Secret', 'c'), obj('v1', 'ConfigMap', 'c', '  namespace: other'), obj('v1', 'ConfigMap', 'd'), obj('example.com/v1', 'ConfigMap', 'c')].join('---\n'),
    });
    expect(fleet.errors).toEqual([]);
    expect(fleet.templates).toHaveLength(5);
  });
});
