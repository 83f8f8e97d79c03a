#!/usr/bin/env node
// Argo CD's own health.lua tests, run through `flotilla health` (the CLI users have): the scripts of an Argo CD
// checkout's resource_customizations/ become a fleet's health/ directory (the layouts are the same), and every
// case of every health_test.yaml must give the status and message Argo CD's test expects.
//
//   npm run build && node scripts/compat/argo-health.mjs --argo <argo-cd git checkout or git dir> [--rev HEAD]
//
// Not part of `npm test`: it needs a copy of Argo CD, which the repository does not carry.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const argo = option('--argo');
if (!argo) {
  console.error('usage: node scripts/compat/argo-health.mjs --argo <argo-cd checkout> [--rev HEAD]');
  process.exit(2);
}
const flotilla = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'flotilla.js');
const work = mkdtempSync(join(tmpdir(), 'flotilla-argo-compat-'));
const scripts = join(work, 'resource_customizations');
mkdirSync(scripts);
// The subtree only: a partial clone may lack large files elsewhere in the repository.
execFileSync('sh', ['-c', `git -C '${argo}' archive '${option('--rev', 'HEAD')}:resource_customizations' | tar -x -C '${scripts}'`]);
const fleet = join(work, 'fleet');
mkdirSync(fleet);
cpSync(scripts, join(fleet, 'health'), { recursive: true });

// Argo CD's tests run scripts that read the clock (os.date) in UTC.
const env = { ...process.env, TZ: 'UTC' };
const health = (files) => JSON.parse(execFileSync('node', [flotilla, 'health', '--repo', fleet, '-o', 'json', ...files.flatMap((f) => ['-f', f])], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }));
/** One object per file when the files allow it (one process for a kind's cases); otherwise file by file. */
function assess(files) {
  try {
    const all = health(files);
    if (all.objects.length === files.length) return all.objects;
  } catch {
    // A file that fails is retried alone below, to say which.
  }
  return files.map((f) => {
    try {
      const one = health([f]);
      return one.objects[0] ?? { health: 'ERROR', message: JSON.stringify(one.errors) };
    } catch (err) {
      return { health: 'ERROR', message: String(err.stdout || err.message).slice(0, 300) };
    }
  });
}

const kinds = readdirSync(scripts, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((group) => readdirSync(join(scripts, group.name)).map((kind) => join(scripts, group.name, kind)))
  .filter((dir) => existsSync(join(dir, 'health_test.yaml')));
let passed = 0;
const failed = [];
for (const dir of kinds) {
  const spec = parse(readFileSync(join(dir, 'health_test.yaml'), 'utf8'));
  // Go decodes field names case-insensitively: some files spell inputPath "inputpath".
  const cases = (spec.tests ?? []).map((t) => ({ want: t.healthStatus, input: join(dir, t.inputPath ?? t.inputpath) }));
  const got = assess(cases.map((c) => c.input));
  cases.forEach((c, i) => {
    const g = got[i];
    if (g.health === c.want.status && (g.message ?? '') === (c.want.message ?? '')) passed++;
    else failed.push(`${c.input.slice(scripts.length + 1)}: expected ${c.want.status} ${JSON.stringify(c.want.message ?? '')}, got ${g.health} ${JSON.stringify(g.message ?? '')}`);
  });
}
for (const f of failed) console.log(`MISMATCH ${f}`);
console.log(`Argo CD health scripts: ${kinds.length}; cases ${passed}/${passed + failed.length} as Argo CD expects`);
rmSync(work, { recursive: true, force: true });
process.exitCode = failed.length > 0 ? 1 : 0;
