/** What `npm pack` ships must exist: a `files` entry naming nothing is a broken promise to whoever installs it. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; bin: Record<string, string> };
const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { outDir: string } };

describe('package.json', () => {
  it('lists in files only what the repository has or the build makes', () => {
    const outDir = build.compilerOptions.outDir.replace(/^\.\//, '').replace(/\/$/, '');
    const missing = pkg.files.filter((f) => f !== outDir && !existsSync(join(root, f)));
    expect(missing).toEqual([]);
  });

  it('ships its bin entries', () => {
    for (const bin of Object.values(pkg.bin)) expect(pkg.files.some((f) => bin.startsWith(`${f}/`) || bin === f)).toBe(true);
  });
});
