/**
 * Field paths as Kubernetes prints them: `spec.resourceSelectors[0].kind`, map keys in brackets
 * (`metadata.labels[app.kubernetes.io/name]`), so a message names the field the way users know it.
 */

/** Segments from the document root: strings are mapping keys, numbers are list indexes. */
export type FieldPath = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${segment}]`;
  }
  return out;
}

/** `path: message`, or just the message for the document itself. */
export function withFieldPath(path: FieldPath, message: string): string {
  return path.length === 0 ? message : `${formatFieldPath(path)}: ${message}`;
}
