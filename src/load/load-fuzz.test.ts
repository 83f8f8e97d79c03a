/**
 * Property-based fuzzing of the loader, starting from the real template fleet: values swapped for hostile ones
 * (huge numbers, NUL, `../`, wrong types, deep nesting), and the text itself damaged (duplicated lines, so
 * duplicate keys; aliases and merge keys; truncation; stray bytes). Whatever comes in, loading ends in a Fleet
 * with Problems, never an exception, and nothing hostile becomes an identity later stages use.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { Fleet } from '../model/fleet.js';
import { compareProblems } from '../model/problem.js';
import { loadFleet } from './load-fleet.js';
import { fleetFile } from './testing.js';

const TEMPLATE_DIR = fileURLToPath(new URL('../../fleet-repo-template', import.meta.url));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return name.endsWith('.yaml') ? [path] : [];
  });
}

const TEMPLATE = yamlFiles(TEMPLATE_DIR)
  .sort()
  .map((path) => {
    const text = readFileSync(path, 'utf8');
    return { path: relative(TEMPLATE_DIR, path), documents: parseAllDocuments(text).map((d) => d.toJS() as unknown) };
  });

type Segment = string | number;

/** Every path in a JSON-like value, the root included. */
function pathsIn(value: unknown, prefix: Segment[] = []): Segment[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsIn(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsIn(v, [...prefix, k]));
  return out;
}

function setAt(root: unknown, path: Segment[], value: unknown): unknown {
  if (path.length === 0) return value;
  let parent = root as Record<Segment, unknown>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<Segment, unknown>;
  parent[path[path.length - 1]!] = value;
  return root;
}

const nested = (depth: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

const hostileScalar = fc.oneof(
  fc.constantFrom(1e308, 2 ** 53, -3, 2.5, Infinity, -Infinity, NaN, 0, -0, 2147483648, -2147483649),
  fc.constantFrom('', '\0', 'a\u0000b', '../', '../../../../etc/passwd', 'x/../../../../ESCAPED-KIND', '%2e%2e', '.', '..', '\n', 'yes', '0755', '~', 'c2VjcmV0', 'not base64!'),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

const hostileValue = fc.oneof(
  { weight: 4, arbitrary: hostileScalar },
  { weight: 1, arbitrary: fc.array(hostileScalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), hostileScalar, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }).map(nested) },
);

const valueMutation = fc.record({ file: fc.nat(), doc: fc.nat(), path: fc.nat(), value: hostileValue });

const SNIPPETS = ['\0', '\t', '&a ', '*a', '*undefined', '<<: *a\n', '? [x]\n: 1\n', '"\\0"', '\uFEFF', '\uD800', '---\n', '...\n', '%YAML 1.1\n', '!!binary ', '{', '[', 'a: &a [1, 2]\nb: *a\n', 'k: !!int "x"\n', ' 9007199254740993', ' 1e308', ' .inf'];

const textMutation = fc.oneof(
  fc.record({ op: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 10 })) }),
  fc.record({ op: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 2000 }) }),
);

type TextMutation = typeof textMutation extends fc.Arbitrary<infer T> ? T : never;

function mutateText(text: string, m: TextMutation): string {
  const at = m.at % (text.length + 1);
  switch (m.op) {
    case 'duplicate-line': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      return [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)].join('\n');
    }
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'nest':
      return `${text.slice(0, at)}${'['.repeat(m.depth)}${']'.repeat(m.depth)}${text.slice(at)}`;
  }
}

const fuzzedFleet = fc.record({
  values: fc.array(valueMutation, { maxLength: 4 }),
  texts: fc.array(fc.record({ file: fc.nat(), mutation: textMutation }), { maxLength: 3 }),
  aliasBomb: fc.boolean(),
});

type Fuzz = typeof fuzzedFleet extends fc.Arbitrary<infer T> ? T : never;

function buildFiles(fuzz: Fuzz) {
  const documents = TEMPLATE.map((f) => structuredClone(f.documents));
  for (const m of fuzz.values) {
    const docs = documents[m.file % documents.length]!;
    const d = m.doc % docs.length;
    const paths = pathsIn(docs[d]);
    docs[d] = setAt(docs[d], paths[m.path % paths.length]!, structuredClone(m.value));
  }
  const texts = documents.map((docs) => docs.map((d) => stringify(d)).join('---\n'));
  for (const t of fuzz.texts) {
    const i = t.file % texts.length;
    texts[i] = mutateText(texts[i]!, t.mutation);
  }
  if (fuzz.aliasBomb) texts[0] += `\n---\n${['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${`*${'abcdefgh'[i]}, `.repeat(9).slice(0, -2)}]`)].join('\n')}\n`;
  return TEMPLATE.map((f, i) => fleetFile(f.path, texts[i]!));
}

/** A kind or name a later stage would use in a file path or URL: nothing of what the fuzzer injects may get there. */
function unsafeIdentity(fleet: Fleet): string | undefined {
  const refs = [...fleet.templates.map((t) => t.ref), ...fleet.heldResources];
  const names = [...refs.flatMap((r) => [r.kind, r.name, r.namespace]), ...fleet.clusters.map((c) => c.name)];
  // eslint-disable-next-line no-control-regex
  return names.find((n) => /[/%\u0000-\u001f]/.test(n) || n === '.' || n === '..');
}

describe('loader fuzzing from the template fleet', () => {
  it('the unmutated template fleet loads without errors (the fuzzer starts from valid input)', () => {
    const fleet = loadFleet(buildFiles({ values: [], texts: [], aliasBomb: false }));
    expect(fleet.errors).toEqual([]);
    expect(fleet.templates.length).toBeGreaterThan(0);
  });

  it('mutated files end in a Fleet with Problems, never an exception', () => {
    const paths = new Set(TEMPLATE.map((f) => f.path));
    fc.assert(
      fc.property(fuzzedFleet, (fuzz) => {
        const fleet = loadFleet(buildFiles(fuzz));
        for (const p of [...fleet.errors, ...fleet.warnings]) {
          expect(paths.has(p.file)).toBe(true);
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.column).toBeGreaterThanOrEqual(1);
          expect(p.message).not.toMatch(/internal error/);
        }
        expect([...fleet.errors].sort(compareProblems)).toEqual(fleet.errors);
        expect(unsafeIdentity(fleet)).toBeUndefined();
        // Any change to the text either loads or is reported; nothing is lost without a Problem.
        if (fuzz.values.length + fuzz.texts.length > 0 && fleet.errors.length === 0) expect(fleet.templates.length + fleet.clusters.length).toBeGreaterThan(0);
      }),
      // Bounded for a busy machine; how long one large file takes is measured in bench/load-large-mapping.bench.ts.
      { numRuns: 150, interruptAfterTimeLimit: 8000, markInterruptAsFailure: false },
    );
  }, 60_000);
});
