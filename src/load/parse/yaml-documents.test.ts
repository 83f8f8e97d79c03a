import { describe, expect, it } from 'vitest';
import { parseYamlDocuments, MAX_ALIAS_COUNT } from './yaml-documents.js';
import { positionOf, yamlLines } from '../testing.js';

function at(text: string, needle: string, occurrence = 0) {
  return positionOf(text, needle, occurrence);
}

describe('parseYamlDocuments: documents', () => {
  it('splits on ---, skips empty documents and keeps each index', () => {
    const text = yamlLines('a: 1', '---', '# only a comment', '---', 'b: 2', '---', '---', 'c: [3]');
    const parsed = parseYamlDocuments('x.yaml', text);
    expect(parsed.complete).toBe(true);
    expect(parsed.documents.map((d) => [d.index, d.value])).toEqual([
      [0, { a: 1 }],
      [2, { b: 2 }],
      [4, { c: [3] }],
    ]);
    expect(parsed.documents.map((d) => d.source.line)).toEqual([at(text, 'a: 1').line, at(text, 'b: 2').line, at(text, 'c: [3]').line]);
  });

  it('returns nothing for an empty file or a file of comments', () => {
    for (const text of ['', '# nothing\n', '---\n---\n']) {
      const parsed = parseYamlDocuments('x.yaml', text);
      expect(parsed.documents).toEqual([]);
      expect(parsed.complete).toBe(true);
      expect(parsed.errors).toEqual([]);
    }
  });

  it('reads YAML 1.2 core types, merge keys and strips a UTF-8 BOM', () => {
    const text = `\uFEFF${yamlLines('base: &b {k: 1, j: 2}', 'm:', '  <<: *b', '  j: 3', 'on: yes', 'n: 0x1F', 't: True', 'd: 2024-01-01')}`;
    const [doc] = parseYamlDocuments('x.yaml', text).documents;
    expect(doc?.value).toEqual({ base: { k: 1, j: 2 }, m: { k: 1, j: 3 }, on: 'yes', n: 31, t: true, d: '2024-01-01' });
  });

  it('never shares objects between alias uses', () => {
    const [doc] = parseYamlDocuments('x.yaml', yamlLines('a: &x {k: [1]}', 'b: *x', 'c: *x')).documents;
    const v = doc!.value as Record<string, { k: number[] }>;
    expect(v['a']).toEqual(v['b']);
    v['b']!.k.push(2);
    expect(v['a']!.k).toEqual([1]);
    expect(v['c']!.k).toEqual([1]);
  });

  it('keeps a __proto__ key as plain data', () => {
    const [doc] = parseYamlDocuments('x.yaml', yamlLines('__proto__: {polluted: true}', 'a: &x {__proto__: 1}', 'b: *x')).documents;
    const v = doc!.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(v)).toContain('__proto__');
  });
});

describe('parseYamlDocuments: refused input', () => {
  it('reports a syntax error at its position and still returns the good documents', () => {
    const text = yamlLines('good: 1', '---', 'bad: [1, 2', 'next: 3', '---', 'also: good');
    const parsed = parseYamlDocuments('x.yaml', text);
    expect(parsed.complete).toBe(false);
    expect(parsed.documents.map((d) => d.value)).toEqual([{ good: 1 }, { also: 'good' }]);
    expect(parsed.errors.length).toBeGreaterThan(0);
    expect(parsed.errors[0]!.message).toMatch(/^invalid YAML: /);
    expect(parsed.errors[0]!.line).toBeGreaterThanOrEqual(at(text, 'bad:').line);
    expect(parsed.errors[0]!.line).toBeLessThanOrEqual(at(text, '---', 1).line);
  });

  it('reports a duplicate key with its field path at the second key', () => {
    const text = yamlLines('spec:', '  placement:', '    clusterAffinity: {}', '    clusterAffinity: {}');
    const parsed = parseYamlDocuments('x.yaml', text);
    expect(parsed.complete).toBe(false);
    expect(parsed.documents).toEqual([]);
    expect(parsed.errors).toEqual([{ file: 'x.yaml', ...at(text, 'clusterAffinity', 1), message: 'spec.placement.clusterAffinity: duplicate key: a mapping key may appear only once' }]);
  });

  it('keeps the last value of a duplicate key, with a warning, when asked to read as Go does (live objects)', () => {
    const text = yamlLines('status:', '  phase: Pending', 'status:', '  phase: Running');
    const parsed = parseYamlDocuments('live.yaml', text, { duplicateKeys: 'last-wins' });
    expect(parsed.errors).toEqual([]);
    expect(parsed.documents.map((d) => d.value)).toEqual([{ status: { phase: 'Running' } }]);
    expect(parsed.warnings).toEqual([{ file: 'live.yaml', ...at(text, 'status', 1), message: 'status: duplicate key: the last value is used' }]);
  });

  it('refuses an alias bomb with a clear error and keeps the other documents', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f']] as const) {
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = yamlLines('ok: 1', '---', ...levels);
    const parsed = parseYamlDocuments('bomb.yaml', text);
    expect(parsed.complete).toBe(false);
    expect(parsed.documents.map((d) => d.value)).toEqual([{ ok: 1 }]);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ file: 'bomb.yaml', ...at(text, 'a: &a') });
    expect(parsed.errors[0]!.message).toContain(`more than ${MAX_ALIAS_COUNT} alias references`);
  });

  it.each([
    ['a list that contains itself', 'a: &a [*a]', '*a]'],
    ['a mapping that contains itself, deeper down', 'data: &d\n  k:\n    - *d', '*d'],
  ])('refuses a recursive alias (%s) at the alias, and keeps the other documents', (_, doc, needle) => {
    const text = yamlLines('ok: 1', '---', doc);
    const parsed = parseYamlDocuments('loop.yaml', text);
    expect(parsed.documents.map((d) => d.value)).toEqual([{ ok: 1 }]);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ file: 'loop.yaml', ...at(text, needle) });
    expect(parsed.errors[0]!.message).toMatch(/refers to a node that contains it/);
  });

  it('accepts ordinary alias use', () => {
    const text = yamlLines('x: &x {a: 1}', ...Array.from({ length: 20 }, (_, i) => `k${i}: *x`));
    const parsed = parseYamlDocuments('x.yaml', text);
    expect(parsed.complete).toBe(true);
    expect(Object.keys(parsed.documents[0]!.value as object)).toHaveLength(21);
  });

  it('refuses an oversized file before parsing it', () => {
    const text = `a: ${'x'.repeat(200)}\n: : : not yaml [`;
    const parsed = parseYamlDocuments('big.yaml', text, { maxFileBytes: 100 });
    expect(parsed.complete).toBe(false);
    expect(parsed.documents).toEqual([]);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ file: 'big.yaml', line: 1, column: 1 });
    expect(parsed.errors[0]!.message).toContain(`${new TextEncoder().encode(text).length} bytes, more than the limit of 100 bytes`);
    expect(parseYamlDocuments('big.yaml', 'a: 1\n', { maxFileBytes: 5 }).complete).toBe(true);
  });

  it('refuses NUL bytes with their position', () => {
    const text = 'a: 1\nb: x\0y\n';
    const parsed = parseYamlDocuments('nul.yaml', text);
    expect(parsed.complete).toBe(false);
    expect(parsed.errors).toEqual([{ file: 'nul.yaml', line: 2, column: 5, message: expect.stringContaining('NUL byte') }]);
  });

  it('refuses invalid UTF-8 with its position', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('a: 1\nb: é'), 0xff, 0x0a]);
    const parsed = parseYamlDocuments('latin.yaml', bytes);
    expect(parsed.complete).toBe(false);
    expect(parsed.errors).toEqual([{ file: 'latin.yaml', line: 2, column: 5, message: expect.stringContaining('not valid UTF-8') }]);
  });

  it.each([
    ['a list as a key', yamlLines('? [a, b]', ': 1'), '[a, b]', 'not a list or mapping'],
    ['an empty key', yamlLines('metadata:', '  ~: 1'), '~', 'must not be empty'],
  ])('refuses %s', (_, text, needle, message) => {
    const parsed = parseYamlDocuments('k.yaml', text);
    expect(parsed.complete).toBe(false);
    expect(parsed.documents).toEqual([]);
    expect(parsed.errors).toEqual([{ file: 'k.yaml', ...at(text, needle), message: expect.stringContaining(message) }]);
  });
});

