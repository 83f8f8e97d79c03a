/**
 * Revision expressions as people type them, resolved to a commit the way `git rev-parse REV^{commit}` does:
 * a branch, a tag (annotated tags are peeled), `HEAD`, a full or short SHA (at least 4 hex digits), followed
 * by any chain of `~`, `~N`, `^`, `^N`, `^{}` and `^{commit}` (e.g. `main~2^2`).
 *
 * Names are checked before anything reaches the file system: isomorphic-git turns a ref name into the path
 * `<gitdir>/<name>`, so `../../x` or `/etc/passwd` would otherwise be read.
 *
 * Stable error codes (all `SourceError`):
 * - `E_INVALID_REF`: not a revision at all (empty, a path, a control character, a name `git check-ref-format`
 *   rejects, syntax Flotilla does not support such as `@{1}` or `REF:path`);
 * - `E_AMBIGUOUS_REF`: a short SHA that matches several commits (the message lists them);
 * - `E_BAD_REF`: well-formed, but no such branch, tag or commit, no such ancestor, or not a commit;
 * - `E_CORRUPT_OBJECT` / `E_MISSING_OBJECT`: history damaged on the way (see objects.ts).
 */
import git, { Errors, type PromiseFsClient, type TagObject } from 'isomorphic-git';
import { SourceError } from '../model/errors.js';
import { guardObjectRead, reasonOf } from './objects.js';
import { FULL_SHA, parseRevision, show } from './revision-syntax.js';

export { parseRevision, refFormatProblem, show, type Revision, type RevisionStep } from './revision-syntax.js';

/** Where a revision is resolved: isomorphic-git's fs, the gitdir and its object cache. */
export interface GitContext {
  fs: PromiseFsClient;
  gitdir: string;
  cache: object;
}

const SHORT_SHA = /^[0-9a-fA-F]{4,39}$/;
/** Root-level refs git itself reads from the gitdir (HEAD, FETCH_HEAD, ORIG_HEAD…): upper case only. */
const ROOT_REF = /^[A-Z][A-Z_]*$/;
/** Longer chains of tags are a loop or an attack, not a release history. */
const MAX_TAG_DEPTH = 32;

/** The commit `expr` names, as `git rev-parse --verify 'expr^{commit}'` would print it. */
export async function resolveRevision(ctx: GitContext, expr: string): Promise<string> {
  const { base, steps } = parseRevision(expr);
  let oid = await resolveBase(ctx, base, expr);
  for (const step of steps) {
    const commit = await peelToCommit(ctx, oid, expr);
    oid = step.kind === 'peel' ? commit : await walk(ctx, commit, step, expr);
  }
  return peelToCommit(ctx, oid, expr);
}

async function resolveBase(ctx: GitContext, base: string, expr: string): Promise<string> {
  if (FULL_SHA.test(base)) return base.toLowerCase();
  const fromRef = await lookUpRef(ctx, base);
  if (fromRef) return fromRef;
  if (SHORT_SHA.test(base)) return expandShortSha(ctx, base.toLowerCase(), expr);
  throw new SourceError('E_BAD_REF', `unknown revision ${show(expr)}: no branch, tag or commit named ${show(base)}`, { ref: expr });
}

/** The ref rules of git, in git's order: `<name>` (root refs only), refs/, refs/tags/, refs/heads/, refs/remotes/. */
async function lookUpRef(ctx: GitContext, name: string): Promise<string | undefined> {
  const candidates = [
    ...(ROOT_REF.test(name) || name.startsWith('refs/') ? [name] : []),
    `refs/${name}`,
    `refs/tags/${name}`,
    `refs/heads/${name}`,
    `refs/remotes/${name}`,
    `refs/remotes/${name}/HEAD`,
  ];
  for (const ref of candidates) {
    try {
      const oid = await git.resolveRef({ fs: ctx.fs, gitdir: ctx.gitdir, ref });
      if (FULL_SHA.test(oid)) return oid;
    } catch (err) {
      if (!(err instanceof Errors.NotFoundError)) throw new SourceError('E_BAD_REF', `cannot read ref ${ref}: ${reasonOf(err)}`, { ref }, { cause: err });
    }
  }
  return undefined;
}

