/**
 * `flotilla` command line. Commands parse flags and call into the stages; no logic lives here.
 * Exit codes (docs/cli.md#exit-codes): 0 success, 1 the fleet has errors (output for everything valid was still produced),
 * 2 usage error. Every failure is one `flotilla: …` line on stderr; the stack only with FLOTILLA_DEBUG=1.
 */
import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { FleetFileError, FlotillaError } from '../model/errors.js';
import { registerTestbedCommands } from './testbed.js';
import { registerRunCommands } from './run.js';
import { registerFleetCommands } from './fleet.js';
import { registerPlanCommand } from './plan.js';
import { registerRollbackCommand } from './rollback.js';
import { registerStatusCommand } from './status.js';
import { registerHistoryCommand } from './history.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('flotilla')
    .description('GitOps reconciler for fleets of Kubernetes clusters: a Git repository is the control plane.')
    .version('0.1.0')
    // main() prints parse errors itself, as one line with a pointer to the command's help.
    .configureOutput({ outputError: () => {} })
    .exitOverride();
  registerFleetCommands(program);
  registerPlanCommand(program);
  registerStatusCommand(program);
  registerHistoryCommand(program);
  registerRunCommands(program);
  registerRollbackCommand(program);
  registerTestbedCommands(program);
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return exitCodeFrom(program);
  } catch (err) {
    if (err instanceof CommanderError) return commanderExit(program, argv, err);
    reportError(err);
    return exitCodeForError(err);
  }
}

/** 2 for usage and for a command that could not run at all (unreadable path, no testbed, Git unreachable); 1 for a fleet file. */
export function exitCodeForError(err: unknown): number {
  return err instanceof FleetFileError ? 1 : 2;
}

/** One line on stderr: the message of a Flotilla error, or an unexpected one with a hint to get its stack. */
export function reportError(err: unknown): void {
  const debug = Boolean(process.env.FLOTILLA_DEBUG);
  // Flotilla's own messages are written for the user (a build failure ends with its log's last lines).
  if (err instanceof FlotillaError) console.error(`flotilla: ${err.message}`);
  else console.error(`flotilla: unexpected error: ${firstLine(err instanceof Error ? err.message : String(err))}${debug ? '' : ' (set FLOTILLA_DEBUG=1 for the stack)'}`);
  if (debug && err instanceof Error && err.stack) console.error(err.stack);
}

function firstLine(message: string): string {
  const [first, ...rest] = message.split('\n');
  return rest.some((l) => l.trim()) ? `${first} (…)` : (first ?? '');
}

function commanderExit(program: Command, argv: string[], err: CommanderError): number {
  // --help, --version and a bare command group have printed what was asked for.
  if (err.exitCode === 0 || err.code === 'commander.help' || err.code === 'commander.helpDisplayed') return err.exitCode === 0 ? 0 : 2;
  const path = commandPath(program, argv.slice(2));
  console.error(`flotilla: ${err.message.replace(/^error: /, '')} (see '${path} --help')`);
  return 2;
}

/** `flotilla testbed up` for `… testbed up --clusters x`: the deepest command the arguments name. */
function commandPath(program: Command, args: string[]): string {
  const names = [program.name()];
  let cmd: CommandUnknownOpts = program;
  for (const a of args) {
    if (a.startsWith('-')) break;
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    names.push(sub.name());
    cmd = sub;
  }
  return names.join(' ');
}

/** Commands record a non-zero exit code on the root command (setExitCode); the worst one wins. */
function exitCodeFrom(program: Command): number {
  return (program as unknown as { flotillaExitCode?: number }).flotillaExitCode ?? 0;
}

export function setExitCode(cmd: { parent?: unknown } & object, code: number): void {
  let root = cmd as { parent?: unknown };
  while (root.parent) root = root.parent as { parent?: unknown };
  const r = root as { flotillaExitCode?: number };
  r.flotillaExitCode = Math.max(r.flotillaExitCode ?? 0, code);
}
