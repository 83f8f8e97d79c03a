/**
 * Quoted scalars wrapped with continuation lines at (or left of) their key's column, as Go emitters wrote them:
 * read as go-yaml reads them, everything else exactly as yaml reads it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocumentsAsGo, reindentWrappedQuotes } from './wrapped-quotes.js';
import { parseYamlDocuments } from './yaml-documents.js';
import { parseCustomizations } from './customizations.js';

const read = (text: string) => parseDocumentsAsGo(text).map(({ doc }) => (doc.errors.length > 0 ? { errors: doc.errors.map((e) => e.code) } : doc.toJS()));

describe('wrapped quoted scalars', () => {
  const cases: [string, string, unknown][] = [
    ['single-quoted value in a nested map', "data:\n  message: 'invalid ''fake'' data: required fields ''a''\n  and ''b'''\n  next: 1\n", { data: { message: "invalid 'fake' data: required fields 'a' and 'b'", next: 1 } }],
    ['double-quoted value', 'a:\n  m: "x y\n  z \\"q\\""\n  n: 2\n', { a: { m: 'x y z "q"', n: 2 } }],
    ['double-quoted with an escaped leading space', 'a:\n  m: "p q\n  \\ r"\n', { a: { m: 'p q  r' } }],
    ['continuation at column 0 under a top-level key', "key: 'abc\ndef'\nother: x\n", { key: 'abc def', other: 'x' }],
    ['top-level sequence item', "- 'abc\ndef'\n- b\n", ['abc def', 'b']],
    ['indentless sequence under a key', "a:\n- 'abc\ndef'\n- 'ghi\njkl'\n", { a: ['abc def', 'ghi jkl'] }],
    ['map inside a sequence (Karmada test data)', "conditions:\n  - type: Ready\n    message: 'invalid ''s'' secret\n    and ''k'''\n    status: 'False'\n", { conditions: [{ type: 'Ready', message: "invalid 's' secret and 'k'", status: 'False' }] }],
    ['three lines, a blank line kept as a line break', "a:\n  m: 'one\n  two\n\n  three'\n", { a: { m: 'one two\nthree' } }],
    ['continuation starting with a quote pair and a flow character', "a:\n  m: 'x\n  ''[y]'' {z}'\n  n: 1\n", { a: { m: "x '[y]' {z}", n: 1 } }],
    ['several wraps in one list', "items:\n- m: 'a\n  b'\n- m: 'c\n  d'\n- m: \"e\n  f\"\n", { items: [{ m: 'a b' }, { m: 'c d' }, { m: 'e f' }] }],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(read(text)).toEqual([expected]);
  });

  const untouched: [string, string][] = [
    ['an apostrophe in a plain scalar', "note: don't\nother: it's\n"],
    ['a quote in a comment', "a: 1 # don't\n# 'open\nb: 2\n"],
    ["a quote in a literal block scalar", "a: |\n  it's 'open\n  still\nb: 'x'\n"],
    ['a quote in a flow collection', "a: [x, y']\nb: {k: v'}\n"],
    ['a plain scalar continued by a line starting with a quote', "a: plain\n  'not a quote\nb: 1\n"],
    ['a properly indented multi-line quote', "a: 'x\n  y'\n"],
  ];
  it.each(untouched)('leaves alone %s', (_name, text) => {
    expect(reindentWrappedQuotes(text)).toBeNull();
  });

  it('leaves a quote that never closes to yaml, which reports it', () => {
    const text = "a: 1\nb:\n  c: 'never closed\nd: 2\n";
    expect(reindentWrappedQuotes(text)).toBeNull();
    const parsed = parseYamlDocuments('f.yaml', text);
    expect(parsed.documents).toEqual([]);
    // yaml places this error at the end of the file, where it found the quote still open.
    expect(parsed.errors).toEqual([expect.objectContaining({ line: 5, message: "invalid YAML: Missing closing 'quote" })]);
  });

  it('reads a wrap whose continuation line starts with # (yaml alone would take it for a comment)', () => {
    expect(read('m: "a\\"\n#b"\nz: 1\n')).toEqual([{ m: 'a" #b', z: 1 }]);
    expect(read("m: 'a''\n#b'\nz: 1\n")).toEqual([{ m: "a' #b", z: 1 }]);
  });

  it('does not pad across a document marker', () => {
    const text = "a: 'x\n---\nb: 'y'\n";
    expect(reindentWrappedQuotes(text)).toBeNull();
  });

  it('keeps a broken document broken and reads the wrapped one beside it', () => {
    const parsed = parseYamlDocuments('f.yaml', "a: 'x\ny'\n---\nb: [\n");
    expect(parsed.documents.map((d) => d.value)).toEqual([{ a: 'x y' }]);
    expect(parsed.errors).toEqual([expect.objectContaining({ line: 5, message: expect.stringMatching(/Flow sequence/) })]);
  });

  it('keeps line numbers: locate and errors after a wrap point at their own lines', () => {
    const parsed = parseYamlDocuments('f.yaml', "data:\n  m: 'a\n  b'\n  n: 1\n  n: 2\n");
    expect(parsed.errors).toEqual([expect.objectContaining({ line: 5, column: 3, message: expect.stringMatching(/duplicate key/) })]);
    const ok = parseYamlDocuments('f.yaml', "data:\n  m: 'a\n  b'\n  n: 1\n");
    expect(ok.documents[0]!.locate(['data', 'n'])).toMatchObject({ line: 4, column: 6 });
    expect(ok.documents[0]!.locate(['data', 'm'])).toMatchObject({ line: 2, column: 6 });
  });

  it('reads interpreter customizations with a wrapped value, keeping the script line', () => {
    const text = [
      'apiVersion: config.karmada.io/v1alpha1',
      'kind: ResourceInterpreterCustomization',
      'metadata:',
      '  name: x',
      "  annotations: {note: 'flow'}",
      'spec:',
      "  description: 'one line'",
      "  wrapped: 'a long description that an old Go writer",
      "  wrapped at the key''s column'",
      '  target: {apiVersion: v1, kind: Pod}',
      '  customizations:',
      '    healthInterpretation:',
      '      luaScript: |',
      '        function InterpretHealth(o) return true end',
      '',
    ].join('\n');
    const parsed = parseCustomizations('i.yaml', text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.customizations[0]?.scripts.InterpretHealth).toMatchObject({ line: 14, column: 1 });
  });

  const word = fc.stringMatching(/^[a-z'":\\#{}[\],-]{1,12}$/);
  it('reads a wrap whose first line ends in an escaped quote after spaces (found by the property below)', () => {
    const [doc] = read("m: 'aa- x[  ''\n#b'\nz: 1\n");
    expect(doc).toEqual({ m: "aa- x[  ' #b", z: 1 });
  });

  it('reads back any long string wrapped go-yaml style, single- or double-quoted, at any depth', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 2, maxLength: 30 }), fc.array(fc.constantFrom(' ', '  '), { minLength: 30, maxLength: 30 }), fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.boolean(), (words, gaps, double, depth, inSeq) => {
        const value = words.map((w, i) => (i === 0 ? w : gaps[i]! + w)).join('');
        const indent = '  '.repeat(depth);
        const keys = Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}k${i}:\n`).join('');
        const lead = inSeq ? `${indent}- ` : indent;
        const text = `${keys}${lead}m: ${goWrap(value, double, inSeq ? `${indent}  ` : indent)}\n${inSeq ? `${indent}  ` : indent}z: 1\n`;
        const [doc] = read(text);
        let at = doc as Record<string, unknown>;
        for (let i = 0; i < depth; i++) at = at[`k${i}`] as Record<string, unknown>;
        const entry = inSeq ? (at as unknown as unknown[])[0] : at;
        expect(entry).toEqual({ m: value, z: 1 });
      }),
      { numRuns: 300 },
    );
  });
});

/** What go-yaml v2 emits for a long string, with continuation lines at the key's column (`indent`). */
function goWrap(value: string, double: boolean, indent: string): string {
  const width = 20;
  let out = double ? '"' : "'";
  let column = out.length;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const breakable = c === ' ' && i > 0 && i < value.length - 1 && value[i - 1] !== ' ' && column > width;
    if (breakable && (double || value[i + 1] !== ' ')) {
      out += `\n${indent}`;
      column = indent.length;
      if (double && value[i + 1] === ' ') {
        out += '\\';
        column++;
      }
      continue;
    }
    const written = double ? (c === '"' || c === '\\' ? `\\${c}` : c) : c === "'" ? "''" : c;
    out += written;
    column += written.length;
  }
  return out + (double ? '"' : "'");
}
