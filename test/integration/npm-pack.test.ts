/**
 * The published package: `npm pack` it (its `prepare` script compiles it, as on publish), install the tarball
 * into a new, empty project and run the installed command.
 *
 * The pack runs on a copy of the project, so the compile never rewrites the dist/ that other tests may be
 * running. The install is offline: the new project gets a lockfile holding the production entries of ours, so
 * npm takes the exact tarballs `npm ci` already put in the npm cache and needs no registry. A dependency that
 * is missing from package.json `dependencies` (declared only as a dev dependency, or not at all) is therefore
 * missing here too, as it would be for a user.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'flotilla-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface PackResult {
  filename: string;
  integrity: string;
  files: { path: string }[];
}
interface LockEntry {
  dev?: boolean;
  link?: boolean;
  [field: string]: unknown;
}

/** npm with none of the npm_* variables of an enclosing `npm test`, which would point it back at this project. */
async function npm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  try {
    return await execFileAsync('npm', args, { cwd, env, maxBuffer: 64 * 2 ** 20 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const notCached = e.stderr?.includes('ENOTCACHED')
      ? ' (a dependency is not in the npm cache: run `npm ci` in the project once, which fills it)'
      : '';
    throw new Error(`npm ${args.join(' ')} failed${notCached}: ${(e.stderr ?? e.message).trim().split('\n').slice(-6).join('\n')}`, { cause: err });
  }
}

/** The project as a fresh clone has it: no build output, no installed dependencies of its own. */
function copyProject(dest: string): void {
  const skip = new Set(['node_modules', 'dist', '.git', 'coverage', 'fleet-demo', '.flotilla']);
  cpSync(ROOT, dest, { recursive: true, filter: (src) => !(dirname(src) === ROOT && skip.has(basename(src))) });
  symlinkSync(join(ROOT, 'node_modules'), join(dest, 'node_modules'), 'dir');
}

let pack: PackResult;
let app: string;

beforeAll(async () => {
  const project = join(work, 'project');
  copyProject(project);
  const out = await npm(['pack', '--json', '--pack-destination', work], project);
  pack = (JSON.parse(out.stdout) as PackResult[])[0]!;

  app = join(work, 'app');
  mkdirSync(app);
  const tarball = `file:../${pack.filename}`;
  const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const production = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.dev && !entry.link);
  const manifest = { name: 'flotilla-user', version: '1.0.0', private: true, dependencies: { flotilla: tarball } };
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  const flotillaEntry = { version: ours.version, resolved: tarball, integrity: pack.integrity, license: ours.license, dependencies: ours.dependencies, engines: ours.engines, bin: ours.bin };
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify({ ...manifest, lockfileVersion: 3, requires: true, packages: { '': manifest, 'node_modules/flotilla': flotillaEntry, ...Object.fromEntries(production) } }, null, 2),
  );
  await npm(['ci', '--offline', '--no-audit', '--no-fund'], app);
}, 600_000);

describe('npm pack', () => {
  it('ships the launcher, the compiled code and the fleet template, and no sources or tests', () => {
    const paths = pack.files.map((f) => f.path);
    for (const needed of ['package.json', 'bin/flotilla.js', 'dist/cli/main.js', 'fleet-repo-template/fleet.yaml']) expect(paths).toContain(needed);
    expect(paths.filter((p) => /^(src|test|charts|bench)\//.test(p) || /\.test\.js$/.test(p) || (p.endsWith('.ts') && !p.endsWith('.d.ts')))).toEqual([]);
  });
});

describe('the installed package', () => {
  const flotilla = (...args: string[]) => execFileAsync(join(app, 'node_modules', '.bin', 'flotilla'), args, { cwd: app });

  it('runs `flotilla --help` through npx', async () => {
    const { stdout } = await execFileAsync('npx', ['--offline', '--no-install', 'flotilla', '--help'], { cwd: app });
    expect(stdout).toMatch(/^Usage: flotilla /);
    for (const command of ['validate', 'plan', 'run', 'testbed']) expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('creates a fleet repository from its template and validates it', async () => {
    const fleet = join(app, 'fleet');
    await flotilla('init', fleet);
    expect(existsSync(join(fleet, 'fleet.yaml'))).toBe(true);
    const { stdout } = await flotilla('validate', '--repo', fleet, '-o', 'json');
    expect(JSON.parse(stdout)).toMatchObject({ valid: true, errors: [] });
  });
});
