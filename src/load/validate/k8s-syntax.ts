/**
 * Kubernetes name and label syntax (apimachinery `util/validation`), as checks that return what is wrong
 * or null. The API server would refuse the same values, so the loader reports them before anything is applied.
 */

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
// C0 controls and DEL: a name is also a file name and a URL path segment in later stages.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function dns1123LabelProblem(value: string, maxLength = 63): string | null {
  if (value.length > maxLength) return `must be at most ${maxLength} characters, got ${value.length}`;
  if (!DNS1123_LABEL.test(value)) {
    return `must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit), got ${JSON.stringify(value)}`;
  }
  return null;
}

export function dns1035LabelProblem(value: string): string | null {
  if (value.length > 63) return `must be at most 63 characters, got ${value.length}`;
  if (!DNS1035_LABEL.test(value)) {
    return `must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit), got ${JSON.stringify(value)}`;
  }
  return null;
}

/** `kind`: a CamelCase identifier, as the API server registers kinds. */
export function kindProblem(value: string): string | null {
  if (value.length > 63) return `must be at most 63 characters, got ${value.length}`;
  if (!KIND.test(value)) return `must be a kind name (a letter, then letters and digits, e.g. Deployment), got ${JSON.stringify(value)}`;
  return null;
}

/** `apiVersion`: `<version>` or `<group>/<version>`, the group a DNS-1123 subdomain and the version a DNS-1035 label. */
export function apiVersionProblem(value: string): string | null {
  const parts = value.split('/');
  const expected = `expected <group>/<version> or <version> (e.g. apps/v1 or v1), got ${JSON.stringify(value)}`;
  if (parts.length > 2) return expected;
  const version = parts[parts.length - 1]!;
  const group = parts.length === 2 ? parts[0]! : null;
  const groupProblem = group === null ? null : dns1123SubdomainProblem(group);
  if (groupProblem) return `${expected}; the group ${groupProblem}`;
  const versionProblem = dns1035LabelProblem(version);
  return versionProblem ? `${expected}; the version ${versionProblem}` : null;
}

export function dns1123SubdomainProblem(value: string): string | null {
  if (value.length > 253) return `must be at most 253 characters, got ${value.length}`;
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return `must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit), got ${JSON.stringify(value)}`;
  }
  return null;
}

/** Label and annotation keys, taint keys, affinity names: `[prefix/]name`. */
export function qualifiedNameProblem(value: string, maxNameLength = 63): string | null {
  const slash = value.indexOf('/');
  const prefix = slash < 0 ? null : value.slice(0, slash);
  const name = slash < 0 ? value : value.slice(slash + 1);
  if (prefix !== null) {
    if (prefix === '') return `prefix before '/' must not be empty, got ${JSON.stringify(value)}`;
    const p = dns1123SubdomainProblem(prefix);
    if (p) return `prefix ${p}`;
  }
  if (name === '') return `name must not be empty, got ${JSON.stringify(value)}`;
  if (name.length > maxNameLength) return `name part must be at most ${maxNameLength} characters, got ${name.length}`;
  if (!QUALIFIED_NAME_PART.test(name)) {
    return `must be a qualified name ([prefix/]name; the name of letters, digits, '-', '_' and '.', starting and ending with a letter or digit), got ${JSON.stringify(value)}`;
  }
  return null;
}

export function labelValueProblem(value: string): string | null {
  if (value.length > 63) return `must be at most 63 characters, got ${value.length}`;
  if (!LABEL_VALUE.test(value)) {
    return `must be empty or letters, digits, '-', '_' and '.', starting and ending with a letter or digit, got ${JSON.stringify(value)}`;
  }
  return null;
}

/** Names every object kind accepts (apimachinery `ValidatePathSegmentName`); most kinds are stricter. */
export function objectNameProblem(value: string): string | null {
  if (value === '') return 'must not be empty';
  if (value.length > 253) return `must be at most 253 characters, got ${value.length}`;
  if (value === '.' || value === '..') return `must not be ${JSON.stringify(value)}`;
  if (value.includes('/') || value.includes('%')) return `must not contain '/' or '%', got ${JSON.stringify(value)}`;
  if (CONTROL_CHARACTER.test(value)) return `must not contain control characters (NUL, newline, …), got ${JSON.stringify(value)}`;
  return null;
}

/** RFC 6901: empty, or '/'-separated tokens where '~' is only ever followed by 0 or 1. */
export function jsonPointerProblem(value: string): string | null {
  if (value !== '' && !value.startsWith('/')) return `must be a JSON pointer starting with '/', got ${JSON.stringify(value)}`;
  if (/~(?![01])/.test(value)) return `'~' must be escaped as ~0 ('~') or ~1 ('/') in a JSON pointer, got ${JSON.stringify(value)}`;
  return null;
}

/** Built-in kinds whose names the API server checks as DNS-1123 subdomains (`NameIsDNSSubdomain`), `group/Kind`. */
const SUBDOMAIN_NAMED = new Set([
  '/ConfigMap',
  '/Secret',
  '/ServiceAccount',
  '/Pod',
  '/PodTemplate',
  '/ReplicationController',
  '/PersistentVolume',
  '/PersistentVolumeClaim',
  '/LimitRange',
  '/ResourceQuota',
  '/Endpoints',
  '/Node',
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  'batch/Job',
  'batch/CronJob',
  'autoscaling/HorizontalPodAutoscaler',
  'policy/PodDisruptionBudget',
  'networking.k8s.io/Ingress',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/NetworkPolicy',
  'discovery.k8s.io/EndpointSlice',
  'storage.k8s.io/StorageClass',
  'scheduling.k8s.io/PriorityClass',
  'coordination.k8s.io/Lease',
  'node.k8s.io/RuntimeClass',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
]);

/**
 * The name rule the API server applies to a kind: a label for Namespaces, a DNS-1035 label for Services, a
 * subdomain for the kinds above; RBAC kinds (`system:controller:…`) and unknown kinds only need a path segment.
 */
export function templateNameProblem(group: string, kind: string, name: string): string | null {
  const basic = objectNameProblem(name);
  if (basic) return basic;
  if (group === '' && kind === 'Namespace') return dns1123LabelProblem(name);
  if (group === '' && kind === 'Service') return dns1035LabelProblem(name);
  if (SUBDOMAIN_NAMED.has(`${group}/${kind}`)) return dns1123SubdomainProblem(name);
  return null;
}
