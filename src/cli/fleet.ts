/** Commands that inspect a fleet without touching clusters: validate, schedule, render, why, health. */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Option, type Command } from '@commander-js/extra-typings';
import { parseAllDocuments } from 'yaml';
import { assessObjects } from '../health/index.js';
import { validationReport } from '../load/index.js';
import { UsageError } from '../model/errors.js';
import type { KubeObject } from '../model/kube.js';
import { formatProblem, compareProblems, type Problem } from '../model/problem.js';
import { identityKey, formatRef } from '../model/refs.js';
import { renderFleet, toManifestYaml } from '../render/index.js';
import { formatExplanation, scheduleFleet } from '../schedule/index.js';
import { readFleet } from './fleet-source.js';
import { setExitCode } from './main.js';

const outputOption = () => new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text');
const repoOption = () => new Option('--repo <dir>', 'fleet repository directory').default('.');
const refOption = () => new Option('--ref <ref>', 'read the fleet from this commit instead of the working tree');

function printProblems(errors: Problem[], warnings: Problem[] = []): void {
  for (const p of errors) console.error(`error: ${formatProblem(p)}`);
  for (const p of warnings) console.error(`warning: ${formatProblem(p)}`);
}

export function registerFleetCommands(program: Command): void {
  program
    .command('validate')
    .description('check every file of the fleet repository')
    .addOption(repoOption())
    .addOption(refOption())
    .addOption(outputOption())
    .action(async (opts, cmd) => {
      const fleet = await readFleet(opts);
      const report = validationReport(fleet);
      if (opts.output === 'json') console.log(JSON.stringify(report, null, 2));
      else {
        printProblems(report.errors, report.warnings);
        console.log(report.valid ? `valid: ${fleet.clusters.length} clusters, ${fleet.templates.length} templates, ${fleet.propagationPolicies.length + fleet.overridePolicies.length} policies` : `invalid: ${report.errors.length} error(s)`);
      }
      if (!report.valid) setExitCode(cmd, 1);
    });

  program
    .command('schedule')
    .description('decide placement for every resource template')
    .addOption(repoOption())
    .addOption(refOption())
    .addOption(outputOption())
    .action(async (opts, cmd) => {
      const fleet = await readFleet(opts);
      const result = scheduleFleet(fleet);
      const errors = [...fleet.errors, ...result.errors].sort(compareProblems);
      if (opts.output === 'json') {
        const placements = result.decisions.map((d) => ({
          resource: d.resource,
          policy: d.policy,
          scheduled: d.scheduled,
          reason: d.reason,
          message: d.message,
          clusters: d.clusters.map((c) => ({ name: c.name, replicas: c.replicas })),
        }));
        console.log(JSON.stringify({ placements, errors }, null, 2));
      } else {
        printProblems(errors);
        for (const d of result.decisions) {
          const where = d.clusters.map((c) => `${c.name}:${c.replicas}`).join(' ') || '-';
          const policy = d.policy ? `${d.policy.kind}/${d.policy.namespace ? `${d.policy.namespace}/` : ''}${d.policy.name}` : '(no policy)';
          console.log(`${formatRef(d.resource).padEnd(48)} ${d.reason.padEnd(16)} ${where.padEnd(32)} ${policy}${d.message ? `  ${d.message}` : ''}`);
        }
      }
      if (errors.length > 0) setExitCode(cmd, 1);
    });

  program
    .command('render')
    .description('write the manifests each cluster should run: DIR/<cluster>/…/*.yaml')
    .requiredOption('--out <dir>', 'output directory')
    .option('--cluster <name>', 'only this cluster')
    .addOption(repoOption())
    .addOption(refOption())
    .action(async (opts, cmd) => {
      const fleet = await readFleet(opts);
      if (opts.cluster && !fleet.clusters.some((c) => c.name === opts.cluster)) throw new UsageError(`--cluster ${opts.cluster}: no such cluster in the fleet`);
      const schedule = scheduleFleet(fleet);
      const result = renderFleet(fleet, schedule.decisions, opts.cluster ? { clusters: [opts.cluster] } : {});
      const out = resolve(opts.out);
      let written = 0;
      for (const c of result.clusters) {
        if (opts.cluster && c.cluster !== opts.cluster) continue;
        const clusterDir = join(out, c.cluster);
        const wanted = new Set<string>();
        for (const o of c.objects) {
          const file = join(clusterDir, o.relPath);
          wanted.add(file);
          mkdirSync(dirname(file), { recursive: true });
          const text = toManifestYaml(o.object);
          // Rewrite only what changed, so file timestamps tell what a commit changed.
          let same: boolean;
          try {
            same = readFileSync(file, 'utf8') === text;
          } catch {
            same = false;
          }
          if (!same) writeFileSync(file, text);
          written++;
        }
        removeStale(clusterDir, wanted);
      }
      const problems = [...fleet.errors, ...schedule.errors, ...result.problems].sort(compareProblems);
      printProblems(problems);
      console.error(`rendered ${written} object(s) for ${opts.cluster ? 1 : result.clusters.length} cluster(s) into ${relative(process.cwd(), out) || '.'}`);
      if (problems.length > 0) setExitCode(cmd, 1);
    });

  program
    .command('why')
    .description('explain the placement of one resource: the winning policy, filtered clusters, ranking and division')
    .argument('<kind/name>', 'e.g. deployment/web or Deployment.apps/web')
    .option('-n, --namespace <ns>', 'namespace of the resource', 'default')
    .addOption(repoOption())
    .addOption(refOption())
    .addOption(outputOption())
    .action(async (target, opts, cmd) => {
      const fleet = await readFleet(opts);
      const [kindPart, name] = target.split('/', 2);
      if (!kindPart || !name) throw new UsageError(`expected <kind>/<name>, got "${target}"`);
      const [kind, group] = kindPart.split(/\.(.*)/s, 2) as [string, string | undefined];
      const matches = fleet.templates.filter(
        (t) =>
          t.ref.kind.toLowerCase() === kind.toLowerCase() &&
          t.ref.name === name &&
          (!t.namespaced || t.ref.namespace === opts.namespace) &&
          (group === undefined || t.ref.apiVersion.startsWith(`${group}/`)),
      );
      if (matches.length === 0) throw new UsageError(`no resource template ${target} in namespace ${opts.namespace}`);
      const result = scheduleFleet(fleet);
      for (const t of matches) {
        const e = result.explanations.get(identityKey(t.ref));
        if (opts.output === 'json') console.log(JSON.stringify(e ?? null, null, 2));
        else console.log(e ? formatExplanation(e) : `no explanation for ${formatRef(t.ref)}`);
      }
      if (fleet.errors.length > 0) setExitCode(cmd, 1);
    });

  program
    .command('health')
    .description('assess live objects (YAML or JSON, several documents per file, - for stdin) as the controller does')
    .requiredOption('-f, --filename <file...>', 'file(s) to read; - for stdin')
    .addOption(outputOption())
    .action(async (opts) => {
      const objects: KubeObject[] = [];
      for (const f of opts.filename) {
        let text: string;
        try {
          text = f === '-' ? readFileSync(0, 'utf8') : readFileSync(f, 'utf8');
        } catch (err) {
          throw new UsageError(`cannot read ${f}: ${(err as Error).message}`);
        }
        for (const doc of parseAllDocuments(text) as unknown as { errors: { message: string }[]; toJS(): unknown }[]) {
          if (doc.errors.length > 0) throw new UsageError(`${f}: ${doc.errors[0]!.message}`);
          const js = doc.toJS() as KubeObject | { kind?: string; items?: KubeObject[] } | null;
          if (!js) continue;
          // `kubectl get -o json` of several objects gives a List.
          if (typeof js === 'object' && 'items' in js && Array.isArray(js.items) && String(js.kind ?? '').endsWith('List')) objects.push(...js.items);
          else objects.push(js as KubeObject);
        }
      }
      const result = assessObjects(objects);
      if (opts.output === 'json') console.log(JSON.stringify(result, null, 2));
      else for (const o of result.objects) console.log(`${formatRef(o.resource).padEnd(48)} ${o.health.padEnd(12)} ${o.message}`);
    });
}

function removeStale(dir: string, wanted: Set<string>): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      removeStale(p, wanted);
      if (readdirSync(p).length === 0) rmSync(p, { recursive: true });
    } else if (!wanted.has(p)) rmSync(p);
  }
}
