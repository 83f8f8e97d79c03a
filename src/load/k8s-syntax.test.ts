import { describe, expect, it } from 'vitest';
import { dns1123LabelProblem, dns1123SubdomainProblem, jsonPointerProblem, labelValueProblem, objectNameProblem, qualifiedNameProblem } from './k8s-syntax.js';

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
    [jsonPointerProblem, '', ok],
    [jsonPointerProblem, '/spec/replicas', ok],
    [jsonPointerProblem, '/metadata/labels/app.kubernetes.io~1name', ok],
    [jsonPointerProblem, 'spec/replicas', "starting with '/'"],
    [jsonPointerProblem, '/a~2b', "'~' must be escaped"],
  ] as const)('%o(%j)', (check, value, expected) => {
    const problem = check(value);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toContain(expected);
  });
});
