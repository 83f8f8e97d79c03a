/**
 * Checks on a file's bytes before any YAML parsing: a size limit (so a huge file costs nothing), strict UTF-8
 * and no NUL bytes (binary files and other encodings are refused, not guessed at).
 */

export type DecodeOutcome =
  | { ok: true; text: string }
  | { ok: false; message: string; line: number; column: number };

/** Byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and values beyond U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in UTF-16 code units, as the YAML parser counts) of an index into `text`. */
export function lineColumnAt(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeFleetFile(bytes: Uint8Array, maxBytes: number): DecodeOutcome {
  if (bytes.length > maxBytes) {
    return { ok: false, line: 1, column: 1, message: `file is ${bytes.length} bytes, more than the limit of ${maxBytes} bytes (fleet.yaml spec.maxFileBytes); refused without reading it` };
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return invalidUtf8(bytes);
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) return { ok: false, ...lineColumnAt(text, nul), message: 'file contains a NUL byte (binary content is not YAML); refused' };
  return { ok: true, text };
}

/** Only on failure: the native decoder says whether, this finds where. */
function invalidUtf8(bytes: Uint8Array): DecodeOutcome {
  const bad = Math.max(0, firstInvalidUtf8Offset(bytes));
  const prefix = utf8.decode(bytes.subarray(0, bad));
  const at = lineColumnAt(prefix, prefix.length);
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const hint = utf16 ? ' (the file looks like UTF-16)' : '';
  return { ok: false, ...at, message: `file is not valid UTF-8${hint}: byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')} at offset ${bad}; refused` };
}
