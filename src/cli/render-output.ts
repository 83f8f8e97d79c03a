/**
 * `flotilla render --out DIR`: DIR/<cluster>/ holds exactly the cluster's manifests afterwards.
 *
 * A cluster directory that already holds exactly what is wanted is left untouched. Any other is built next to the
 * old one (a temporary directory in DIR) and swapped in with two renames, so a failure leaves the previous output
 * whole. The old tree is only read and then removed as a unit:
 * symbolic links in it are never followed, and a cluster directory that is itself a link is refused before
 * anything is written. Every path is joined with safeJoin, so a hostile kind or name cannot leave DIR.
 */
import { closeSync, fstatSync, linkSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { OutputError, UnsafePathError, UsageError } from '../model/errors.js';
import type { SourceLocation } from '../model/problem.js';
import { safeJoin, safeRelativePath } from '../util/safe-path.js';

export interface OutputFile {
  /** Path below the cluster directory, one segment per directory level. */
  segments: string[];
  text: string;
  /** Where a refusal to write it is reported. */
  source: SourceLocation;
  /** Names the file in a refusal (e.g. `Deployment shop/web`). */
  label: string;
}

export interface ClusterOutput {
  cluster: string;
  source: SourceLocation;
  files: OutputFile[];
}

export interface OutputResult {
  written: number;
  problems: { file: string; line: number; column: number; message: string }[];
}

export function writeRenderOutput(outDir: string, clusters: ClusterOutput[]): OutputResult {
  prepareOutDir(outDir);
  const result: OutputResult = { written: 0, problems: [] };
  const targets: { cluster: ClusterOutput; dir: string }[] = [];
  for (const cluster of clusters) {
    const dir = joinOrReport(outDir, [cluster.cluster], cluster.source, `cluster ${JSON.stringify(cluster.cluster)}`, result);
    if (dir) targets.push({ cluster, dir });
  }
  // Refuse before writing anything, so a refusal never leaves half of the clusters updated.
  for (const t of targets) refuseNonDirectory(t.dir);
  for (const t of targets) replaceClusterDir(outDir, t.dir, t.cluster.files, result);
  return result;
}

function prepareOutDir(outDir: string): void {
  let st: Stats | undefined;
  try {
    st = statSync(outDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`--out ${outDir}: ${(err as Error).message}`);
  }
  if (st && !st.isDirectory()) throw new UsageError(`--out ${outDir}: exists and is not a directory`);
  if (!st) {
    try {
      mkdirSync(outDir, { recursive: true });
    } catch (err) {
      throw new UsageError(`--out ${outDir}: cannot create it: ${(err as Error).message}`);
    }
  }
}

function refuseNonDirectory(dir: string): void {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st || st.isDirectory()) return;
  const what = st.isSymbolicLink() ? 'is a symbolic link' : 'exists and is not a directory';
  throw new UsageError(`--out: ${dir} ${what}; refusing to write through or over it (remove it, or choose another --out)`);
}

function joinOrReport(root: string, segments: string[], source: SourceLocation, label: string, result: OutputResult): string | undefined {
  try {
    return safeJoin(root, ...segments);
  } catch (err) {
    if (!(err instanceof UnsafePathError)) throw err;
    result.problems.push({ ...source, message: `${label} not rendered: ${err.message}` });
    return undefined;
  }
}