describe('parseYamlDocuments: YAML 1.1 differences are warnings', () => {
  it.each([
    ['yes', 'enabled: yes', 'enabled', 'boolean true'],
    ['off', 'mode: off', 'mode', 'boolean false'],
    ['N', 'answer: N', 'answer', 'boolean false'],
    ['0755', 'defaultMode: 0755', 'defaultMode', 'octal 493'],
    ['on (a key)', 'on: push', 'on', 'boolean true'],
  ])('%s', (_, line, path, reading) => {
    const text = yamlLines('data:', `  ${line}`);
    const parsed = parseYamlDocuments('w.yaml', text);
    expect(parsed.complete).toBe(true);
    expect(parsed.errors).toEqual([]);
    const token = line.startsWith('on:') ? 'on' : line.split(': ')[1]!;
    expect(parsed.warnings).toEqual([{ file: 'w.yaml', ...at(text, token), message: expect.stringMatching(new RegExp(`^data\\.${path}: plain .*${reading}`)) }]);
  });

  it('says nothing about quoted values or ordinary numbers', () => {
    const parsed = parseYamlDocuments('w.yaml', yamlLines('a: "yes"', "b: 'on'", 'c: 755', 'd: 0', 'e: true', 'f: "0755"'));
    expect(parsed.warnings).toEqual([]);
  });

  it('reports unresolved tags as warnings', () => {
    const parsed = parseYamlDocuments('t.yaml', 'a: !Ref x\n');
    expect(parsed.complete).toBe(true);
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings[0]!.message).toMatch(/^YAML: Unresolved tag/);
  });
});

describe('YamlDocument.locate', () => {
  const text = yamlLines(
    'apiVersion: v1', //
    'kind: ConfigMap',
    'metadata:',
    '  name: web',
    'spec:',
    '  list:',
    '    - name: first',
    '      value: 1',
    '    - {name: second, value: 2}',
    '  empty:',
  );
  const doc = parseYamlDocuments('l.yaml', text).documents[0]!;

  it.each([
    ['a scalar value', ['metadata', 'name'], 'web'],
    ['the key of a mapping value', ['metadata'], 'metadata'],
    ['a list item', ['spec', 'list', 1], '{name: second'],
    ['a value inside a flow mapping', ['spec', 'list', 1, 'value'], '2}'],
    ['a missing field: its parent', ['metadata', 'namespace'], 'metadata'],
    ['a missing list item: its list', ['spec', 'list', 5, 'name'], 'list'],
    ['a field with no value: its key', ['spec', 'empty'], 'empty'],
    ['the document itself', [], 'apiVersion'],
  ] as const)('%s', (_, path, needle) => {
    expect(doc.locate(path)).toEqual({ file: 'l.yaml', ...at(text, needle) });
  });

  it('points at the key when asked', () => {
    expect(doc.locate(['metadata', 'name'], { key: true })).toEqual({ file: 'l.yaml', ...at(text, 'name') });
  });
});
