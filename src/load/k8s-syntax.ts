/**
 * Kubernetes name and label syntax (apimachinery `util/validation`), as checks that return what is wrong
 * or null. The API server would refuse the same values, so the loader reports them before anything is applied.
 */

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
  return null;
}

/** RFC 6901: empty, or '/'-separated tokens where '~' is only ever followed by 0 or 1. */
export function jsonPointerProblem(value: string): string | null {
  if (value !== '' && !value.startsWith('/')) return `must be a JSON pointer starting with '/', got ${JSON.stringify(value)}`;
  if (/~(?![01])/.test(value)) return `'~' must be escaped as ~0 ('~') or ~1 ('/') in a JSON pointer, got ${JSON.stringify(value)}`;
  return null;
}
