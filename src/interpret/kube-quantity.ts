/**
 * Kubernetes Quantity arithmetic and canonical printing as apimachinery does it, for Karmada's `kube` library:
 * a sum keeps the format (binary, decimal SI, decimal exponent) of the addend that made it non-zero, and prints
 * in canonical form ("1500m", "2", "1k", "1Gi", "1536Mi", "1e3").
 */
import { parseQuantity, type Quantity } from '../model/quantity.js';

export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent' | '';

export interface FormattedQuantity {
  value: Quantity;
  format: QuantityFormat;
}

export const ZERO: FormattedQuantity = { value: { num: 0n, den: 1n }, format: '' };

/** resource.MustParse: the quantity and its format; throws on an invalid string (Go panics there). */
export function mustParse(text: string): FormattedQuantity {
  const value = parseQuantity(text);
  if (value === null || text.trim() !== text || text === '') throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${JSON.stringify(text)}`);
  const suffix = /([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(text.replace(/^[+-]?[0-9.]+/, ''))?.[1] ?? '';
  const format: QuantityFormat = /i$/.test(suffix) ? 'BinarySI' : /^[eE]/.test(suffix) ? 'DecimalExponent' : 'DecimalSI';
  return { value: roundUpToNano(value), format };
}

function roundUpToNano(q: Quantity): Quantity {
  const scaled = q.num * 1_000_000_000n;
  if (scaled % q.den === 0n) return q;
  const nanos = scaled / q.den + (q.num > 0n ? 1n : 0n);
  return { num: nanos, den: 1_000_000_000n };
}

/** Quantity.Add: the format follows the addend that made a zero sum non-zero. */
export function addQuantity(a: FormattedQuantity, b: FormattedQuantity): FormattedQuantity {
  const format = a.value.num === 0n ? b.format : a.format;
  return { value: { num: a.value.num * b.value.den + b.value.num * a.value.den, den: a.value.den * b.value.den }, format };
}

export function approximateFloat(q: Quantity): number {
  return Number(q.num) / Number(q.den);
}

/** Quantity.String(). */
export function formatQuantity(q: FormattedQuantity): string {
  const { num, den } = q.value;
  if (num === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const small = num > -1024n * den && num < 1024n * den;
    if (small || num % den !== 0n) format = 'DecimalSI';
  } else if (format === '') {
    format = 'DecimalExponent';
  }
  if (format === 'BinarySI') return formatBinary(num / den);
  const [mantissa, exponent] = canonicalDecimal(num, den);
  return `${mantissa}${decimalSuffix(exponent, format)}`;
}

function formatBinary(value: bigint): string {
  const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  let v = value;
  let i = 0;
  while (i < suffixes.length - 1 && v !== 0n && v % 1024n === 0n) {
    v /= 1024n;
    i++;
  }
  return `${v}${suffixes[i]}`;
}

/** Integer mantissa and an exponent that is a multiple of 3, trailing zeros moved into the exponent. */
function canonicalDecimal(num: bigint, den: bigint): [bigint, number] {
  // den is a power of ten (parsed decimals) or 1: turn num/den into mantissa × 10^exponent.
  let exponent = 0;
  let d = den;
  while (d > 1n && d % 10n === 0n) {
    d /= 10n;
    exponent--;
  }
  let mantissa = num / d;
  while (mantissa !== 0n && mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const rem = ((exponent % 3) + 3) % 3;
  if (rem !== 0) {
    mantissa *= 10n ** BigInt(rem);
    exponent -= rem;
  }
  return [mantissa, exponent];
}

const DECIMAL_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };

function decimalSuffix(exponent: number, format: QuantityFormat): string {
  if (format === 'DecimalSI') {
    const s = DECIMAL_SUFFIX[exponent];
    if (s !== undefined) return s;
  }
  return exponent === 0 ? '' : `e${exponent}`;
}

/** NewMilliQuantity(m, DecimalSI) / NewQuantity(v, format) for the requirement lists. */
export function fromUnits(units: bigint, milli: boolean, format: QuantityFormat): string {
  return formatQuantity({ value: { num: units, den: milli ? 1000n : 1n }, format });
}
