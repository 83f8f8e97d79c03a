/** Commands that inspect a fleet without touching clusters: validate, schedule, render, why, health. */
import { isAbsolute, relative, resolve } from 'node:path';
import { Option, type Command } from '@commander-js/extra-typings';
import { validationReport } from '../load/index.js';
import { UsageError } from '../model/errors.js';
import type { Fleet } from '../model/fleet.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import { formatProblem, compareProblems, type Problem } from '../model/problem.js';
import { identityKey, formatRef } from '../model/refs.js';
import { manifestSegments, manifestYamlWriter, renderFleet, type ClusterManifests } from '../render/index.js';
import { formatExplanation, scheduleFleet } from '../schedule/index.js';
import { fleetScripts, pathArgument, readFleet, revisionArgument } from './fleet-source.js';
import { readHealthInput } from './health-input.js';
import { setExitCode } from './exit-code.js';
import { writeRenderOutput, type ClusterOutput } from './render-output.js';

const outputOption = () => new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text');
const repoOption = () => new Option('--repo <dir>', 'fleet repository directory').default('.').argParser(pathArgument('--repo'));
const refOption = () => new Option('--ref <ref>', 'read the fleet from this commit instead of the working tree').argParser(revisionArgument('--ref'));

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
        console.log(report.valid ? `valid: ${fleet.clusters.length} clusters, ${fleet.templates.length} templates, ${fleet.propagationPolicies.length + fleet.overridePolicies.length + fleet.clusterTaintPolicies.length + fleet.workloadRebalancers.length} policies` : `invalid: ${report.errors.length} error(s)`);
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
      const result = scheduleFleet(fleet, { interpreter: await fleetScripts(fleet) });
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
    .requiredOption('--out <dir>', 'output directory', pathArgument('--out'))
    .option('--cluster <name>', 'only this cluster')
    .addOption(repoOption())
    .addOption(refOption())
    .action(async (opts, cmd) => {
      const fleet = await readFleet(opts);
      if (opts.cluster && !fleet.clusters.some((c) => c.name === opts.cluster)) throw new UsageError(`--cluster ${opts.cluster}: no such cluster in the fleet`);
      const interpreter = await fleetScripts(fleet);
      const schedule = scheduleFleet(fleet, { interpreter });
      const result = renderFleet(fleet, schedule.decisions, { interpreter, ...(opts.cluster ? { clusters: [opts.cluster] } : {}) });
      const out = resolve(opts.out);
      const written = writeRenderOutput(out, renderTargets(fleet, result.clusters, opts.cluster));
      const problems = [...fleet.errors, ...schedule.errors, ...result.problems, ...written.problems].sort(compareProblems);
      printProblems(problems);
      console.log(`rendered ${written.written} object(s) for ${opts.cluster ? 1 : result.clusters.length} cluster(s) into ${displayPath(out)}`);
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
      const { kind, group, name } = parseWhyTarget(target);
      const fleet = await readFleet(opts);
      const matches = fleet.templates.filter(
        (t) =>
          t.ref.kind.toLowerCase() === kind.toLowerCase() &&
          t.ref.name === name &&
          (!t.namespaced || t.ref.namespace === opts.namespace) &&
          (group === undefined || t.ref.apiVersion.startsWith(`${group}/`)),
      );
      if (matches.length === 0) throw new UsageError(`no resource template ${target} in namespace ${opts.namespace}`);
      const result = scheduleFleet(fleet, { interpreter: await fleetScripts(fleet) });
      for (const t of matches) {
        const e = result.explanations.get(identityKey(t.ref));
        if (opts.output === 'json') console.log(JSON.stringify(e ?? null, null, 2));
        else console.log(e ? formatExplanation(e) : `no explanation for ${formatRef(t.ref)}`);
      }
      printProblems(fleet.errors);
      if (fleet.errors.length > 0) setExitCode(cmd, 1);
    });

  program
    .command('health')
    .description('assess live objects (YAML or JSON, several documents per file, - for stdin) as the controller does')
    .requiredOption('-f, --filename <file...>', 'file(s) to read; - for stdin')
    .option('--repo <dir>', "use the health scripts of this fleet repository (health/ and interpreters/) before the built-in rules", pathArgument('--repo'))
    .addOption(outputOption())
    .action(async (opts, cmd) => {
      // The health scripts are many modules that no other command here needs: loaded only for this one.
      const { assessObjects } = await import('../health/index.js');
      const scripts = opts.repo === undefined ? undefined : await repoScripts(opts.repo);
      const input = readHealthInput(opts.filename);
      input.problems.push(...(scripts?.problems ?? []));
      // Messages come from status fields of user input: the contract promises strings.
      const objects = assessObjects(input.objects, scripts?.interpreter).objects.map((o) => ({ ...o, message: typeof o.message === 'string' ? o.message : String(o.message ?? '') }));
      if (opts.output === 'json') console.log(JSON.stringify({ objects, errors: input.problems }, null, 2));
      else {
        printProblems(input.problems);
        for (const o of objects) console.log(`${formatRef(o.resource).padEnd(48)} ${o.health.padEnd(12)} ${o.message}`);
      }
      if (input.problems.length > 0) setExitCode(cmd, 1);
    });
}

/** The scripts of the fleet in `repo`, and the problems of its script files (a broken one is reported, not fatal). */
async function repoScripts(repo: string): Promise<{ interpreter: ResourceInterpreter | undefined; problems: Problem[] }> {
  const fleet = await readFleet({ repo });
  const problems = fleet.errors.filter((p) => p.file.startsWith('interpreters/') || p.file.startsWith('health/'));
  return { interpreter: await fleetScripts(fleet), problems };
}

/** `out` relative to the working directory when it is inside it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** `deployment/web` or `Deployment.apps/web` → kind, optional group, name. Names never contain '/'. */
export function parseWhyTarget(target: string): { kind: string; group: string | undefined; name: string } {
  const parts = target.split('/');
  const [kindPart, name] = parts;
  if (parts.length !== 2 || !kindPart || !name) {
    throw new UsageError(`expected <kind>/<name> or <kind>.<group>/<name> (e.g. deployment/web, Deployment.apps/web), got ${JSON.stringify(target)}`);
  }
  const [kind, group] = kindPart.split(/\.(.*)/s, 2) as [string, string | undefined];
  return { kind, group: group || undefined, name };
}

/** What render --out writes: each cluster's objects as manifests, problems located at their template or cluster. */
function renderTargets(fleet: Fleet, clusters: readonly ClusterManifests[], only: string | undefined): ClusterOutput[] {
  const templateSource = new Map(fleet.templates.map((t) => [identityKey(t.ref), t.source]));
  const clusterSource = new Map(fleet.clusters.map((c) => [c.name, c.source]));
  const unknown = { file: '(fleet)', line: 1, column: 1 };
  const toYaml = manifestYamlWriter();
  return clusters
    .filter((c) => !only || c.cluster === only)
    .map((c) => ({
      cluster: c.cluster,
      source: clusterSource.get(c.cluster) ?? unknown,
      files: c.objects.map((o) => ({
        segments: manifestSegments(o.ref),
        text: toYaml(o.object),
        source: templateSource.get(identityKey(o.ref)) ?? (o.sourceFile ? { file: o.sourceFile, line: 1, column: 1 } : unknown),
        label: formatRef(o.ref),
      })),
    }));
}
