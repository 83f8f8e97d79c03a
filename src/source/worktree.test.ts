import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFleet } from '../load/index.js';
import { SourceError } from '../model/errors.js';
import { isFleetRepository, notAFleetMessage, readWorktreeFleet } from './worktree.js';

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: real}\n';
const OUTSIDE = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: outside-the-repo}\n';

let root: string;
let repo: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-worktree-'));
  repo = join(root, 'repo');
  mkdirSync(repo);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('readWorktreeFleet', () => {
  it('refuses a directory that is not a fleet repository', async () => {
    writeFileSync(join(repo, 'README.md'), '# not a fleet\n');
    expect(await isFleetRepository(repo)).toBe(false);
    const error = await readWorktreeFleet(repo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: 'E_NOT_A_FLEET', message: `${repo} is not a fleet repository: no fleet.yaml, clusters/, policies/, workloads/, interpreters/ or health/` });
    expect(notAFleetMessage('x')).toBe('x is not a fleet repository: no fleet.yaml, clusters/, policies/, workloads/, interpreters/ or health/');
  });

  it.each(['fleet.yaml', 'clusters', 'policies', 'workloads', 'interpreters', 'health'])('takes a directory with only %s as a fleet', async (marker) => {
    if (marker.endsWith('.yaml')) writeFileSync(join(repo, marker), 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\n');
    else mkdirSync(join(repo, marker));
    expect(await isFleetRepository(repo)).toBe(true);
    const fleet = loadFleet(await readWorktreeFleet(repo));
    expect(fleet.errors).toEqual([]);
  });

  it('never follows a symbolic link, and the loader warns about each one with its path', async () => {
    mkdirSync(join(repo, 'workloads', 'team'), { recursive: true });
    writeFileSync(join(repo, 'workloads', 'real.yaml'), CONFIG_MAP);
    writeFileSync(join(root, 'outside.yaml'), OUTSIDE);
    mkdirSync(join(root, 'outside-dir'));
    writeFileSync(join(root, 'outside-dir', 'x.yaml'), OUTSIDE);
    symlinkSync(join(root, 'outside.yaml'), join(repo, 'workloads', 'team', 'link.yaml'));
    symlinkSync(join(root, 'outside-dir'), join(repo, 'workloads', 'linked-dir'));
    symlinkSync(join(root, 'outside-dir'), join(repo, 'policies'));
    symlinkSync(join(root, 'outside.yaml'), join(repo, 'fleet.yaml'));

    const files = await readWorktreeFleet(repo);
    expect(files.map((f) => [f.path, f.symlink ?? false, f.content.length > 0])).toEqual([
      ['fleet.yaml', true, false],
      ['policies', true, false],
      ['workloads/linked-dir', true, false],
      ['workloads/real.yaml', false, true],
      ['workloads/team/link.yaml', true, false],
    ]);
    const fleet = loadFleet(files);
    expect(fleet.templates.map((t) => t.ref.name)).toEqual(['real']);
    expect(fleet.errors).toEqual([]);
    expect(fleet.warnings.map((w) => [w.file, w.line, w.column])).toEqual([
      ['fleet.yaml', 1, 1],
      ['policies', 1, 1],
      ['workloads/linked-dir', 1, 1],
      ['workloads/team/link.yaml', 1, 1],
    ]);
    for (const w of fleet.warnings) expect(w.message).toMatch(/^a symbolic link; ignored/);
  });
});
