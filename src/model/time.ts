/** Status timestamps are whole seconds (RFC 3339, `Z`), like Kubernetes' metav1.Time. */
export function wholeSecondTimestamp(ms: number | Date): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
