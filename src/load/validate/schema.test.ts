import { describe, expect, it } from 'vitest';
import type { FieldPath } from '../parse/field-path.js';
import { formatFieldPath } from '../parse/field-path.js';
import { anyValue, bool, enumOf, int32, int64, listOf, mapOf, num, objectOf, readValue, refined, required, str, dropped, type Reporter, type Schema } from './schema.js';

function read(schema: Schema, value: unknown) {
  const problems: { severity: string; path: string; message: string; key: boolean }[] = [];
  const reporter: Reporter = {
    error: (path: FieldPath, message: string, options) => problems.push({ severity: 'error', path: formatFieldPath(path), message, key: options?.key ?? false }),
    warning: (path: FieldPath, message: string, options) => problems.push({ severity: 'warning', path: formatFieldPath(path), message, key: options?.key ?? false }),
  };
  return { value: readValue(schema, value, ['spec'], reporter), problems };
}

describe('readValue', () => {
  it.each([
    ['a string', str(), 3, 'expected a string, got 3; quote it'],
    ['a string (boolean)', str(), true, 'expected a string, got true; quote it'],
    ['a string (list)', str(), ['a'], 'expected a string, got a list'],
    ['an enum', enumOf('A', 'B', 'C'), 'D', 'expected A, B or C, got "D"'],
    ['an enum with a number', enumOf('A', 'B'), 1, 'expected A or B, got 1'],
    ['an int32', int32(), 1.5, 'expected an integer between 0 and 2147483647, got 1.5'],
    ['an int32 range', int32(2, 4), 5, 'expected an integer between 2 and 4, got 5'],
    ['an int32 beyond int32', int32(), 2147483648, 'expected an integer between 0 and 2147483647, got 2147483648'],
    ['an int32 that is negative', int32(), -3, 'expected an integer between 0 and 2147483647, got -3'],
    ['an int32 written as a string', int32(), '3', 'expected an integer between 0 and 2147483647, got "3"'],
    ['an int32 that is infinite', int32(), Infinity, 'expected an integer between 0 and 2147483647, got Infinity'],
    ['an int64 beyond 2^53', int64(), 2 ** 53, 'expected an integer between 0 and 9007199254740991, got 9007199254740992'],
    ['a number', num(), '1', 'expected a number, got "1"'],
    ['a boolean', bool(), 'true', 'expected true or false, got "true"'],
    ['a list', listOf(str()), 'a', 'expected a list, got "a"'],
    ['a mapping', objectOf({}), [], 'expected a mapping, got a list'],
    ['a checked string', str((s) => (s.length > 2 ? 'too long' : null)), 'abc', 'too long'],
  ])('reports %s of the wrong type or value', (_, schema, value, message) => {
    const out = read(schema, value);
    expect(out.value).toBeUndefined();
    expect(out.problems).toEqual([{ severity: 'error', path: 'spec', message, key: false }]);
  });

  it('treats null as an absent field, except for free-form values', () => {
    const out = read(objectOf({ a: str(), b: anyValue(), c: required(str()) }), { a: null, b: null, c: null });
    expect(out.value).toEqual({ b: null });
    expect(out.problems).toEqual([{ severity: 'error', path: 'spec.c', message: 'is required', key: false }]);
  });

  it('reports unknown fields at their key, by the schema\'s choice', () => {
    expect(read(objectOf({}, 'error'), { x: 1 }).problems).toEqual([{ severity: 'error', path: 'spec.x', message: 'unknown field', key: true }]);
    expect(read(objectOf({}, 'warning'), { x: 1 }).problems).toEqual([{ severity: 'warning', path: 'spec.x', message: 'unknown field; ignored', key: true }]);
    expect(read(objectOf({}, 'ignore'), { x: 1 }).problems).toEqual([]);
  });

  it('drops fields Flotilla does not use, with or without a warning', () => {
    const out = read(objectOf({ quiet: dropped(), loud: dropped('not used') }), { quiet: 1, loud: 2 });
    expect(out.value).toEqual({});
    expect(out.problems).toEqual([{ severity: 'warning', path: 'spec.loud', message: 'not used', key: true }]);
  });

  it('checks map keys and names them in brackets', () => {
    const out = read(mapOf(str(), (k) => (k.includes(' ') ? 'has a space' : null)), { 'a b': 'x', 'app.kubernetes.io/name': 'y' });
    expect(out.value).toEqual({ 'app.kubernetes.io/name': 'y' });
    expect(out.problems).toEqual([{ severity: 'error', path: 'spec[a b]', message: 'key has a space', key: true }]);
  });

  it('refuses null list items and keeps the rest', () => {
    const out = read(listOf(str()), ['a', null, 'b']);
    expect(out.value).toEqual(['a', 'b']);
    expect(out.problems).toEqual([{ severity: 'error', path: 'spec[1]', message: 'expected a string, got null', key: false }]);
  });

  it('leaves out what is wrong where it is contained: the list item, not the list; the whole object, not half of it', () => {
    const item = objectOf({ key: required(str()), effect: required(enumOf('A', 'B')) });
    const schema = objectOf({ items: listOf(item), ref: objectOf({ name: required(str()), namespace: str() }), mode: enumOf('X'), ok: str() });
    const out = read(schema, { items: [{ key: 'a', effect: 'C' }, { key: 'b', effect: 'A' }, { effect: 'B' }], ref: { namespace: 'n' }, mode: 'Y', ok: 'fine' });
    expect(out.value).toEqual({ items: [{ key: 'b', effect: 'A' }], ok: 'fine' });
    expect(out.problems.map((p) => p.path)).toEqual(['spec.items[0].effect', 'spec.items[2].key', 'spec.ref.name', 'spec.mode']);
  });

  it('turns numbers into strings where asked (quantities)', () => {
    expect(read({ type: 'string', numbersAsStrings: true }, 12).value).toBe('12');
  });

  it('runs refine hooks only on values it could read', () => {
    const seen: unknown[] = [];
    const schema = refined(objectOf({ a: int32() }), (v) => seen.push(v));
    read(schema, { a: 1 });
    read(schema, 'not an object');
    expect(seen).toEqual([{ a: 1 }]);
  });

  it('keeps __proto__ keys as data', () => {
    const value = JSON.parse('{"__proto__": "x"}') as unknown;
    const out = read(mapOf(str()), value).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
  });
});

describe('formatFieldPath', () => {
  it.each([
    [['spec', 'resourceSelectors', 0, 'kind'], 'spec.resourceSelectors[0].kind'],
    [['metadata', 'labels', 'app.kubernetes.io/name'], 'metadata.labels[app.kubernetes.io/name]'],
    [[0, 'a'], '[0].a'],
    [[], ''],
  ] as const)('%j', (path, text) => {
    expect(formatFieldPath(path)).toBe(text);
  });
});
