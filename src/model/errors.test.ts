import { describe, expect, it } from 'vitest';
import { FleetFileError, FlotillaError, KubeApiError, SourceError, UnsafePathError, UsageError } from './errors.js';

describe('error codes', () => {
  it('are closed per family: tsc rejects a misspelt or borrowed code (the @ts-expect-error lines)', () => {
    // @ts-expect-error a misspelt code
    const typo = new SourceError('E_NOT_A_REPOO', 'x');
    // @ts-expect-error a code of another family
    const borrowed = new KubeApiError('E_BAD_REF', 'x');
    const unreachable = new KubeApiError('E_UNREACHABLE', 'x');
    // @ts-expect-error comparing with a code the family does not have
    const compared = unreachable.code === 'E_UNREACHABL';
    expect([typo.code, borrowed.code, compared]).toEqual(['E_NOT_A_REPOO', 'E_BAD_REF', false]);
  });

  it('keep class names, codes and data', () => {
    const errors: FlotillaError[] = [
      new UsageError('bad flag'),
      new FleetFileError('E_TOO_LARGE', 'too large', { file: 'workloads/big.yaml' }),
      new UnsafePathError('dot', '..', 'refusing'),
    ];
    expect(errors.map((e) => [e.name, e.code, e instanceof FlotillaError])).toEqual([
      ['UsageError', 'E_USAGE', true],
      ['FleetFileError', 'E_TOO_LARGE', true],
      ['UnsafePathError', 'E_UNSAFE_PATH', true],
    ]);
    expect(errors[2]!.data).toEqual({ reason: 'dot', segment: '..' });
  });
});
