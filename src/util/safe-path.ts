/**
 * The one way Flotilla names a file it writes (render output, status files, inventories). Segments come from
 * fleet data (cluster names, kinds, object names); the loader refuses odd ones, and this is the last line of
 * defence: a segment that could climb out of the root, hide a separator or confuse a terminal is refused with an
 * UnsafePathError instead of being "cleaned" into some other path. Paths read from a repository are checked here
 * too (unsafeRepositoryPathReason), so there is one place that decides what may name a file.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UnsafePathError, type UnsafePathReason } from '../model/errors.js';

/** NAME_MAX of common Linux and macOS file systems, in bytes. */
export const MAX_SEGMENT_BYTES = 255;

const UTF8 = new TextEncoder();
const LONE_SURROGATE = /\p{Cs}/u;

// C0 controls (NUL included), DEL and C1 controls: never part of a name Flotilla should create.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `segment` cannot be one component of a written path, or null when it can. */
export function unsafeSegmentReason(segment: string): UnsafePathReason | null {
  if (segment === '') return 'empty';
  if (segment === '.' || segment === '..') return 'dot';
  if (segment.includes('/') || segment.includes('\\')) return 'separator';
  if (CONTROL.test(segment)) return 'control-character';
  // A lone surrogate is written as U+FFFD: two different names would land in one file.
  if (LONE_SURROGATE.test(segment)) return 'invalid-unicode';
  if (UTF8.encode(segment).length > MAX_SEGMENT_BYTES) return 'too-long';
  return null;
}

const EXPLANATION: Record<UnsafePathReason, string> = {
  'no-segments': 'no path segments given',
  empty: 'an empty path segment',
  dot: "a '.' or '..' path segment",
  separator: "a '/' or '\\' inside a path segment",
  'control-character': 'a control character in a path segment',
  'invalid-unicode': 'a lone UTF-16 surrogate in a path segment',
  'too-long': `a path segment longer than ${MAX_SEGMENT_BYTES} bytes`,
  'escapes-root': 'a path outside its root directory',
};

function refuse(reason: UnsafePathReason, segment: string): never {
  throw new UnsafePathError(reason, segment, `refusing to write ${JSON.stringify(segment.slice(0, 80))}: ${EXPLANATION[reason]}`);
}

/** `a/b/c` from safe segments; throws UnsafePathError for the first unsafe one. */
export function safeRelativePath(...segments: string[]): string {
  if (segments.length === 0) refuse('no-segments', '');
  for (const s of segments) {
    const reason = unsafeSegmentReason(s);
    if (reason) refuse(reason, s);
  }
  return segments.join('/');
}

/** The absolute path of `segments` below `root`, guaranteed to be strictly inside it. */
export function safeJoin(root: string, ...segments: string[]): string {
  const base = resolve(root);
  const path = join(base, safeRelativePath(...segments));
  // Belt and braces: the segment checks already make this impossible.
  const rel = relative(base, path);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) refuse('escapes-root', segments.join('/'));
  return path;
}

export type UnsafeRepositoryPathReason = 'empty' | 'nul' | 'backslash' | 'absolute' | 'dot-dot' | 'empty-or-dot-segment';

/**
 * Why a path read from a repository (relative, `/`-separated) could name something outside it, or null when it
 * cannot. The first problem found, in this order: empty, NUL, backslash, absolute (also `C:`), `..`, then an
 * empty or `.` segment.
 */
export function unsafeRepositoryPathReason(path: string): UnsafeRepositoryPathReason | null {
  if (path === '') return 'empty';
  if (path.includes('\0')) return 'nul';
  if (path.includes('\\')) return 'backslash';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'absolute';
  const segments = path.split('/');
  if (segments.includes('..')) return 'dot-dot';
  if (segments.some((s) => s === '' || s === '.')) return 'empty-or-dot-segment';
  return null;
}
