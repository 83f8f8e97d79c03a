/**
 * The fast reader against yaml itself: for generated and damaged YAML (nasty scalars, every quoting style,
 * nesting, comments, several documents, duplicate keys, anchors, bad indentation), parseYamlDocuments gives
 * exactly the same documents, values, Problems and positions whichever reader runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastParseDocuments } from './fast-yaml.js';
import { parseYamlDocuments, type ParsedYamlFile } from './yaml-documents.js';
import { largeConfigMap } from '../testing.js';

const NASTY_SCALARS = [
  '', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'yes', 'No', 'on', 'OFF', 'y', 'N',
  '0', '-0', '+0', '+1', '-12', '007', '0755', '0o17', '0o8', '0x1F', '0xg', '0X1F', '1e3', '1E-3', '-1.5e+2', '.5', '5.', '1.0', '1.50',
  '.inf', '-.Inf', '+.INF', '.NaN', '.nan', 'nan', '1_000', '12:30', '9007199254740993', '1e400', '-1e400', '0.1.2',
  'a b', 'a: b', 'a:b', 'a #b', 'a#b', '#x', '- x', '-x', '-', '--', '---', '----', '...', '?', '? x', '?x', ':x', 'x:', '{a}', '[a]', 'a,b',
  '&a', '*a', '!x', '!!str x', '|', '>', "'", '"', "it's", 'say "hi"', '%x', '@x', '`x', '<<', '__proto__', 'constructor', 'toString',
  'é', '日本', '😀', ' lead', 'trail ', 'a\\nb', 'c:\\dir', 'http://x.y/z', 'a  b', 'x'.repeat(1100),
];
const KEYS = ['a', 'b', 'name', 'apiVersion', 'kind', 'data', 'stringData', 'metadata', '1', '01', 'true', 'yes', '~', '', '__proto__', 'a b', 'k:v', '-k', 'x.y/z', '<<', 'on'];

const COMMON_KEYS = ['a', 'b', 'name', 'apiVersion', 'kind', 'data', 'metadata', '1', 'on', 'x.y/z', 'a b'];

type Tree = { s: string } | { map: [string, Tree][] } | { seq: Tree[] } | { anchor: string; of: Tree } | { alias: string };

/** What fleet files mostly hold, so that most generated files stay inside the fast reader's subset. */
const COMMON_SCALARS = ['a', 'app-1', 'v1', 'ConfigMap', 'true', 'false', 'null', '~', '', '1', '-3', '1.5', '0x1F', '.inf', '1e3', 'yes', '0755', 'a b', 'x.y/z: w', 'http://x', '日本', 'it\'s'];
const scalar = fc.oneof({ arbitrary: fc.constantFrom(...COMMON_SCALARS), weight: 4 }, { arbitrary: fc.constantFrom(...NASTY_SCALARS), weight: 1 }).map((s): Tree => ({ s }));
const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: scalar, weight: 10 },
    { arbitrary: fc.uniqueArray(fc.tuple(fc.constantFrom(...COMMON_KEYS), tie('t')), { minLength: 1, maxLength: 5, selector: ([k]) => k }).map((map): Tree => ({ map })), weight: 10 },
    { arbitrary: fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('t')), { minLength: 1, maxLength: 5 }).map((map): Tree => ({ map })), weight: 3 },
    { arbitrary: fc.array(tie('t'), { minLength: 1, maxLength: 4 }).map((seq): Tree => ({ seq })), weight: 10 },
    { arbitrary: fc.tuple(fc.constantFrom('x', 'y'), tie('t')).map(([anchor, of]): Tree => ({ anchor, of })), weight: 1 },
    { arbitrary: fc.constantFrom('x', 'y').map((alias): Tree => ({ alias })), weight: 1 },
  ),
})).t;

interface Style {
  indent: number;
  quote: number;
  flow: number;
  comment: number;
  seqSameIndent: boolean;
}

/** Deterministic choices from a seed, so one generated case prints the same text every time. */
function chooser(seed: number): (n: number) => number {
  let x = seed || 1;
  return (n) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
}

function scalarText(s: string, pick: (n: number) => number, style: Style): string {
  const q = pick(10) < style.quote ? pick(3) : 3;
  if (q === 0) return `'${s.replace(/'/g, "''")}'`;
  if (q === 1) return JSON.stringify(s);
  return s;
}

