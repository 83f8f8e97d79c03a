/**
 * The syntax of revision expressions as people type them (`main`, `v2^{}`, `HEAD~2`, `abc1234^2`), checked
 * without touching Git: the command line validates `--ref` with it before loading anything, and
 * revision.ts resolves what it parses. A name is checked with `git check-ref-format`'s rules, which also keep it
 * a relative path inside the gitdir (`../../x` is refused).
 */
import { SourceError } from '../model/errors.js';

export type RevisionStep =
  /** `~N`: the N-th first-parent ancestor. */
  | { kind: 'ancestor'; n: number }
  /** `^N`: the N-th parent (`^0` is the commit itself). */
  | { kind: 'parent'; n: number }
  /** `^{}` / `^{commit}`: peel tags down to the commit. */
  | { kind: 'peel' };

export interface Revision {
  /** A ref name, a full SHA or a short SHA: what comes before the first `~` or `^`. */
  base: string;
  steps: RevisionStep[];
}

export const FULL_SHA = /^[0-9a-fA-F]{40}$/;
const STEP = /~(\d*)|\^\{(?:commit)?\}|\^(\d*)/y;

/** Parses `expr` or throws `E_INVALID_REF`; a successful parse says nothing about whether the revision exists. */
export function parseRevision(expr: string): Revision {
  const cut = expr.search(/[~^]/);
  const base = cut < 0 ? expr : expr.slice(0, cut);
  const problem = baseProblem(base);
  if (problem) throw invalid(expr, problem);
  const steps: RevisionStep[] = [];
  const suffix = cut < 0 ? '' : expr.slice(cut);
  for (let at = 0; at < suffix.length; at = STEP.lastIndex) {
    STEP.lastIndex = at;
    const m = STEP.exec(suffix);
    if (!m) throw invalid(expr, `unsupported revision syntax at '${suffix.slice(at)}' (use ~N, ^N, ^{commit})`);
    if (m[1] !== undefined) steps.push({ kind: 'ancestor', n: count(m[1]) });
    else if (m[2] !== undefined) steps.push({ kind: 'parent', n: count(m[2]) });
    else steps.push({ kind: 'peel' });
  }
  return { base: base === '@' ? 'HEAD' : base, steps };
}

function count(digits: string): number {
  return digits === '' ? 1 : Math.min(Number(digits), Number.MAX_SAFE_INTEGER);
}

function baseProblem(base: string): string | undefined {
  if (base === '') return 'empty revision';
  if (FULL_SHA.test(base) || base === '@') return undefined;
  return refFormatProblem(base);
}

/**
 * Why `name` is not a valid ref name under `git check-ref-format --allow-onelevel`, or undefined when it is.
 * These rules also keep every name a relative path inside the gitdir.
 */
export function refFormatProblem(name: string): string | undefined {
  if (name === '') return 'empty name';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being refused
  if (/[\x00-\x1f\x7f]/.test(name)) return 'contains a control character';
  if (/[ ~^:?*[\\]/.test(name)) return 'contains one of space ~ ^ : ? * [ \\';
  if (name.startsWith('/') || name.endsWith('/')) return 'begins or ends with /';
  if (name.includes('//')) return 'contains an empty path component';
  if (name.includes('..')) return 'contains ..';
  if (name.includes('@{')) return 'contains @{';
  if (name === '@') return 'is @';
  if (name.endsWith('.')) return 'ends with .';
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return `component '${component}' begins with .`;
    if (component.endsWith('.lock')) return `component '${component}' ends with .lock`;
  }
  return undefined;
}

export function invalid(expr: string, why: string): SourceError {
  return new SourceError('E_INVALID_REF', `invalid revision ${show(expr)}: ${why}`, { ref: expr });
}

/** Quoted with control characters escaped, so a hostile ref cannot forge terminal output. */
export function show(expr: string): string {
  return JSON.stringify(expr);
}
