/**
 * `flotilla` command line. Commands parse flags and call into the stages; no logic lives here.
 * Exit codes (docs/cli.md#exit-codes): 0 success, 1 the fleet has errors (output for everything valid was still produced),
 * 2 usage error. Every failure is one `flotilla: …` line on stderr; the stack only with FLOTILLA_DEBUG=1.
 */
import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { FleetFileError, FlotillaError } from '../model/errors.js';
import { recordedExitCode } from './exit-code.js';

type Registrar = (program: Command) => void;

/**
 * Each command's module, in the order `flotilla --help` lists them. Modules are imported only when needed: a
 * command's module pulls in its stages (and e.g. Git or the Kubernetes client), and start-up is most of the time
 * of a one-cluster `render` in CI.
 */
const COMMAND_MODULES = {
  fleet: async () => (await import('./fleet.js')).registerFleetCommands,
  interpret: async () => (await import('./interpret.js')).registerInterpretCommand,
  plan: async () => (await import('./plan.js')).registerPlanCommand,
  status: async () => (await import('./status.js')).registerStatusCommand,
  history: async () => (await import('./history.js')).registerHistoryCommand,
  run: async () => (await import('./run.js')).registerRunCommands,
  rollback: async () => (await import('./rollback.js')).registerRollbackCommand,
  testbed: async () => (await import('./testbed.js')).registerTestbedCommands,
} satisfies Record<string, () => Promise<Registrar>>;

export type CommandModule = keyof typeof COMMAND_MODULES;

/** Which module registers each top-level command (a unit test keeps this in step with the modules). */
export const COMMAND_OWNERS: Readonly<Record<string, CommandModule>> = {
  validate: 'fleet',
  schedule: 'fleet',
  render: 'fleet',
  why: 'fleet',
  health: 'fleet',
  interpret: 'interpret',
  plan: 'plan',
  status: 'status',
  history: 'history',
  run: 'run',
  init: 'run',
  demo: 'run',
  rollback: 'rollback',
  testbed: 'testbed',
};

/**
 * The program with the commands of `modules` (default: all). main() registers only the module of the command
 * named on the command line; anything else (no command, a flag first, an unknown name) gets every command, so
 * help, suggestions and errors are the same as always.
 */
export async function buildProgram(modules: readonly CommandModule[] = Object.keys(COMMAND_MODULES) as CommandModule[]): Promise<Command> {
  const registrars = await Promise.all(modules.map((m) => COMMAND_MODULES[m]()));
  const program = new Command()
    .name('flotilla')
    .description('GitOps reconciler for fleets of Kubernetes clusters: a Git repository is the control plane.')
    .version('0.1.0')
    // main() prints parse errors itself, as one line with a pointer to the command's help.
    .configureOutput({ outputError: () => {} })
    .exitOverride();
  for (const register of registrars) register(program);
  return program;
}

function modulesFor(argv: string[]): CommandModule[] | undefined {
  const name = argv[2];
  const owner = name !== undefined && Object.hasOwn(COMMAND_OWNERS, name) ? COMMAND_OWNERS[name] : undefined;
  return owner ? [owner] : undefined;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(modulesFor(argv));
  try {
    await program.parseAsync(argv);
    return recordedExitCode(program);
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
