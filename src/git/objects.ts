/**
 * Reading one Git object can fail because the repository is damaged (a truncated or overwritten loose object, a
 * pruned object in a broken clone). isomorphic-git reports that as a zlib or SHA-check error with a stack; this
 * turns it into a `SourceError` that names the object, with stable codes:
 * - `E_CORRUPT_OBJECT`: the object is there but unreadable or does not hash to its id;
 * - `E_MISSING_OBJECT`: the object is referenced but absent.
 */
import { Errors } from 'isomorphic-git';
import { SourceError } from '../model/errors.js';

export type ObjectKind = 'object' | 'commit' | 'tree' | 'blob';

export const OBJECT_ERROR_CODES = ['E_CORRUPT_OBJECT', 'E_MISSING_OBJECT'] as const;

export async function guardObjectRead<T>(kind: ObjectKind, oid: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof SourceError) throw err;
    const missing = err instanceof Errors.NotFoundError;
    const reason = reasonOf(err);
    throw new SourceError(
      missing ? 'E_MISSING_OBJECT' : 'E_CORRUPT_OBJECT',
      missing ? `${kind} ${oid} is missing from the repository` : `${kind} ${oid} is corrupt (${reason})`,
      { kind, oid },
      { cause: err },
    );
  }
}

/** The cause in one line: isomorphic-git's InternalError wraps it ("SHA check failed! …") in a paragraph of advice. */
export function reasonOf(err: unknown): string {
  const message = err instanceof Errors.InternalError ? err.data.message : (err as Error).message;
  return String(message).replace(/\s+/g, ' ').trim();
}

export function isObjectError(err: unknown): err is SourceError {
  return err instanceof SourceError && (OBJECT_ERROR_CODES as readonly string[]).includes(err.code);
}
