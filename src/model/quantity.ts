/**
 * Kubernetes resource quantities ("100m", "1.5", "128Mi", "1G", "2e3") as exact rationals, with the two
 * roundings Karmada's estimator uses: `Value()` (ceil to an integer) and `MilliValue()` (ceil to thousandths).
 * Floats would turn "0.1" + "0.2" CPU into 301m on some inputs; BigInt keeps the arithmetic exact.
 */

export interface Quantity {
  /** value = num / den, den > 0. */
  num: bigint;
  den: bigint;
}

const BINARY_SHIFT: Record<string, bigint> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
// Exponent suffix first so "1E3" is a thousand, while a bare "1E" is an exa.
const QUANTITY_RE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;
/** Kubernetes refuses larger exponents too; the cap also keeps BigInt powers small. */
const MAX_EXPONENT = 64;

/** Parses a quantity string (or a YAML number); null when it is not a valid quantity. */
export function parseQuantity(input: unknown): Quantity | null {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return null;
    text = numberToPlainString(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    return null;
  }
  const m = QUANTITY_RE.exec(text);
  if (!m) return null;
  const sign = m[1] === '-' ? -1n : 1n;
  const number = m[2] as string;
  const suffix = m[3] ?? '';
  const dot = number.indexOf('.');
  const intPart = dot < 0 ? number : number.slice(0, dot);
  const fracPart = dot < 0 ? '' : number.slice(dot + 1);
  let num = BigInt((intPart || '0') + fracPart) * sign;
  let exponent = -fracPart.length;
  const shift = BINARY_SHIFT[suffix];
  if (shift !== undefined) {
    num <<= shift;
  } else if (suffix.length > 1) {
    exponent += Number(suffix.slice(1));
  } else {
    exponent += DECIMAL_EXPONENT[suffix] ?? 0;
  }
  if (Math.abs(exponent) > MAX_EXPONENT) return null;
  let den = 1n;
  if (exponent >= 0) num *= 10n ** BigInt(exponent);
  else den = 10n ** BigInt(-exponent);
  return { num, den };
}

function numberToPlainString(n: number): string {
  // YAML gives `cpu: 2` or `pods: 110` as numbers; String() may produce "1e+21", which the regex accepts.
  return String(n).replace('e+', 'e');
}

function ceilDiv(num: bigint, den: bigint): bigint {
  const q = num / den;
  return num % den !== 0n && num > 0n ? q + 1n : q;
}

/** Kubernetes `Quantity.Value()`: rounded up to an integer. */
export function quantityValue(q: Quantity): number {
  return Number(ceilDiv(q.num, q.den));
}

/** Kubernetes `Quantity.MilliValue()`: thousandths, rounded up. CPU is compared in these units. */
export function quantityMilliValue(q: Quantity): number {
  return Number(ceilDiv(q.num * 1000n, q.den));
}

export function subtractQuantity(a: Quantity, b: Quantity): Quantity {
  return { num: a.num * b.den - b.num * a.den, den: a.den * b.den };
}

/** Integer amount of one resource in the unit the estimator compares it in (millicores for cpu). */
export function resourceUnits(resourceName: string, q: Quantity): number {
  return resourceName === 'cpu' ? quantityMilliValue(q) : quantityValue(q);
}

/** Formats an integer amount back as a quantity string for explanations ("500m", "536870912"). */
export function formatResourceUnits(resourceName: string, units: number): string {
  return resourceName === 'cpu' ? `${units}m` : String(units);
}