async function expandShortSha(ctx: GitContext, short: string, expr: string): Promise<string> {
  let matches: string[];
  try {
    matches = [await git.expandOid({ fs: ctx.fs, gitdir: ctx.gitdir, oid: short, cache: ctx.cache })];
  } catch (err) {
    if (!(err instanceof Errors.AmbiguousError)) {
      throw new SourceError('E_BAD_REF', `unknown revision ${show(expr)}: no branch, tag or commit named ${show(short)}`, { ref: expr }, { cause: err });
    }
    matches = err.data.matches;
  }
  if (matches.length === 1) return matches[0]!;
  // As `git rev-parse abcd^{commit}` does, only objects that lead to a commit compete.
  const commitish: string[] = [];
  for (const oid of matches) if (await peelsToCommit(ctx, oid)) commitish.push(oid);
  if (commitish.length === 1) return commitish[0]!;
  const candidates = (commitish.length > 0 ? commitish : matches).sort();
  throw new SourceError('E_AMBIGUOUS_REF', `short SHA ${show(short)} is ambiguous: it matches ${candidates.join(', ')}; type more digits`, { ref: expr, candidates });
}

async function peelsToCommit(ctx: GitContext, oid: string): Promise<boolean> {
  return peelToCommit(ctx, oid, oid).then(
    () => true,
    () => false,
  );
}

/** Follows annotated tags down to a commit; a tag of a tree or blob names no commit. */
async function peelToCommit(ctx: GitContext, start: string, expr: string): Promise<string> {
  let oid = start;
  for (let depth = 0; depth <= MAX_TAG_DEPTH; depth++) {
    const object = await readNamedObject(ctx, oid, expr);
    if (object.type === 'commit') return oid;
    if (object.type !== 'tag') {
      throw new SourceError('E_BAD_REF', `${show(expr)} names a ${object.type} (${oid}), not a commit`, { ref: expr, oid });
    }
    oid = (object.object as TagObject).object;
  }
  throw new SourceError('E_BAD_REF', `${show(expr)}: tag chain longer than ${MAX_TAG_DEPTH} from ${start}`, { ref: expr, oid: start });
}

/** An object the user named: absent means a typo (E_BAD_REF), unreadable means damage (objects.ts). */
async function readNamedObject(ctx: GitContext, oid: string, expr: string) {
  try {
    return await guardObjectRead('object', oid, () => git.readObject({ fs: ctx.fs, gitdir: ctx.gitdir, oid, cache: ctx.cache, format: 'parsed' }));
  } catch (err) {
    if (err instanceof SourceError && err.code === 'E_MISSING_OBJECT') {
      throw new SourceError('E_BAD_REF', `unknown revision ${show(expr)}: no object ${oid}`, { ref: expr, oid }, { cause: err });
    }
    throw err;
  }
}

async function walk(ctx: GitContext, commit: string, step: { kind: 'ancestor' | 'parent'; n: number }, expr: string): Promise<string> {
  if (step.kind === 'parent') {
    if (step.n === 0) return commit;
    const parents = await parentsOf(ctx, commit);
    const parent = parents[step.n - 1];
    if (parent === undefined) throw noSuchRevision(expr, `commit ${commit} has ${parents.length} parent(s), not ${step.n}`);
    return parent;
  }
  let oid = commit;
  for (let i = 0; i < step.n; i++) {
    const first = (await parentsOf(ctx, oid))[0];
    if (first === undefined) throw noSuchRevision(expr, `history ends at root commit ${oid} after ${i} step(s) of ${step.n}`);
    oid = first;
  }
  return oid;
}

async function parentsOf(ctx: GitContext, commit: string): Promise<string[]> {
  const { commit: c } = await guardObjectRead('commit', commit, () => git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, oid: commit, cache: ctx.cache }));
  return c.parent;
}

function noSuchRevision(expr: string, why: string): SourceError {
  return new SourceError('E_BAD_REF', `unknown revision ${show(expr)}: ${why}`, { ref: expr });
}
