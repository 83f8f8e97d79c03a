/**
 * Number printing and `string.format` as gopher-lua does them: it hands numbers to Go's `fmt`, so scripts
 * written against Karmada or Argo CD print "3" for 3.0, `%d` truncates 3.7 to 3, and a missing argument is the
 * text `%!d(MISSING)` rather than an error.
 */

/** A Lua value as `string.format` sees it. */
export type FormatArg = { kind: 'number'; value: number } | { kind: 'string'; value: string } | { kind: 'other'; text: string; goType: string };

const INT64_LIMIT = 2 ** 63;

/**
 * gopher-lua's `tostring` of a number: values an int64 holds exactly as integers, others as Go's `fmt.Sprint` of a
 * float64, which is the shortest `%g` (so 1234567.5 prints as 1.2345675e+06 and 2^63 as 9.223372036854776e+18).
 */
export function goNumberString(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (Number.isInteger(n) && n >= -INT64_LIMIT && n < INT64_LIMIT) return BigInt(n).toString();
  return goShortest(n, 6);
}

/** Go's shortest `%g` of a float: an exponent from 10^eprec up and below 10^-4. */
function goShortest(n: number, eprec: number): string {
  const [mantissa, exp] = splitExponent(n.toExponential());
  if (exp < -4 || exp >= eprec) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  // JavaScript uses an exponent only below 1e-6 and from 1e21, both outside this range.
  return String(n);
}

function splitExponent(s: string): [string, number] {
  const i = s.indexOf('e');
  return [s.slice(0, i), Number(s.slice(i + 1))];
}

interface Spec {
  flags: string;
  width: number | undefined;
  precision: number | undefined;
  verb: string;
}