function flowText(t: Tree, pick: (n: number) => number, style: Style): string {
  if ('s' in t) return scalarText(t.s, pick, style);
  if ('alias' in t) return `*${t.alias}`;
  if ('anchor' in t) return `&${t.anchor} ${flowText(t.of, pick, style)}`;
  if ('seq' in t) return `[${t.seq.map((i) => flowText(i, pick, style)).join(', ')}]`;
  return `{${t.map.map(([k, v]) => `${scalarText(k, pick, style)}: ${flowText(v, pick, style)}`).join(', ')}}`;
}

function comment(pick: (n: number) => number, style: Style): string {
  return pick(10) < style.comment ? ['  # note', ' #', ' # a: b', '\t# tab'][pick(pick(8) === 0 ? 4 : 3)]! : '';
}

/** Lines for `t` as the value after `key:` or `- ` (first element goes on that line). */
function blockLines(t: Tree, indent: number, pick: (n: number) => number, style: Style): { inline: string; lines: string[] } {
  const pad = ' '.repeat(indent);
  if ('s' in t) {
    if (pick(10) === 0) {
      const header = ['|', '|-', '|+', '>', '|2'][pick(5)]!;
      const body = t.s.split(' ').map((w) => (w === '' ? '' : pad + ' '.repeat(style.indent) + w));
      return { inline: header + comment(pick, style), lines: [...body, ...(pick(3) === 0 ? [''] : [])] };
    }
    return { inline: scalarText(t.s, pick, style) + comment(pick, style), lines: [] };
  }
  if ('alias' in t) return { inline: `*${t.alias}`, lines: [] };
  if ('anchor' in t) {
    const inner = blockLines(t.of, indent, pick, style);
    return inner.inline === '' ? { inline: `&${t.anchor}`, lines: inner.lines } : { inline: `&${t.anchor} ${inner.inline}`, lines: inner.lines };
  }
  if (pick(10) < style.flow) return { inline: flowText(t, pick, style), lines: [] };
  const inner = indent + style.indent;
  const lines: string[] = [];
  if (pick(10) < style.comment) lines.push(`${' '.repeat(pick(6))}# between`);
  if ('seq' in t) {
    const at = style.seqSameIndent ? indent : inner;
    for (const item of t.seq) lines.push(...seqItem(item, at, pick, style));
  } else {
    for (const [k, v] of t.map) lines.push(...mapEntry(k, v, inner, pick, style));
  }
  return { inline: comment(pick, style).trimStart(), lines };
}

function mapEntry(key: string, value: Tree, indent: number, pick: (n: number) => number, style: Style): string[] {
  const v = blockLines(value, indent, pick, style);
  const keyText = scalarText(key, pick, style);
  return [`${' '.repeat(indent)}${keyText}:${v.inline === '' ? '' : ` ${v.inline}`}`, ...v.lines];
}

function seqItem(item: Tree, indent: number, pick: (n: number) => number, style: Style): string[] {
  if ('map' in item && pick(2) === 0) {
    const inner = indent + 2;
    const [first, ...rest] = item.map.flatMap(([k, v]) => mapEntry(k, v, inner, pick, style));
    return [`${' '.repeat(indent)}- ${first!.slice(inner)}`, ...rest];
  }
  const v = blockLines(item, indent, pick, style);
  return [`${' '.repeat(indent)}-${v.inline === '' ? '' : ` ${v.inline}`}`, ...v.lines];
}

function documentText(t: Tree, pick: (n: number) => number, style: Style): string {
  if ('map' in t) return t.map.flatMap(([k, v]) => mapEntry(k, v, 0, pick, style)).join('\n');
  if ('seq' in t) return t.seq.flatMap((i) => seqItem(i, 0, pick, style)).join('\n');
  const v = blockLines(t, 0, pick, style);
  return [v.inline, ...v.lines].join('\n');
}

const SEPARATORS = ['---\n', '--- # next\n', '\n---\n', '---\n---\n', '...\n---\n', '--- x\n'];
const STRAY = [' ', ':', '-', '#', '\n', "'", '"', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '\t', '\r', '\\', '?', '\u00a0', '\ufeff'];

