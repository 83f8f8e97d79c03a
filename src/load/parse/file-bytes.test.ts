import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeFleetFile, firstInvalidUtf8Offset } from './file-bytes.js';

describe('firstInvalidUtf8Offset', () => {
  it.each([
    ['ASCII', [0x61, 0x62], -1],
    ['two-byte é', [0xc3, 0xa9], -1],
    ['four-byte emoji', [0xf0, 0x9f, 0x98, 0x80], -1],
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an overlong slash', [0xc0, 0xaf], 0],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['a code point beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a truncated sequence', [0x61, 0xe2, 0x82], 1],
    ['Latin-1 é', [0x63, 0x61, 0x66, 0xe9], 3],
  ])('%s', (_, bytes, expected) => {
    expect(firstInvalidUtf8Offset(new Uint8Array(bytes))).toBe(expected);
  });

  it('agrees with a strict TextDecoder on arbitrary bytes', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let valid = true;
        try {
          strict.decode(bytes);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8Offset(bytes) === -1).toBe(valid);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts every encoded string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(firstInvalidUtf8Offset(new TextEncoder().encode(s))).toBe(-1);
      }),
    );
  });
});

describe('decodeFleetFile', () => {
  it('checks the size limit first', () => {
    const out = decodeFleetFile(new Uint8Array([0xff, 0, 0, 0]), 3);
    expect(out).toMatchObject({ ok: false, line: 1, column: 1 });
    expect(!out.ok && out.message).toContain('4 bytes, more than the limit of 3 bytes');
  });

  it('names UTF-16 files', () => {
    const out = decodeFleetFile(new Uint8Array([0xff, 0xfe, 0x61, 0x00]), 100);
    expect(!out.ok && out.message).toContain('looks like UTF-16');
  });

  it('decodes valid UTF-8 and drops the BOM', () => {
    expect(decodeFleetFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xc3, 0xa9]), 100)).toEqual({ ok: true, text: 'aé' });
  });
});
