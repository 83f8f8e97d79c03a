/**
 * How one JSON scalar is written in YAML so that every reader gets the same value back: YAML 1.2 parsers (yaml 2,
 * go-yaml v3) and YAML 1.1 ones (kubectl's sigs.k8s.io/yaml, PyYAML). A string is left plain only when it cannot be
 * read as anything else under either version; otherwise it is double-quoted.
 */

const PLAIN_CHARS = /^[A-Za-z0-9_./][A-Za-z0-9_./+@=:, -]*$/;
/** Booleans and nulls of YAML 1.1 and 1.2 (1.1 reads y/n/yes/no/on/off as booleans). */
const RESERVED_WORDS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;
const SPECIAL_FLOATS = /^\.(?:inf|Inf|INF|nan|NaN|NAN)$/;
/**
 * Numbers of either version (0755, 0x1F, 1_000, 1e5, 1:20, .5) and YAML 1.1 timestamps start with a digit (after a
 * sign or dot) and use only these characters; "100m" or "128Mi" cannot be anything but strings.
 */
const NUMBER_LIKE = /^[-+.]?[0-9][0-9a-fA-FxXoObB_.:+\- tTzZ]*$/;
/** YAML 1.1's float pattern also matches digit-less forms such as "." and "..". */
const FLOAT_11 = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9._]*(?:[eE][-+]?[0-9]+)?$/;
/** Some 1.1 readers (the yaml library among them) also take a bare exponent such as "e0" for a float. */
const EXPONENT_ONLY = /^[-+]?[0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/;
/** Characters YAML does not accept unescaped inside double quotes (JSON.stringify leaves them as they are). */
const NEEDS_ESCAPE = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

export function isPlainSafe(s: string): boolean {
  if (!PLAIN_CHARS.test(s)) return false;
  if (s.endsWith(' ') || s.endsWith(':') || s.includes(': ') || s.includes(' #')) return false;
  if (s.startsWith('---') || s.startsWith('...')) return false;
  return !RESERVED_WORDS.test(s) && !SPECIAL_FLOATS.test(s) && !NUMBER_LIKE.test(s) && !FLOAT_11.test(s) && !EXPONENT_ONLY.test(s) && s !== '=';
}

/** JSON string escapes are valid YAML double-quoted escapes; YAML also wants C1 controls and separators escaped. */
export function doubleQuoted(s: string): string {
  return JSON.stringify(s).replace(NEEDS_ESCAPE, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Keys and many values repeat across objects; remembering how they were written halves the time per manifest. */
const inlineMemo = new Map<string, string>();
const INLINE_MEMO_LIMIT = 50_000;
const INLINE_MEMO_MAX_LENGTH = 256;

export function inlineString(s: string): string {
  let out = inlineMemo.get(s);
  if (out !== undefined) return out;
  out = isPlainSafe(s) ? s : doubleQuoted(s);
  if (s.length <= INLINE_MEMO_MAX_LENGTH) {
    if (inlineMemo.size >= INLINE_MEMO_LIMIT) inlineMemo.clear();
    inlineMemo.set(s, out);
  }
  return out;
}

/** Floats keep a "." before the exponent so that YAML 1.1 reads them as floats too (1e+21 → 1.0e+21). */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  const s = String(n);
  const e = s.indexOf('e');
  if (e >= 0 && !s.slice(0, e).includes('.')) return `${s.slice(0, e)}.0${s.slice(e)}`;
  return s;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface BlockLiteral {
  header: string;
  lines: string[];
}

/**
 * A multi-line string as a literal block (`|`, `|-`, `|+`), or null when it must be double-quoted instead: control
 * characters, carriage returns, a first line that starts with white space (its indentation would be misread), or
 * nothing but newlines.
 */
export function blockLiteral(s: string): BlockLiteral | null {
  if (!s.includes('\n') || LONE_SURROGATE.test(s)) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(s)) return null;
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 10) end--;
  const body = s.slice(0, end);
  if (body === '') return null;
  const lines = body.split('\n');
  const firstContent = lines.find((l) => l !== '');
  if (firstContent === undefined || firstContent.startsWith(' ') || firstContent.startsWith('\t')) return null;
  const trailing = s.length - end;
  const header = trailing === 0 ? '|-' : trailing === 1 ? '|' : '|+';
  for (let i = 1; i < trailing; i++) lines.push('');
  return { header, lines };
}
