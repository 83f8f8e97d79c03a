import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cloneJson } from './clone.js';
import { applyStrictPatch, type PatchOperation } from './json-patch.js';
import { OverrideFailure } from './override-failure.js';

const doc = () => ({
  metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' }, annotations: { 'a~b': 'x' } },
  spec: { replicas: 2, list: ['a', 'b', 'c'], empty: null as unknown },
});

function patched(ops: PatchOperation[]): unknown {
  return applyStrictPatch(cloneJson(doc()), ops, (i) => `ops[${i}]`);
}

describe('applyStrictPatch: what applies', () => {
  it.each<[string, PatchOperation[], (d: ReturnType<typeof doc>) => void]>([
    ['replace an existing field', [{ op: 'replace', path: '/spec/replicas', value: 5 }], (d) => (d.spec.replicas = 5)],
    ['add a new field under an existing parent', [{ op: 'add', path: '/spec/paused', value: true }], (d) => Object.assign(d.spec, { paused: true })],
    ['add overwrites an existing field', [{ op: 'add', path: '/spec/replicas', value: 1 }], (d) => (d.spec.replicas = 1)],
    ['remove an existing field', [{ op: 'remove', path: '/spec/replicas' }], (d) => delete (d.spec as Partial<typeof d.spec>).replicas],
    ['add at an array index inserts', [{ op: 'add', path: '/spec/list/1', value: 'x' }], (d) => d.spec.list.splice(1, 0, 'x')],
    ['add with "-" appends', [{ op: 'add', path: '/spec/list/-', value: 'd' }], (d) => d.spec.list.push('d')],
    ['add at index = length appends', [{ op: 'add', path: '/spec/list/3', value: 'd' }], (d) => d.spec.list.push('d')],
    ['negative index counts from the end (evanphx)', [{ op: 'replace', path: '/spec/list/-1', value: 'z' }], (d) => (d.spec.list[2] = 'z')],
    ['remove with a negative index', [{ op: 'remove', path: '/spec/list/-3' }], (d) => d.spec.list.shift()],
    ['"~1" is "/" in a key', [{ op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'x' }], (d) => (d.metadata.labels['app.kubernetes.io/name'] = 'x')],
    ['"~0" is "~" in a key', [{ op: 'remove', path: '/metadata/annotations/a~0b' }], (d) => delete (d.metadata.annotations as Record<string, string>)['a~b']],
    ['replace a null value (it exists)', [{ op: 'replace', path: '/spec/empty', value: {} }], (d) => (d.spec.empty = {})],
    ['operations see earlier ones', [{ op: 'add', path: '/spec/x', value: {} }, { op: 'add', path: '/spec/x/y', value: 1 }], (d) => Object.assign(d.spec, { x: { y: 1 } })],
  ])('%s', (_name, ops, change) => {
    const expected = doc();
    change(expected);
    expect(patched(ops)).toEqual(expected);
  });

  it('replaces the whole document with path ""', () => {
    expect(patched([{ op: 'replace', path: '', value: { a: 1 } }])).toEqual({ a: 1 });
  });

  it('inserts a copy of the value: later operations never write into the policy', () => {
    const value = { nested: { a: 1 } };
    const result = applyStrictPatch({ spec: {} }, [{ op: 'add', path: '/spec/v', value }, { op: 'add', path: '/spec/v/nested/b', value: 2 }], () => 'x');
    expect(result).toEqual({ spec: { v: { nested: { a: 1, b: 2 } } } });
    expect(value).toEqual({ nested: { a: 1 } });
  });
});

describe('applyStrictPatch: what fails (Karmada uses evanphx/json-patch)', () => {
  it.each<[string, PatchOperation, RegExp]>([
    ['replace a missing field', { op: 'replace', path: '/spec/paused', value: true }, /\/spec\/paused does not exist/],
    ['remove a missing field', { op: 'remove', path: '/metadata/labels/missing' }, /does not exist/],
    ['add under a missing parent', { op: 'add', path: '/spec/strategy/type', value: 'Recreate' }, /\/spec\/strategy does not exist/],
    ['replace an inherited property', { op: 'replace', path: '/spec/constructor', value: 1 }, /does not exist/],
    ['remove an inherited property', { op: 'remove', path: '/spec/toString' }, /does not exist/],
    ['index past the end', { op: 'replace', path: '/spec/list/3', value: 'x' }, /out of range/],
    ['add past the end', { op: 'add', path: '/spec/list/5', value: 'x' }, /out of range/],
    ['negative index too small', { op: 'remove', path: '/spec/list/-4' }, /out of range/],
    ['"-" for remove', { op: 'remove', path: '/spec/list/-' }, /only valid for add/],
    ['non-numeric array index', { op: 'replace', path: '/spec/list/x', value: 1 }, /not an array index/],
    ['leading zero index', { op: 'replace', path: '/spec/list/01', value: 1 }, /not an array index/],
    ['through a scalar', { op: 'add', path: '/spec/replicas/x', value: 1 }, /is not an object or array/],
    ['path without leading slash', { op: 'add', path: 'spec/x', value: 1 }, /must be empty or start with/],
    ['missing value', { op: 'add', path: '/spec/x' }, /value is required/],
    ['unknown operator', { op: 'move', path: '/spec/x', value: 1 }, /unsupported operator/],
    ['__proto__', { op: 'add', path: '/__proto__/polluted', value: true }, /not allowed/],
    ['constructor/prototype', { op: 'add', path: '/constructor/prototype/polluted', value: true }, /not allowed/],
    ['remove the root', { op: 'remove', path: '' }, /whole object/],
  ])('%s', (_name, op, message) => {
    const input = doc();
    let error: unknown;
    try {
      applyStrictPatch(cloneJson(input), [{ op: 'add', path: '/spec/ok', value: 1 }, op], (i) => `plaintext[${i}]`);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OverrideFailure);
    expect((error as OverrideFailure).field).toBe('plaintext[1]');
    expect((error as OverrideFailure).message).toMatch(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(input).toEqual(doc());
  });
});

describe('fast-json-patch as Node loads it', () => {
  it('is CommonJS whose module.exports (the default import json-patch.ts uses) has applyOperation', () => {
    // Vitest resolves the package's ESM build, where named imports work; Node uses its CommonJS main, where they do
    // not. json-patch.ts therefore uses the default import, which is this object in Node.
    const cjs = createRequire(import.meta.url)('fast-json-patch') as Record<string, unknown>;
    expect(typeof cjs.applyOperation).toBe('function');
  });
});
