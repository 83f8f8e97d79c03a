/** Runs the helm built by the testbed against charts/flotilla, for the chart's integration and e2e tests. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/model/kube.js';
import { ensureHelm } from '../../src/testbed/index.js';

const execFileAsync = promisify(execFile);

export const CHART_DIR = resolve(import.meta.dirname, '../../charts/flotilla');
/** Building helm from the module proxy takes minutes of CPU on a cold cache; hooks that call ensureHelm wait this long. */
export const HELM_BUILD_TIMEOUT_MS = 1_200_000;
/** The one value the chart cannot default. */
export const REQUIRED_VALUES = { fleet: { repository: 'https://git.example.test/platform/fleet.git' } };

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function helmBinary(): Promise<string> {
  return ensureHelm((m) => process.stderr.write(`[helm] ${m}\n`));
}

/** Runs helm; a non-zero exit is a result, not an exception, so tests can assert on refusals. */
export async function helm(args: string[]): Promise<HelmResult> {
  const binary = await helmBinary();
  // A private HOME keeps helm's config, cache and repository files out of the user's.
  const home = mkdtempSync(join(tmpdir(), 'flotilla-helm-home-'));
  try {
    const { stdout, stderr } = await execFileAsync(binary, args, { env: { ...process.env, HOME: home, HELM_CONFIG_HOME: home, HELM_CACHE_HOME: home, HELM_DATA_HOME: home }, maxBuffer: 64 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** `values` written to a file passed with -f, so that types (numbers, booleans, null) reach helm unchanged. */
export async function withValuesFile<T>(values: Record<string, unknown>, use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-values-'));
  const file = join(dir, 'values.json');
  writeFileSync(file, JSON.stringify(values));
  try {
    return await use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `helm template` with `values`; the result keeps the raw text for server-side dry-runs. */
export async function templateChart(values: Record<string, unknown>, opts: { release?: string; namespace?: string } = {}): Promise<HelmResult> {
  return withValuesFile(values, (file) => helm(['template', opts.release ?? 'flotilla', CHART_DIR, '--namespace', opts.namespace ?? 'flotilla-system', '-f', file]));
}

/** The rendered objects, or an error carrying helm's message. */
export async function renderChart(values: Record<string, unknown>, opts: { release?: string; namespace?: string } = {}): Promise<KubeObject[]> {
  const r = await templateChart(values, opts);
  if (r.code !== 0) throw new Error(`helm template failed (exit ${r.code}): ${r.stderr.trim()}`);
  return parseManifests(r.stdout);
}

export function parseManifests(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === 'object');
}

/** Deep merge for test values: objects merge, everything else replaces. */
export function mergeValues(...layers: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      const prev = out[k];
      out[k] = isPlainObject(prev) && isPlainObject(v) ? mergeValues(prev, v) : v;
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
