/** The revision grammar on its own; resolution against real git is in test/integration/git-revisions.test.ts. */
import { describe, expect, it } from 'vitest';
import { parseRevision } from './revision.js';

describe('parseRevision', () => {
  it.each([
    ['main', { base: 'main', steps: [] }],
    ['@', { base: 'HEAD', steps: [] }],
    ['@~', { base: 'HEAD', steps: [{ kind: 'ancestor', n: 1 }] }],
    ['HEAD~3', { base: 'HEAD', steps: [{ kind: 'ancestor', n: 3 }] }],
    ['main~2^', { base: 'main', steps: [{ kind: 'ancestor', n: 2 }, { kind: 'parent', n: 1 }] }],
    ['v1^0^2~010', { base: 'v1', steps: [{ kind: 'parent', n: 0 }, { kind: 'parent', n: 2 }, { kind: 'ancestor', n: 10 }] }],
    ['v2^{}^{commit}~', { base: 'v2', steps: [{ kind: 'peel' }, { kind: 'peel' }, { kind: 'ancestor', n: 1 }] }],
    ['ABCDEF0123456789abcdef0123456789ABCDEF01', { base: 'ABCDEF0123456789abcdef0123456789ABCDEF01', steps: [] }],
  ])('%s', (expr, parsed) => {
    expect(parseRevision(expr)).toEqual(parsed);
  });

  it('keeps absurd counts finite, so walking stops at the root instead of looping forever', () => {
    expect(parseRevision('HEAD~99999999999999999999999').steps).toEqual([{ kind: 'ancestor', n: Number.MAX_SAFE_INTEGER }]);
  });

  it.each(['', '~', 'HEAD~-1', 'HEAD^{tree}', 'HEAD@{0}', 'HEAD:x', '../x', 'refs//x', 'a\u0000'])('refuses %j with E_INVALID_REF', (expr) => {
    expect(() => parseRevision(expr)).toThrow(expect.objectContaining({ name: 'SourceError', code: 'E_INVALID_REF' }));
  });
});