const SPEC_RE = /%([-+# 0]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])/g;

/** `string.format(fmt, ...)` with gopher-lua's rules (Go `fmt` verbs, flags, width and precision). */
export function goFormat(fmt: string, args: FormatArg[]): string {
  // gopher-lua passes only as many arguments as the format has verbs.
  const verbs = countOccurrences(fmt, '%') - 2 * countOccurrences(fmt, '%%');
  const used = args.slice(0, Math.max(0, Math.min(verbs, args.length)));
  let next = 0;
  const out = fmt.replace(SPEC_RE, (_m, flags: string, width: string | undefined, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const spec: Spec = { flags, width: width === undefined ? undefined : Number(width), precision: precision === undefined ? undefined : Number(precision || '0'), verb };
    const arg = used[next++];
    if (arg === undefined) return `%!${verb}(MISSING)`;
    return formatOne(spec, arg);
  });
  return next < used.length ? `${out}%!(EXTRA ${used.slice(next).map(describe).join(', ')})` : out;
}

function countOccurrences(s: string, sub: string): number {
  return s.split(sub).length - 1;
}

function describe(arg: FormatArg): string {
  if (arg.kind === 'number') return `lua.LNumber=${goNumberString(arg.value)}`;
  if (arg.kind === 'string') return `lua.LString=${arg.value}`;
  return `${arg.goType}=${arg.text}`;
}

function formatOne(spec: Spec, arg: FormatArg): string {
  if (arg.kind === 'number') return formatNumber(spec, arg.value);
  if (arg.kind === 'string') return formatString(spec, arg.value);
  if (spec.verb === 's' || spec.verb === 'v') return pad(spec, arg.text);
  return `%!${spec.verb}(${arg.goType}=${arg.text})`;
}

function formatNumber(spec: Spec, n: number): string {
  switch (spec.verb) {
    case 's':
    case 'q':
      return pad(spec, goNumberString(n));
    case 'd':
    case 'i':
      return formatInteger(spec, toInt64(n), 10);
    case 'x':
    case 'X':
    case 'o':
    case 'b':
      return formatInteger(spec, toInt64(n), spec.verb === 'o' ? 8 : spec.verb === 'b' ? 2 : 16);
    case 'c':
      return pad(spec, String.fromCodePoint(Number(toInt64(n) & 0x1fffffn)));
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return formatFloat(spec, n);
    case 'v':
      return pad(spec, goNumberString(n));
    default:
      return `%!${spec.verb}(lua.LNumber=${goNumberString(n)})`;
  }
}

function toInt64(n: number): bigint {
  if (!Number.isFinite(n)) return -(2n ** 63n);
  const t = BigInt(Math.trunc(n));
  return BigInt.asIntN(64, t);
}

function formatString(spec: Spec, s: string): string {
  switch (spec.verb) {
    case 'd':
    case 'i': {
      // gopher-lua's quirk: a numeric string prints as is, anything else as 0.
      const numeric = /^\s*[-+]?(0[xX][0-9a-fA-F]+|\d+(\.\d*)?([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)\s*$/.test(s);
      return numeric ? pad(spec, s) : formatInteger(spec, 0n, 10);
    }
    case 's':
    case 'v':
      return pad(spec, spec.precision === undefined ? s : [...s].slice(0, spec.precision).join(''));
    case 'q':
      return pad(spec, goQuote(s));
    case 'x':
    case 'X': {
      const hex = Buffer.from(s, 'utf8').toString('hex');
      return pad(spec, spec.verb === 'X' ? hex.toUpperCase() : hex);
    }
    default:
      return `%!${spec.verb}(string=${s})`;
  }
}

function formatInteger(spec: Spec, v: bigint, base: number): string {
  const negative = v < 0n;
  let digits = (negative ? -v : v).toString(base);
  if (spec.verb === 'X') digits = digits.toUpperCase();
  if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
  if (spec.flags.includes('#')) digits = (base === 16 ? (spec.verb === 'X' ? '0X' : '0x') : base === 8 ? '0' : '') + digits;
  const sign = negative ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
  return padNumber(spec, sign, digits, spec.precision === undefined);
}

function formatFloat(spec: Spec, n: number): string {
  if (!Number.isFinite(n)) {
    const text = Number.isNaN(n) ? 'NaN' : n > 0 ? (spec.flags.includes('+') ? '+Inf' : 'Inf') : '-Inf';
    return pad({ ...spec, flags: spec.flags.replace('0', '') }, text);
  }
  const negative = n < 0 || Object.is(n, -0);
  const abs = Math.abs(n);
  const lower = spec.verb.toLowerCase();
  let body: string;
  if (lower === 'f') body = abs.toFixed(spec.precision ?? 6);
  else if (lower === 'e') body = goExponent(abs.toExponential(spec.precision ?? 6));
  else body = formatG(abs, spec.precision);
  if (spec.verb === 'E' || spec.verb === 'G') body = body.toUpperCase();
  const sign = negative ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
  return padNumber(spec, sign, body, true);
}

function formatG(abs: number, precision: number | undefined): string {
  if (precision === undefined) return goShortest(abs, 6);
  const p = precision === 0 ? 1 : precision;
  const [mantissa, exp] = splitExponent(abs.toExponential(p - 1));
  const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  if (exp < -4 || exp >= p) return goExponent(`${trimmed}e${exp}`);
  return String(Number(abs.toPrecision(p)));
}

/** JavaScript writes 1e+5; Go writes at least two exponent digits, 1e+05. */
function goExponent(s: string): string {
  const [mantissa, exp] = splitExponent(s);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function padNumber(spec: Spec, sign: string, body: string, zeroAllowed: boolean): string {
  const width = spec.width ?? 0;
  const len = sign.length + body.length;
  if (len >= width) return sign + body;
  if (spec.flags.includes('-')) return sign + body + ' '.repeat(width - len);
  if (spec.flags.includes('0') && zeroAllowed) return sign + '0'.repeat(width - len) + body;
  return ' '.repeat(width - len) + sign + body;
}

function pad(spec: Spec, text: string): string {
  const width = spec.width ?? 0;
  const len = [...text].length;
  if (len >= width) return text;
  if (spec.flags.includes('-')) return text + ' '.repeat(width - len);
  return (spec.flags.includes('0') ? '0' : ' ').repeat(width - len) + text;
}

const GO_NAMED_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };
const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.Quote (`%q`): JSON's escapes differ for control characters (\x00, not \u0000) and non-printables. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const named = GO_NAMED_ESCAPES[ch];
    if (named !== undefined) out += named;
    else if (GO_PRINTABLE.test(ch)) out += ch;
    else {
      const cp = ch.codePointAt(0)!;
      out += cp < 0x80 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    }
  }
  return `${out}"`;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
