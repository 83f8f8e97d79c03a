import { describe, expect, it } from 'vitest';
import { apiVersionProblem, dns1035LabelProblem, kindProblem, templateNameProblem, dns1123LabelProblem, dns1123SubdomainProblem, jsonPointerProblem, labelValueProblem, objectNameProblem, qualifiedNameProblem } from './k8s-syntax.js';

const ok = null;

describe('Kubernetes syntax checks', () => {
  it.each([
    [dns1123LabelProblem, 'member-1', ok],
    [dns1123LabelProblem, 'Member1', 'DNS-1123 label'],
    [dns1123LabelProblem, '-a', 'DNS-1123 label'],
    [dns1123LabelProblem, 'a.b', 'DNS-1123 label'],
    [dns1123LabelProblem, 'a'.repeat(64), 'at most 63'],
    [dns1123SubdomainProblem, 'a.b-c.d', ok],
    [dns1123SubdomainProblem, 'a..b', 'DNS-1123 subdomain'],
    [qualifiedNameProblem, 'app', ok],
    [qualifiedNameProblem, 'app.kubernetes.io/name', ok],
    [qualifiedNameProblem, 'My_Key.1', ok],
    [qualifiedNameProblem, '/name', 'prefix'],
    [qualifiedNameProblem, 'Example.com/name', 'prefix'],
    [qualifiedNameProblem, 'example.com/', 'name must not be empty'],
    [qualifiedNameProblem, 'a b', 'qualified name'],
    [qualifiedNameProblem, 'testannotation~projectId', 'qualified name'],
    [qualifiedNameProblem, 'x'.repeat(64), 'at most 63'],
    [labelValueProblem, '', ok],
    [labelValueProblem, 'v1.2_3-a', ok],
    [labelValueProblem, 'has space', 'letters, digits'],
    [labelValueProblem, '-x', 'letters, digits'],
    [objectNameProblem, 'system:controller:foo', ok],
    [objectNameProblem, 'a/b', "'/'"],
    [objectNameProblem, '..', 'must not be'],
    [objectNameProblem, 'a\u0000b', 'control characters'],
    [objectNameProblem, 'a\nb', 'control characters'],
    [dns1035LabelProblem, 'web-1', ok],
    [dns1035LabelProblem, '1web', 'DNS-1035 label'],
    [kindProblem, 'Deployment', ok],
    [kindProblem, 'X509Thing', ok],
    [kindProblem, 'x/../../../../ESCAPED-KIND', 'kind name'],
    [kindProblem, 'Config Map', 'kind name'],
    [kindProblem, '9Lives', 'kind name'],
    [kindProblem, 'K'.repeat(64), 'at most 63'],
    [apiVersionProblem, 'v1', ok],
    [apiVersionProblem, 'apps/v1', ok],
    [apiVersionProblem, 'policy.karmada.io/v1alpha1', ok],
    [apiVersionProblem, 'apps/v1/extra', '<group>/<version>'],
    [apiVersionProblem, '../v1', 'the group must be a DNS-1123 subdomain'],
    [apiVersionProblem, 'apps/V1', 'the version must be a DNS-1035 label'],
    [apiVersionProblem, '1', 'the version must be a DNS-1035 label'],
    [apiVersionProblem, '/v1', 'the group must be a DNS-1123 subdomain'],
    [jsonPointerProblem, '', ok],
    [jsonPointerProblem, '/spec/replicas', ok],
    [jsonPointerProblem, '/metadata/labels/app.kubernetes.io~1name', ok],
    [jsonPointerProblem, 'spec/replicas', "starting with '/'"],
    [jsonPointerProblem, '/a~2b', "'~' must be escaped"],
  ] as const)('%o(%j)', (check: (value: string) => string | null, value, expected) => {
    const problem = check(value);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toContain(expected);
  });
});

describe('templateNameProblem: the name rule the API server applies to a kind', () => {
  it.each([
    ['', 'ConfigMap', 'app.config-1', ok],
    ['', 'ConfigMap', 'App', 'DNS-1123 subdomain'],
    ['', 'Namespace', 'a.b', 'DNS-1123 label'],
    ['', 'Service', 'web', ok],
    ['', 'Service', '1web', 'DNS-1035 label'],
    ['apps', 'Deployment', 'web_1', 'DNS-1123 subdomain'],
    ['rbac.authorization.k8s.io', 'ClusterRole', 'system:controller:foo', ok],
    ['example.com', 'Widget', 'Any Name', ok],
    ['example.com', 'Widget', 'a/b', "'/'"],
  ] as const)('%s %s %j', (group, kind, name, expected) => {
    const problem = templateNameProblem(group, kind, name);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toContain(expected);
  });
});