function replaceClusterDir(outDir: string, clusterDir: string, files: OutputFile[], result: OutputResult): void {
  const wanted = new Map<string, string>();
  for (const f of files) {
    const rel = relativeOrReport(f, result);
    if (rel === undefined) continue;
    // As when writing them one after the other: the last file for a path wins.
    wanted.delete(rel);
    wanted.set(rel, f.text);
    result.written++;
  }
  // Re-rendering an unchanged cluster is the common case (CI, a local loop): then there is nothing to swap.
  if (holdsExactly(clusterDir, wanted)) return;
  const previous = regularFiles(clusterDir);
  const staging = mkdtempSync(join(outDir, '.flotilla-render-'));
  const made = new Set<string>();
  try {
    for (const [rel, text] of wanted) {
      const path = join(staging, rel);
      const dir = dirname(path);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeUnlessUnchanged(path, text, previous.get(rel));
    }
    swapIn(staging, clusterDir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (err instanceof UsageError || err instanceof OutputError) throw err;
    throw new OutputError(`cannot write ${clusterDir}: ${(err as Error).message} (its previous contents are unchanged)`, { path: clusterDir }, { cause: err });
  }
}

/** `f`'s path below its cluster directory, `/`-separated; undefined (and a problem) when a segment is unsafe. */
function relativeOrReport(f: OutputFile, result: OutputResult): string | undefined {
  try {
    return safeRelativePath(...f.segments).split('/').join(sep);
  } catch (err) {
    if (!(err instanceof UnsafePathError)) throw err;
    result.problems.push({ ...f.source, message: `${f.label} not rendered: ${err.message}` });
    return undefined;
  }
}

/**
 * Whether `dir` already is the wanted tree: exactly the wanted regular files with the wanted bytes, each with a
 * single link, and no other entry (no link, no stray or empty directory). Only reads; false on any doubt.
 */
function holdsExactly(dir: string, wanted: ReadonlyMap<string, string>): boolean {
  if (wanted.size === 0 || !lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return false;
  const directories = new Set<string>();
  for (const rel of wanted.keys()) for (let d = dirname(rel); d !== '.' && !directories.has(d); d = dirname(d)) directories.add(d);
  let seen = 0;
  const walk = (rel: string): boolean => {
    for (const e of readdirSync(rel === '' ? dir : join(dir, rel), { withFileTypes: true })) {
      const entry = rel === '' ? e.name : join(rel, e.name);
      if (e.isDirectory()) {
        if (!directories.has(entry) || !walk(entry)) return false;
      } else {
        const text = wanted.get(entry);
        if (!e.isFile() || text === undefined || !sameSoleCopy(join(dir, entry), text)) return false;
        seen++;
      }
    }
    return true;
  };
  try {
    return walk('') && seen === wanted.size;
  } catch {
    return false;
  }
}

/** The file holds exactly `text` and has no other hard link (the output never shares data with files outside it). */
function sameSoleCopy(path: string, text: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    const bytes = Buffer.from(text);
    if (st.nlink !== 1 || st.size !== bytes.length) return false;
    const held = Buffer.allocUnsafe(bytes.length + 1);
    // One byte more than expected: a file that grew since fstat reads as different.
    let n = 0;
    for (let r; n < held.length && (r = readSync(fd, held, n, held.length - n, n)) > 0; ) n += r;
    return n === bytes.length && held.subarray(0, n).equals(bytes);
  } finally {
    closeSync(fd);
  }
}

/**
 * Unchanged files keep their timestamp, so `ls -lt` shows what a commit changed. One that only this tree holds
 * is hard-linked into the new tree: a re-render then costs one link instead of a write and a later unlink of
 * the old copy's data. Files are never written in place, so sharing the inode changes nothing the old tree held;
 * a file with other links (made outside flotilla) gets a fresh copy, so the output never shares them.
 */
function writeUnlessUnchanged(path: string, text: string, old: { path: string; stat: Stats } | undefined): void {
  const unchanged = old !== undefined && old.stat.size === Buffer.byteLength(text) && readFileSync(old.path, 'utf8') === text;
  if (unchanged && old.stat.nlink === 1 && linked(old.path, path)) return;
  writeFileSync(path, text);
  if (unchanged) utimesSync(path, old.stat.atime, old.stat.mtime);
}

function linked(existing: string, path: string): boolean {
  try {
    linkSync(existing, path);
    return true;
  } catch {
    // A file system without hard links: the file is written as a changed one is.
    return false;
  }
}

/** Regular files below `dir` by relative path; links are neither followed nor listed. */
function regularFiles(dir: string, base = dir, out = new Map<string, { path: string; stat: Stats }>()): Map<string, { path: string; stat: Stats }> {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) regularFiles(p, base, out);
    else if (e.isFile()) out.set(relative(base, p), { path: p, stat: lstatSync(p) });
  }
  return out;
}

function swapIn(staging: string, clusterDir: string): void {
  if (!lstatSync(clusterDir, { throwIfNoEntry: false })) {
    renameSync(staging, clusterDir);
    return;
  }
  const retired = `${staging}.old`;
  renameSync(clusterDir, retired);
  try {
    renameSync(staging, clusterDir);
  } catch (err) {
    renameSync(retired, clusterDir);
    throw err;
  }
  // rm removes links themselves, never what they point to.
  rmSync(retired, { recursive: true, force: true });
}
