/**
 * The pure core takes plain data and returns plain data. This test fails the moment a pure stage imports
 * something that does I/O, so the boundary stays visible and enforced (kubernetes-fluent-client's habit).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const PURE_FOLDERS = ['src/model', 'src/match', 'src/load', 'src/schedule', 'src/render', 'src/health', 'src/drift', 'src/plan', 'src/audit', 'src/util', 'src/failover'];
const FORBIDDEN = [
  /^node:(fs|fs\/promises|net|http|https|http2|child_process|dgram|dns|tls|cluster|worker_threads)$/,
  /^(fs|net|http|https|child_process|dns|tls)$/,
  /^isomorphic-git/,
  /^@kubernetes\/client-node/,
  /^chokidar/,
  // Metrics and logging are the controller's concern, reported through interfaces it defines.
  /^prom-client/,
  /^pino/,
];
// Stages may depend on each other only downstream-safe: never on the effectful edges.
const FORBIDDEN_RELATIVE = /\/(kube|git|source|apply|observe|record|controller|cli|testbed)\//;

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(sourceFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.bench.ts')) out.push(p);
  }
  return out;
}

function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)) {
    specs.push((m[1] ?? m[2] ?? m[3])!);
  }
  return specs;
}

describe('pure core', () => {
  const files = PURE_FOLDERS.flatMap((f) => sourceFiles(join(ROOT, f)));

  it('has files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(PURE_FOLDERS)('%s imports no I/O and no effectful folder', (folder) => {
    const offenders: string[] = [];
    for (const file of files.filter((f) => relative(ROOT, f).startsWith(folder + '/'))) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (FORBIDDEN.some((re) => re.test(spec)) || (spec.startsWith('.') && FORBIDDEN_RELATIVE.test(`/${spec}`))) {
          offenders.push(`${relative(ROOT, file)} imports ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  // Placement must be a pure function of one commit: the stages may not read a clock, draw random
  // numbers or sort by locale (output must be byte-identical on every machine).
  const STAGES = ['src/model', 'src/match', 'src/load', 'src/schedule', 'src/render', 'src/health', 'src/drift', 'src/plan', 'src/failover'];
  it.each(STAGES)('%s reads no clock, environment or random numbers and never sorts by locale', (folder) => {
    const offenders: string[] = [];
    for (const file of files.filter((f) => relative(ROOT, f).startsWith(folder + '/'))) {
      const text = readFileSync(file, 'utf8');
      const m = /\bDate\.now\(|new Date\(\s*\)|Math\.random\(|performance\.now\(|localeCompare\(|\bprocess\./.exec(text);
      if (m) offenders.push(`${relative(ROOT, file)}: ${m[0]}`);
    }
    expect(offenders).toEqual([]);
  });

  it('catches an I/O import (self-check of the detector)', () => {
    expect(importsOf("import { readFileSync } from 'node:fs';\nexport * from './x.js';").some((s) => FORBIDDEN[0]!.test(s))).toBe(true);
    expect(FORBIDDEN_RELATIVE.test('/../kube/transport.js')).toBe(true);
  });
});
