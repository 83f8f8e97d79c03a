/**
 * Commands record a non-zero exit code on the root command; main() reads it after the command ran.
 * Kept apart from main.ts so a command's module does not import every other command through it.
 */

/** The worst exit code a command recorded on the root command (0 when none did). */
export function recordedExitCode(program: object): number {
  return (program as { flotillaExitCode?: number }).flotillaExitCode ?? 0;
}

export function setExitCode(cmd: { parent?: unknown } & object, code: number): void {
  let root = cmd as { parent?: unknown };
  while (root.parent) root = root.parent as { parent?: unknown };
  const r = root as { flotillaExitCode?: number };
  r.flotillaExitCode = Math.max(r.flotillaExitCode ?? 0, code);
}
