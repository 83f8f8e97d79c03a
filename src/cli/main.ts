/**
 * `flotilla` command line. Commands parse flags and call into the stages; no logic lives here.
 * Exit codes (docs/cli.md#exit-codes): 0 success, 1 the fleet has errors (output for everything valid was still produced),
 * 2 usage error.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { FlotillaError, UsageError } from '../model/errors.js';
import { registerTestbedCommands } from './testbed.js';
import { registerRunCommands } from './run.js';
import { registerFleetCommands } from './fleet.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('flotilla')
    .description('GitOps reconciler for fleets of Kubernetes clusters: a Git repository is the control plane.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerFleetCommands(program);
  registerRunCommands(program);
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
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      console.error(`flotilla: ${err.message}`);
      return 2;
    }
    if (err instanceof FlotillaError) {
      // An unreadable path, a missing testbed, an unreachable Git server: the command could not run at all.
      console.error(`flotilla: ${err.message}`);
      return 2;
    }
    throw err;
  }
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