const yamlFile = fc
  .record({
    docs: fc.array(tree, { minLength: 1, maxLength: 3 }),
    seed: fc.nat(),
    style: fc.record({ indent: fc.integer({ min: 1, max: 4 }), quote: fc.nat(10), flow: fc.nat(4), comment: fc.nat(4), seqSameIndent: fc.boolean() }),
    separator: fc.oneof({ arbitrary: fc.constant('---\n'), weight: 4 }, { arbitrary: fc.constantFrom(...SEPARATORS), weight: 1 }),
    leadingMarker: fc.boolean(),
    finalNewline: fc.boolean(),
    edits: fc.oneof(fc.constant([]), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...STRAY)), { maxLength: 3 })),
  })
  .map(({ docs, seed, style, separator, leadingMarker, finalNewline, edits }) => {
    const pick = chooser(seed);
    let text = (leadingMarker ? '---\n' : '') + docs.map((d) => documentText(d, pick, style)).join(`\n${separator}`) + (finalNewline ? '\n' : '');
    for (const [where, kind, stray] of edits) {
      const at = text.length === 0 ? 0 : where % text.length;
      if (kind === 0) text = text.slice(0, at) + text.slice(at + 1);
      else if (kind === 1) text = text.slice(0, at) + stray + text.slice(at);
      else if (kind === 2) {
        const start = text.lastIndexOf('\n', at) + 1;
        const end = text.indexOf('\n', at);
        text = text.slice(0, end < 0 ? text.length : end + 1) + text.slice(start, end < 0 ? text.length : end + 1) + text.slice(end < 0 ? text.length : end + 1);
      } else {
        const start = text.lastIndexOf('\n', at) + 1;
        text = text.slice(0, start) + ' '.repeat(where % 3) + text.slice(start);
      }
    }
    return text;
  });

type Segment = string | number;

function pathsIn(value: unknown, prefix: Segment[] = []): Segment[][] {
  const out = [prefix, [...prefix, 'missing'], [...prefix, 7]];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsIn(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsIn(v, [...prefix, k]));
  return out;
}

/** A value as text that tells -0 from 0, NaN from null and keeps key order and own `__proto__` keys. */
function exact(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (Array.isArray(value)) return `[${value.map(exact).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) return 'non-plain object';
    return `{${Object.keys(value).map((k) => `${JSON.stringify(k)}:${exact((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return `${typeof value}:${String(value)}`;
}

/** Everything a caller can observe of a parsed file. */
function observe(parsed: ParsedYamlFile) {
  return {
    errors: parsed.errors,
    warnings: parsed.warnings,
    complete: parsed.complete,
    documents: parsed.documents.map((d) => ({
      index: d.index,
      value: exact(d.value),
      source: d.source,
      at: pathsIn(d.value).map((p) => [p.join('.'), d.locate(p), d.locate(p, { key: true }), d.written(p)]),
    })),
  };
}

function bothReaders(text: string, yaml11Warnings = true) {
  const fast = parseYamlDocuments('f.yaml', text, { yaml11Warnings });
  const library = parseYamlDocuments('f.yaml', text, { yaml11Warnings, reader: 'library' });
  return { fast: observe(fast), library: observe(library) };
}

describe('the fast YAML reader gives what yaml itself gives', () => {
  it('for generated and damaged YAML', () => {
    let fastRuns = 0;
    fc.assert(
      fc.property(yamlFile, (text) => {
        if (fastParseDocuments(text) !== null) fastRuns++;
        const { fast, library } = bothReaders(text);
        expect(fast).toEqual(library);
      }),
      { numRuns: 3000 },
    );
    // Most generated files hold something outside the subset; enough must reach the fast reader.
    expect(fastRuns).toBeGreaterThan(150);
  }, 300_000);

  it('for generated YAML inside the fast subset', () => {
    fc.assert(
      fc.property(
        yamlFile.filter((text) => fastParseDocuments(text) !== null),
        (text) => {
          const { fast, library } = bothReaders(text);
          expect(fast).toEqual(library);
        },
      ),
      { numRuns: 1500 },
    );
  }, 300_000);

  it.each([
    ['a : a'],
    ['a:\n   "01": 0755  # note\n   name: {"yes": false}\n   metadata : null  # note\napiVersion: {name: a}\n1: null\n'],
  ])('for the counterexamples property runs found: %j', (text) => {
    const { fast, library } = bothReaders(text);
    expect(fast).toEqual(library);
  });

  it('for Secrets, whose values no warning may quote', () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  mode: 0755\n  on: yes\ndata:\n  x: [off]\n';
    expect(fastParseDocuments(text)).not.toBeNull();
    const { fast, library } = bothReaders(text);
    expect(fast).toEqual(library);
    expect(fast.warnings.length).toBe(4);
  });

  it('for a large ConfigMap, and it reads the 1 MB one without falling back', () => {
    const { text } = largeConfigMap(1_000_004);
    expect(fastParseDocuments(text)).not.toBeNull();
    const { fast, library } = bothReaders(text.slice(0, 30_000), false);
    expect(fast).toEqual(library);
  }, 60_000);
});
