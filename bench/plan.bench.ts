/**
 * `flotilla plan` on 20 clusters × 200 templates with one policy changed (its static weights), through the whole
 * command path: two revisions read from a real Git repository, loaded, scheduled, rendered, compared, formatted.
 * Baseline in the same run: `flotilla validate --ref` of both revisions (reading and loading the fleet twice).
 * Target: the plan ≤ 1.5 s.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bench, describe } from 'vitest';
import { main } from '../src/cli/main.js';
import { gitCmd } from '../test/support/git.js';
import { syntheticFleetFiles } from './fixtures/fleet-files.js';

const root = mkdtempSync(join(tmpdir(), 'flotilla-plan-bench-'));
const work = join(root, 'fleet');
gitCmd(root, 'init', '-q', '-b', 'main', work);
for (const f of syntheticFleetFiles(20, 200)) {
  mkdirSync(dirname(join(work, f.path)), { recursive: true });
  writeFileSync(join(work, f.path), f.content);
}
gitCmd(work, 'add', '-A');
gitCmd(work, 'commit', '-qm', 'fleet');
gitCmd(work, 'checkout', '-q', '-b', 'change');
const policies = join(work, 'policies', 'propagation.yaml');
const text = readFileSync(policies, 'utf8');
const changed = text.replace('{matchLabels: {environment: staging}}}, weight: 1}', '{matchLabels: {environment: staging}}}, weight: 5}');
if (changed === text) throw new Error('the fixture no longer has the weight this benchmark changes');
writeFileSync(policies, changed);
gitCmd(work, 'commit', '-qam', 'one policy: new weights');

/** Runs the CLI with its output discarded; a failure must not pass for a fast run. */
async function cli(...args: string[]): Promise<void> {
  const log = console.log;
  let printed = 0;
  console.log = (...a: unknown[]) => void (printed += String(a[0]).length);
  try {
    const code = await main(['node', 'flotilla', ...args]);
    if (code !== 0) throw new Error(`flotilla ${args.join(' ')} exited ${code}`);
    if (printed === 0) throw new Error(`flotilla ${args.join(' ')} printed nothing`);
  } finally {
    console.log = log;
  }
}

const options = { iterations: 5, warmupIterations: 1 };

describe('flotilla plan: 20 clusters × 200 templates, one policy changed', () => {
  bench(
    'baseline: flotilla validate --ref of both revisions',
    async () => {
      await cli('validate', '--repo', work, '--ref', 'main');
      await cli('validate', '--repo', work, '--ref', 'change');
    },
    options,
  );
  bench('flotilla plan -o json', () => cli('plan', '--repo', work, '--base', 'main', '--head', 'change', '-o', 'json'), options);
  bench('flotilla plan -o markdown', () => cli('plan', '--repo', work, '--base', 'main', '--head', 'change', '-o', 'markdown'), options);
});
