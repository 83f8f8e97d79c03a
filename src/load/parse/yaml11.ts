/**
 * Plain scalars that YAML 1.2 (this loader) and YAML 1.1 (kubectl, via sigs.k8s.io/yaml and go-yaml v2) read
 * differently. Flotilla applies what YAML 1.2 says; a user who tested the file with kubectl expected the other.
 */

const BOOLEANS_1_1 = new Map<string, boolean>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((s) => [s, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].map((s) => [s, false] as const),
]);

const LEADING_ZERO = /^[-+]?0[0-9_]+$/;
const OCTAL_1_1 = /^([-+]?)0([0-7_]+)$/;

/** What a YAML 1.1 reader makes of this plain scalar when it differs from YAML 1.2, as advice; else null. */
export function yaml11Difference(source: string): string | null {
  const bool = BOOLEANS_1_1.get(source);
  if (bool !== undefined) {
    return `plain ${source} is the string "${source}" here (YAML 1.2) but the boolean ${bool} for kubectl (YAML 1.1); quote it or write ${bool}`;
  }
  if (LEADING_ZERO.test(source)) {
    const decimal = Number(source.replace(/_/g, ''));
    const octal = OCTAL_1_1.exec(source);
    if (octal) {
      const value = Number.parseInt(octal[2]!.replace(/_/g, ''), 8) * (octal[1] === '-' ? -1 : 1);
      return `plain ${source} is the integer ${decimal} here (YAML 1.2) but the octal ${value} for kubectl (YAML 1.1); write the decimal value you mean, or quote it`;
    }
    return `plain ${source} is the integer ${decimal} here (YAML 1.2) but not an integer for kubectl (YAML 1.1); write ${decimal}, or quote it`;
  }
  return null;
}
