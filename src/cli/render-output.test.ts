import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputError, UsageError } from '../model/errors.js';
import { writeRenderOutput, type ClusterOutput, type OutputFile } from './render-output.js';

let root: string;
let out: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-render-out-'));
  out = join(root, 'out');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const at = { file: 'workloads/x.yaml', line: 3, column: 1 };
const file = (segments: string[], text = `name: ${segments.join('-')}\n`): OutputFile => ({ segments, text, source: at, label: segments.join('/') });
const cluster = (name: string, files: OutputFile[]): ClusterOutput => ({ cluster: name, source: { file: `clusters/${name}.yaml`, line: 1, column: 1 }, files });

/** Every path below `dir`, links listed but not followed. */
function tree(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    const rel = p.slice(base.length + 1);
    return e.isDirectory() ? [`${rel}/`, ...tree(p, base)] : [rel];
  });
}

describe('writeRenderOutput', () => {
  it('writes exactly the wanted files, removes stale ones and leaves no staging directory', () => {
    mkdirSync(join(out, 'm1', 'stale'), { recursive: true });
    writeFileSync(join(out, 'm1', 'stale', 'old.yaml'), 'x: 1\n');
    mkdirSync(join(out, 'other'));
    const result = writeRenderOutput(out, [cluster('m1', [file(['shop', 'deployment.apps-web.yaml']), file(['_cluster', 'namespace-shop.yaml'])])]);
    expect(result).toEqual({ written: 2, problems: [] });
    expect(tree(out).sort()).toEqual(['m1/', 'm1/_cluster/', 'm1/_cluster/namespace-shop.yaml', 'm1/shop/', 'm1/shop/deployment.apps-web.yaml', 'other/']);
    expect(readFileSync(join(out, 'm1', 'shop', 'deployment.apps-web.yaml'), 'utf8')).toBe('name: shop-deployment.apps-web.yaml\n');
  });

  it('keeps the timestamp of an unchanged file and updates a changed one', () => {
    writeRenderOutput(out, [cluster('m1', [file(['a', 'same.yaml'], 'same\n'), file(['a', 'changed.yaml'], 'old\n')])]);
    const past = new Date('2020-01-01T00:00:00Z');
    for (const f of ['same.yaml', 'changed.yaml']) utimesSync(join(out, 'm1', 'a', f), past, past);
    writeRenderOutput(out, [cluster('m1', [file(['a', 'same.yaml'], 'same\n'), file(['a', 'changed.yaml'], 'new\n')])]);
    expect(statSync(join(out, 'm1', 'a', 'same.yaml')).mtime).toEqual(past);
    expect(statSync(join(out, 'm1', 'a', 'changed.yaml')).mtime).not.toEqual(past);
    expect(readFileSync(join(out, 'm1', 'a', 'changed.yaml'), 'utf8')).toBe('new\n');
  });

  it('leaves a cluster directory that already holds exactly the wanted files in place', () => {
    const files = [file(['a', 'one.yaml']), file(['b', 'c', 'two.yaml'])];
    writeRenderOutput(out, [cluster('m1', files)]);
    const before = statSync(join(out, 'm1')).ino;
    expect(writeRenderOutput(out, [cluster('m1', files)])).toEqual({ written: 2, problems: [] });
    expect(statSync(join(out, 'm1')).ino).toBe(before);
    expect(tree(out).sort()).toEqual(['m1/', 'm1/a/', 'm1/a/one.yaml', 'm1/b/', 'm1/b/c/', 'm1/b/c/two.yaml']);
  });

  it.each([
    ['a stray empty directory', (dir: string) => mkdirSync(join(dir, 'empty'))],
    ['an extra file', (dir: string) => writeFileSync(join(dir, 'a', 'extra.yaml'), 'x\n')],
    ['a file changed by hand', (dir: string) => writeFileSync(join(dir, 'a', 'one.yaml'), 'name: a-one.yamm\n')],
    ['a missing file', (dir: string) => rmSync(join(dir, 'a', 'one.yaml'))],
    ['a file replaced by a link', (dir: string) => (rmSync(join(dir, 'a', 'one.yaml')), symlinkSync(join(root, 'elsewhere'), join(dir, 'a', 'one.yaml')))],
  ])('rewrites a cluster directory that differs by %s', (_what, spoil) => {
    const files = [file(['a', 'one.yaml']), file(['a', 'two.yaml'])];
    writeRenderOutput(out, [cluster('m1', files)]);
    spoil(join(out, 'm1'));
    writeRenderOutput(out, [cluster('m1', files)]);
    expect(tree(out).sort()).toEqual(['m1/', 'm1/a/', 'm1/a/one.yaml', 'm1/a/two.yaml']);
    expect(readFileSync(join(out, 'm1', 'a', 'one.yaml'), 'utf8')).toBe('name: a-one.yaml\n');
    expect(lstatSync(join(out, 'm1', 'a', 'one.yaml')).isFile()).toBe(true);
  });

  it('never leaves an output file sharing its data with a hard link made outside the output', () => {
    writeRenderOutput(out, [cluster('m1', [file(['a', 'same.yaml'], 'same\n')])]);
    const outside = join(out, '..', 'outside.yaml');
    linkSync(join(out, 'm1', 'a', 'same.yaml'), outside);
    writeRenderOutput(out, [cluster('m1', [file(['a', 'same.yaml'], 'same\n')])]);
    expect(statSync(join(out, 'm1', 'a', 'same.yaml')).nlink).toBe(1);
    expect(statSync(join(out, 'm1', 'a', 'same.yaml')).ino).not.toBe(statSync(outside).ino);
    expect(readFileSync(join(out, 'm1', 'a', 'same.yaml'), 'utf8')).toBe('same\n');
  });

  it('refuses hostile kinds, names and cluster names as problems and writes nothing outside DIR', () => {
    const result = writeRenderOutput(join(out, 'a', 'b'), [
      cluster('m1', [file(['shop', 'x/../../../../escaped-kind.example.com-pwn.yaml']), file(['..', 'up.yaml']), file(['shop', 'ok.yaml'])]),
      cluster('../m2', [file(['shop', 'ok.yaml'])]),
    ]);
    expect(result.written).toBe(1);
    expect(result.problems).toEqual([
      { file: 'clusters/../m2.yaml', line: 1, column: 1, message: expect.stringMatching(/^cluster "\.\.\/m2" not rendered: refusing to write "\.\.\/m2": a '\/' or '\\' inside a path segment$/) },
      { ...at, message: expect.stringMatching(/^shop\/x\/\.\.\/.* not rendered: refusing to write "x\/\.\.\/\.\.\/\.\.\/\.\.\/escaped-kind/) },
      { ...at, message: expect.stringMatching(/not rendered: refusing to write "\.\.": a '\.' or '\.\.' path segment$/) },
    ]);
    expect(tree(root).sort()).toEqual(['out/', 'out/a/', 'out/a/b/', 'out/a/b/m1/', 'out/a/b/m1/shop/', 'out/a/b/m1/shop/ok.yaml']);
  });

  it('refuses a cluster directory that is a symbolic link, before writing anything, and leaves its target alone', () => {
    const victim = join(root, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 'precious.txt'), 'keep me\n');
    mkdirSync(join(out, 'm1'), { recursive: true });
    writeFileSync(join(out, 'm1', 'before.yaml'), 'before\n');
    symlinkSync(victim, join(out, 'm2'));
    expect(() => writeRenderOutput(out, [cluster('m1', [file(['a', 'new.yaml'])]), cluster('m2', [file(['a', 'x.yaml'])])])).toThrow(
      new UsageError(`--out: ${join(out, 'm2')} is a symbolic link; refusing to write through or over it (remove it, or choose another --out)`),
    );
    expect(tree(victim)).toEqual(['precious.txt']);
    expect(tree(join(out, 'm1'))).toEqual(['before.yaml']);
    expect(lstatSync(join(out, 'm2')).isSymbolicLink()).toBe(true);
  });

  it('removes links inside a cluster directory without following them', () => {
    const victim = join(root, 'victim');
    mkdirSync(join(victim, 'sub'), { recursive: true });
    writeFileSync(join(victim, 'sub', 'precious.yaml'), 'keep me\n');
    mkdirSync(join(out, 'm1'), { recursive: true });
    symlinkSync(victim, join(out, 'm1', 'shop'));
    symlinkSync(join(victim, 'sub', 'precious.yaml'), join(out, 'm1', 'link.yaml'));
    const result = writeRenderOutput(out, [cluster('m1', [file(['shop', 'sub', 'precious.yaml'], 'overwritten?\n')])]);
    expect(result.problems).toEqual([]);
    expect(readFileSync(join(victim, 'sub', 'precious.yaml'), 'utf8')).toBe('keep me\n');
    expect(tree(join(out, 'm1')).sort()).toEqual(['shop/', 'shop/sub/', 'shop/sub/precious.yaml']);
    expect(lstatSync(join(out, 'm1', 'shop')).isDirectory()).toBe(true);
  });

  it('refuses --out when it is a regular file', () => {
    writeFileSync(out, 'a file\n');
    expect(() => writeRenderOutput(out, [])).toThrow(new UsageError(`--out ${out}: exists and is not a directory`));
  });

  it('leaves the previous output whole when writing fails', () => {
    writeRenderOutput(out, [cluster('m1', [file(['shop', 'web.yaml'], 'v1\n')])]);
    // The second file needs "shop" to be a file while the first made it a directory: writing fails midway.
    const failing = () => writeRenderOutput(out, [cluster('m1', [file(['shop', 'web.yaml'], 'v2\n'), file(['shop'], 'x\n')])]);
    expect(failing).toThrow(OutputError);
    expect(failing).toThrow(/^cannot write .*m1: EISDIR.*\(its previous contents are unchanged\)$/);
    expect(tree(out).sort()).toEqual(['m1/', 'm1/shop/', 'm1/shop/web.yaml']);
    expect(readFileSync(join(out, 'm1', 'shop', 'web.yaml'), 'utf8')).toBe('v1\n');
    expect(existsSync(join(out, 'm1', 'shop', 'web.yaml'))).toBe(true);
  });
});
