/**
 * Every command fails the same way: one line on stderr (`flotilla: …` for a command that cannot run, one
 * `error: file:line:column: …` per problem for a fleet with errors), never a stack trace, exit code 2 for usage
 * and 1 for fleet errors (cli.md). Nothing here may start a cluster or a controller: those entry points are
 * replaced by functions that fail the test.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exitCodeForError, main, reportError } from '../../src/cli/main.js';
import { FleetFileError, SourceError, UsageError } from '../../src/model/errors.js';
import { TEMPLATE_DIR } from '../../src/cli/init.js';
import type * as Testbed from '../../src/testbed/index.js';

vi.mock('../../src/testbed/index.js', async (importOriginal) => ({
  ...(await importOriginal<typeof Testbed>()),
  testbedUp: () => {
    throw new Error('test bug: a CLI error test started the testbed');
  },
  testbedStartMember: () => {
    throw new Error('test bug: a CLI error test started a member');
  },
}));
vi.mock('../../src/controller/run.js', () => ({
  runController: () => {
    throw new Error('test bug: a CLI error test started the controller');
  },
  passFailed: () => true,
}));

const root = mkdtempSync(join(tmpdir(), 'flotilla-cli-errors-'));
const fleet = join(root, 'fleet');
cpSync(TEMPLATE_DIR, fleet, { recursive: true });
const broken = join(root, 'broken');
cpSync(TEMPLATE_DIR, broken, { recursive: true });
writeFileSync(join(broken, 'workloads', 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: shop\n  name: cfg\n  name: again\n');
const file = join(root, 'a-file');
writeFileSync(file, 'not a directory\n');
const emptyDir = join(root, 'empty');
mkdirSync(emptyDir);
const out = join(root, 'out');
const linkedOut = join(root, 'linked-out');
mkdirSync(linkedOut);
const linkTarget = join(root, 'link-target');
mkdirSync(linkTarget);
symlinkSync(linkTarget, join(linkedOut, 'member2'));
const aliasBomb = join(root, 'bomb.yaml');
writeFileSync(aliasBomb, ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n') + '\n');
const selfAlias = join(root, 'self-alias.yaml');
writeFileSync(selfAlias, 'a: &a [*a]\n');
const binary = join(root, 'binary.yaml');
writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x0a]));
const scalar = join(root, 'scalar.yaml');
writeFileSync(scalar, 'just some text\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

let stderr: string[];
beforeEach(() => {
  stderr = [];
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(...a.join(' ').split('\n')));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const USAGE = /^flotilla: /;
const PROBLEM = /^error: [^:\s]+(?:\/[^:\s]+)*:\d+:\d+: /;

type Case = [command: string, kind: 'usage' | 'fleet', args: string[], line: RegExp];

const cases: Case[] = [
  ['validate', 'usage', ['validate', '--output', 'yaml'], /^flotilla: option '-o, --output <format>' argument 'yaml' is invalid\. Allowed choices are text, json\. \(see 'flotilla validate --help'\)$/],
  ['validate', 'usage', ['validate', '--repo', '/does/not/exist'], /^flotilla: --repo \/does\/not\/exist: no such directory$/],
  ['validate', 'usage', ['validate', '--repo', fleet, '--ref', ''], /^flotilla: invalid revision "": empty revision$/],
  ['validate', 'usage', ['validate', '--repo', fleet, '--ref', '../../x'], /^flotilla: invalid revision "\.\.\/\.\.\/x": contains \.\.$/],
  ['validate', 'usage', ['validate', '--repo', ''], /^flotilla: --repo: expected a path/],
  ['validate', 'fleet', ['validate', '--repo', broken], /^error: workloads\/broken\.yaml:6:3: metadata\.name: duplicate key/],
  ['schedule', 'usage', ['schedule', '--no-such-flag'], /^flotilla: unknown option '--no-such-flag' \(see 'flotilla schedule --help'\)$/],
  ['schedule', 'fleet', ['schedule', '--repo', broken], /^error: workloads\/broken\.yaml:6:3: metadata\.name: duplicate key/],
  ['why', 'usage', ['why', 'Deployment/web/extra', '--repo', fleet], /^flotilla: expected <kind>\/<name> .*got "Deployment\/web\/extra"$/],
  ['why', 'usage', ['why', 'deployment', '--repo', fleet], /^flotilla: expected <kind>\/<name>/],
  ['why', 'usage', ['why', 'deployment/nope', '--repo', fleet], /^flotilla: no resource template deployment\/nope/],
  ['why', 'fleet', ['why', 'deployment/web', '-n', 'shop', '--repo', broken], /^error: workloads\/broken\.yaml:6:3: metadata\.name: duplicate key/],
  ['render', 'usage', ['render', '--repo', fleet], /^flotilla: required option '--out <dir>' not specified \(see 'flotilla render --help'\)$/],
  ['render', 'usage', ['render', '--repo', fleet, '--out', file], /^flotilla: --out .*a-file: exists and is not a directory$/],
  ['render', 'usage', ['render', '--repo', fleet, '--out', linkedOut], /^flotilla: --out: .*linked-out\/member2 is a symbolic link; refusing to write through or over it/],
  ['render', 'usage', ['render', '--repo', fleet, '--out', out, '--cluster', 'nope'], /^flotilla: --cluster nope: no such cluster/],
  ['render', 'fleet', ['render', '--repo', broken, '--out', out, '--cluster', 'member1'], /^error: workloads\/broken\.yaml:6:3: metadata\.name: duplicate key/],
  ['health', 'usage', ['health'], /^flotilla: required option '-f, --filename <file\.\.\.>' not specified/],
  ['health', 'usage', ['health', '-f', '/does/not/exist'], /^flotilla: cannot read \/does\/not\/exist: ENOENT/],
  ['health', 'usage', ['health', '-f', emptyDir], /^flotilla: cannot read .*empty: EISDIR/],
  ['health', 'fleet', ['health', '-f', aliasBomb], /^error: .*bomb\.yaml:1:1: YAML aliases expand to too many nodes/],
  ['health', 'fleet', ['health', '-f', selfAlias], /^error: .*self-alias\.yaml:1:\d+: .*refers to a node that contains it/],
  ['health', 'fleet', ['health', '-f', binary], /^error: .*binary\.yaml:\d+:\d+: /],
  ['health', 'fleet', ['health', '-f', scalar], /^error: .*scalar\.yaml:1:1: expected a Kubernetes object .*got a string$/],
  ['init', 'usage', ['init'], /^flotilla: missing required argument 'dir' \(see 'flotilla init --help'\)$/],
  ['init', 'usage', ['init', fleet], /^flotilla: .*fleet exists and is not empty/],
  ['init', 'usage', ['init', file], /^flotilla: .*a-file exists and is not a directory/],
  ['init', 'usage', ['init', join(file, 'sub')], /^flotilla: cannot create .*a-file\/sub: ENOTDIR/],
  ['init', 'usage', ['init', join(root, 'new'), '--branch', 'a b'], /^flotilla: --branch "a b": not a valid branch/],
  ['run', 'usage', ['run', '--repo', '/does/not/exist'], /^flotilla: --repo \/does\/not\/exist: no such directory$/],
  ['run', 'usage', ['run', '--repo', fleet, '--interval', 'soon'], /^flotilla: --interval: expected a duration such as 30s/],
  ['run', 'usage', ['run', '--repo', fleet, '--kubeconfig', '/does/not/exist'], /^flotilla: --kubeconfig \/does\/not\/exist: no such file$/],
  ['run', 'usage', ['run', '--repo', fleet, '--branch', 'a..b'], /^flotilla: --branch "a\.\.b": not a valid/],
  ['run', 'usage', ['run', '--repo', file], /^flotilla: --repo .*a-file: not a directory$/],
  ['run', 'usage', ['run', '--repo', emptyDir], /^flotilla: .*empty is not a Git repository \(use 'flotilla init/],
  ['run', 'usage', ['run', '--repo', fleet, '--log-format', 'xml'], /^flotilla: --log-format: expected one of json, text, got "xml"$/],
  ['run', 'usage', ['run', '--repo', fleet, '--log-level', 'trace'], /^flotilla: --log-level: expected one of debug, info, warn, error, got "trace"$/],
  ['run', 'usage', ['run', '--repo', fleet, '--apply-concurrency', '0'], /^flotilla: --apply-concurrency: expected an integer of at least 1, got "0"$/],
  ['run', 'usage', ['run', '--repo', fleet, '--metrics-addr', 'localhost'], /^flotilla: --metrics-addr: expected HOST:PORT, :PORT or 0 \(disabled\), got "localhost"$/],
  ['testbed', 'usage', ['testbed', 'up', '--clusters', 'zero'], /^flotilla: --clusters: expected a positive integer, got "zero"$/],
  ['testbed', 'usage', ['testbed', 'up', '--base-port', '70000'], /^flotilla: --base-port: expected a port number up to 65535/],
  ['testbed', 'usage', ['testbed', 'stop'], /^flotilla: missing required argument 'member' \(see 'flotilla testbed stop --help'\)$/],
  ['testbed', 'usage', ['testbed', 'status', '-o', 'yaml', '--state-dir', emptyDir], /^flotilla: option .*'yaml' is invalid.*\(see 'flotilla testbed status --help'\)$/],
  ['testbed', 'usage', ['testbed', 'stop', 'member9', '--state-dir', emptyDir], /^flotilla: no testbed in .*empty; run 'flotilla testbed up' first$/],
  ['demo', 'usage', ['demo', '--resync', 'soon'], /^flotilla: --resync: expected a duration such as 30s/],
  ['demo', 'usage', ['demo', '--dir', file], /^flotilla: --dir .*a-file: not a directory$/],
  ['demo', 'usage', ['demo', '--no-such-flag'], /^flotilla: unknown option '--no-such-flag' \(see 'flotilla demo --help'\)$/],
];

describe('every command reports a usage or fleet error as one line, without a stack trace', () => {
  it.each(cases)('%s (%s error): %j', async (_command, kind, args, line) => {
    const code = await main(['node', 'flotilla', ...args]);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(kind === 'usage' ? USAGE : PROBLEM);
    expect(stderr[0]).toMatch(line);
    expect(code).toBe(kind === 'usage' ? 2 : 1);
  });

  it('wrote nothing through the symbolic link of a refused render --out', () => {
    expect(readdirSync(linkTarget)).toEqual([]);
    expect(readdirSync(linkedOut)).toEqual(['member2']);
  });

  it('covers every command of the CLI', () => {
    expect(new Set(cases.map(([command]) => command))).toEqual(new Set(['validate', 'schedule', 'why', 'render', 'health', 'init', 'run', 'testbed', 'demo']));
  });
});

describe('unexpected errors', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('are one line with a hint, and the stack only with FLOTILLA_DEBUG', () => {
    vi.stubEnv('FLOTILLA_DEBUG', '');
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    reportError(bug);
    expect(stderr).toEqual(["flotilla: unexpected error: Cannot read properties of undefined (reading 'x') (set FLOTILLA_DEBUG=1 for the stack)"]);
    stderr.length = 0;
    vi.stubEnv('FLOTILLA_DEBUG', '1');
    reportError(bug);
    expect(stderr[0]).toBe("flotilla: unexpected error: Cannot read properties of undefined (reading 'x')");
    expect(stderr.slice(1).some((l) => /^\s+at /.test(l))).toBe(true);
  });

  it('map to exit codes: 1 for a fleet file, 2 for usage and for a command that could not run', () => {
    expect(exitCodeForError(new FleetFileError('E_TOO_LARGE', 'too large', { file: 'workloads/big.yaml' }))).toBe(1);
    expect(exitCodeForError(new UsageError('bad flag'))).toBe(2);
    expect(exitCodeForError(new SourceError('E_FETCH', 'unreachable'))).toBe(2);
    expect(exitCodeForError(new TypeError('bug'))).toBe(2);
  });
});
