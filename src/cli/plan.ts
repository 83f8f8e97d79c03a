/**
 * `flotilla plan --base REF [--head REF]`: what merging head (default: the working tree) into base would change,
 * computed offline from the two revisions as the controller would see them. The comparison itself is src/plan.
 */
import { resolve } from 'node:path';
import { Option, type Command } from '@commander-js/extra-typings';
import { planClusterApply } from '../apply/plan.js';
import { fleetPathRole } from '../load/index.js';
import { SourceError, UsageError } from '../model/errors.js';
import { formatPlanMarkdown, formatPlanText, planFleetChange, planJson, type PlanResult, type PlanSide, type PruneCheckInput } from '../plan/index.js';
import { parseInventory } from '../record/status-files.js';
import { notAFleetMessage } from '../source/worktree.js';
import { cacheRoot } from '../util/cache-dir.js';
import { pathArgument, readFleetFiles, revisionArgument } from './fleet-source.js';
import { setExitCode } from './exit-code.js';

export const WORKTREE = 'WORKTREE';

/** The controller's circuit breaker (src/apply/plan.ts) on the base inventory and the head's desired objects. */
export function controllerPruneRefusal(input: PruneCheckInput): string | undefined {
  return planClusterApply({
    cluster: input.cluster,
    desired: input.desired,
    previous: parseInventory(input.cluster, input.inventory),
    held: input.held,
    brokenFiles: input.brokenFiles,
    forceApply: new Set(),
    maxPruneFraction: input.settingsBroken ? 0 : input.maxPruneFraction,
    allowMassPrune: false,
    pruneSuspended: input.settingsBroken,
  }).pruneBlocked;
}

/** Both sides of a plan: revisions read from the repository at `repo`, `head` undefined for its working tree. */
export async function readPlanSides(repoDir: string, base: string, head: string | undefined): Promise<{ base: PlanSide; head: PlanSide }> {
  const { FleetRepository, snapshotFiles } = await import('../git/repo.js');
  const repo = await FleetRepository.open({ source: resolve(repoDir), branch: 'main', cacheDir: cacheRoot() }).catch((err: Error) => {
    throw new UsageError(`--base needs a Git repository: ${err.message}`);
  });
  const atRevision = async (rev: string): Promise<PlanSide> => {
    const snapshot = await repo.readFleet(rev);
    const files = snapshotFiles(snapshot);
    if (!files.some((f) => fleetPathRole(f.path) !== null)) throw new SourceError('E_NOT_A_FLEET', notAFleetMessage(`${repoDir} at ${JSON.stringify(rev)}`), { ref: rev });
    return { revision: snapshot.commit, files };
  };
  const baseSide = await atRevision(base);
  const headSide = head === undefined ? { revision: WORKTREE, files: await readFleetFiles({ repo: repoDir }) } : await atRevision(head);
  return { base: baseSide, head: headSide };
}

export function formatPlan(plan: PlanResult, output: 'text' | 'json' | 'markdown'): string {
  if (output === 'json') return JSON.stringify(planJson(plan), null, 2);
  return output === 'markdown' ? formatPlanMarkdown(plan) : formatPlanText(plan);
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('what merging --head (default: the working tree) into --base would change: placements and, per cluster, objects added, changed or removed')
    .requiredOption('--base <ref>', 'the revision merged into (branch, tag, SHA, HEAD~N…)', revisionArgument('--base'))
    .option('--head <ref>', 'the revision to merge (default: the working tree of --repo)', revisionArgument('--head'))
    .addOption(new Option('--repo <dir>', 'fleet repository directory').default('.').argParser(pathArgument('--repo')))
    .addOption(new Option('-o, --output <format>', 'text, json or markdown (a pull-request comment)').choices(['text', 'json', 'markdown'] as const).default('text' as const))
    .action(async (opts, cmd) => {
      const sides = await readPlanSides(opts.repo, opts.base, opts.head);
      const { fleetInterpreter, luaScriptChecker } = await import('../interpret/fleet-interpreter.js');
      const scripts = { check: luaScriptChecker(), interpreterFor: fleetInterpreter };
      const plan = planFleetChange(sides.base, sides.head, { pruneRefusal: controllerPruneRefusal, scripts });
      console.log(formatPlan(plan, opts.output));
      if (plan.errors.length > 0) setExitCode(cmd, 1);
    });
}
