import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../util/canonical.js';
import { cloneJson, deepFreeze } from './clone.js';
import { canonicalStringify, fastContentHash } from './hash.js';

// "__proto__" is left out: util/canonical.ts sortKeys assigns it as a prototype and so drops it from the text, while
// canonicalStringify keeps it (reported; the key never occurs in Kubernetes objects).
const keys = fc.oneof(
  fc.string().filter((k) => k !== '__proto__'),
  fc.constantFrom('0', '1', '10', '9', '01', '4294967294', '4294967295', '-1', 'constructor', 'toString', 'a', 'B'),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keys, tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('canonicalStringify', () => {
  it('equals util/canonical canonicalJson for any JSON-like value (property)', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalStringify(value)).toBe(canonicalJson(value));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['integer-like keys first, numerically', { b: 1, 10: 2, 9: 3, a: 4 }, '{"9":3,"10":2,"a":4,"b":1}'],
    ['undefined members dropped, in arrays null', { a: undefined, b: [undefined, 1] }, '{"b":[null,1]}'],
    ['non-finite numbers as null', { a: Infinity, b: NaN }, '{"a":null,"b":null}'],
  ])('%s', (_name, value, text) => {
    expect(canonicalStringify(value)).toBe(text);
    expect(canonicalJson(value)).toBe(text);
  });

  it('keeps a "__proto__" key in the text (canonicalJson drops it)', () => {
    const value = JSON.parse('{"__proto__": 1, "a": 2}') as unknown;
    expect(canonicalStringify(value)).toBe('{"__proto__":1,"a":2}');
  });

  it('hashes like contentHash', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { b: '1', a: '2' } }, data: { k: 'v' } };
    expect(fastContentHash(obj)).toBe(contentHash(obj));
    expect(fastContentHash(obj)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('content hash of a fixed object', () => {
  // Every applied object is skipped while its hash is unchanged; a change in the hashing would silently re-apply
  // every object of every cluster. If this fails on purpose, say so in the release notes. The literal is the
  // SHA-256 of the canonical text below, computed outside Flotilla (`printf '%s' TEXT | sha256sum`).
  const deployment = {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { namespace: 'prod', name: 'web', labels: { app: 'web', 10: 'ten', 9: 'nine' }, annotations: { note: 'héllo ✓' }, uid: undefined },
    spec: {
      template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27', args: ['--port=8080', ''], resources: { requests: { cpu: '250m' } } }] } },
      replicas: 3,
    },
  };
  const text =
    '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"note":"héllo ✓"},"labels":{"9":"nine","10":"ten","app":"web"},' +
    '"name":"web","namespace":"prod"},"spec":{"replicas":3,"template":{"spec":{"containers":[{"args":["--port=8080",""],"image":"nginx:1.27",' +
    '"name":"app","resources":{"requests":{"cpu":"250m"}}}]}}}}';
  const pinned = '18bab605e65e3fb62ef96e3594200fbe413d065ce990422aacfe342ad9287284';

  it('writes the pinned canonical text', () => {
    expect(canonicalStringify(deployment)).toBe(text);
  });

  it('hashes to the pinned value, in both implementations and from a frozen copy', () => {
    expect(fastContentHash(deployment)).toBe(pinned);
    expect(contentHash(deployment)).toBe(pinned);
    expect(fastContentHash(deepFreeze(cloneJson(deployment)), new WeakMap())).toBe(pinned);
  });
});

describe('cloneJson', () => {
  it('copies deeply (property)', () => {
    fc.assert(
      fc.property(json, (value) => {
        const copy = cloneJson(value);
        expect(canonicalJson(copy)).toBe(canonicalJson(value));
        if (value !== null && typeof value === 'object') expect(copy).not.toBe(value);
      }),
    );
  });

  it('keeps a "__proto__" key as data instead of setting the prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const copy = cloneJson(input);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('deepFreeze freezes nested objects and arrays', () => {
    const frozen = deepFreeze({ a: { b: [1, { c: 2 }] } });
    expect(Object.isFrozen(frozen.a.b)).toBe(true);
    expect(Object.isFrozen(frozen.a.b[1])).toBe(true);
    expect(() => {
      (frozen.a as { b: unknown }).b = 1;
    }).toThrow(TypeError);
  });
});
