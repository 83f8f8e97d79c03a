import { resolve, sep } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnsafePathError } from '../model/errors.js';
import { MAX_SEGMENT_BYTES, safeJoin, safeRelativePath } from './safe-path.js';

const ROOT = resolve('/srv/out');

function refusal(fn: () => unknown): { code: string; reason: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (!(err instanceof UnsafePathError)) throw err;
    return { code: err.code, reason: err.data.reason };
  }
}

describe('safeRelativePath and safeJoin', () => {
  it.each([
    [['default', 'deployment.apps-web.yaml'], 'default/deployment.apps-web.yaml'],
    [['_cluster', 'clusterrole.rbac.authorization.k8s.io-system:aggregate-to-admin.yaml'], '_cluster/clusterrole.rbac.authorization.k8s.io-system:aggregate-to-admin.yaml'],
    [['...', '.hidden', 'a..b'], '.../.hidden/a..b'],
    [['ünïcødé', '名前'], 'ünïcødé/名前'],
    [['x'.repeat(MAX_SEGMENT_BYTES)], 'x'.repeat(MAX_SEGMENT_BYTES)],
  ])('accepts %j', (segments, expected) => {
    expect(safeRelativePath(...segments)).toBe(expected);
    expect(safeJoin(ROOT, ...segments)).toBe(`${ROOT}${sep}${expected.split('/').join(sep)}`);
  });

  it.each([
    [[], 'no-segments'],
    [[''], 'empty'],
    [['a', ''], 'empty'],
    [['.'], 'dot'],
    [['..'], 'dot'],
    [['a', '..', '..'], 'dot'],
    [['x/../../../../escaped-kind.example.com-pwn.yaml'], 'separator'],
    [['/etc/passwd'], 'separator'],
    [['a/b'], 'separator'],
    [['..\\..\\windows'], 'separator'],
    [['C:\\x'], 'separator'],
    [['a\0b'], 'control-character'],
    [['line\nbreak'], 'control-character'],
    [['esc\u001b[31m'], 'control-character'],
    [['del\u007f'], 'control-character'],
    [['c1\u0085'], 'control-character'],
    [['half\ud800'], 'invalid-unicode'],
    [['x'.repeat(MAX_SEGMENT_BYTES + 1)], 'too-long'],
    [['é'.repeat(128)], 'too-long'],
  ])('refuses %j (%s) with E_UNSAFE_PATH', (segments, reason) => {
    expect(refusal(() => safeRelativePath(...segments))).toEqual({ code: 'E_UNSAFE_PATH', reason });
    expect(refusal(() => safeJoin(ROOT, ...segments))).toEqual({ code: 'E_UNSAFE_PATH', reason });
  });

  it('names the refused segment in one short line', () => {
    const err = (() => {
      try {
        safeJoin(ROOT, 'member1', 'x/../../etc');
      } catch (e) {
        return e as UnsafePathError;
      }
    })();
    expect(err?.message).toBe('refusing to write "x/../../etc": a \'/\' or \'\\\' inside a path segment');
    expect(err?.data.segment).toBe('x/../../etc');
  });

  it('for any segments, returns a path strictly inside the root or throws UnsafePathError', () => {
    const hostile = fc.constantFrom('..', '.', '', '/', '\\', '\0', '\n', '../', '/..', 'C:', '%2e%2e', '\ud800', '\u202e');
    const segment = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.array(fc.oneof(hostile, fc.string({ maxLength: 3 })), { maxLength: 6 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), (segments) => {
        let path: string;
        try {
          path = safeJoin(ROOT, ...segments);
        } catch (err) {
          expect(err).toBeInstanceOf(UnsafePathError);
          return;
        }
        expect(path.startsWith(ROOT + sep)).toBe(true);
        expect(path.slice(ROOT.length + 1).split(sep)).toEqual(segments);
      }),
      { numRuns: 2000 },
    );
  });
});
