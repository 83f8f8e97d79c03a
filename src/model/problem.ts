/** Where a value came from in the fleet repository (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * One finding about the fleet, in the CLI contract's shape. `message` starts with the field path when one
 * applies: `spec.placement.replicaScheduling.replicaSchedulingType: expected Duplicated or Divided, got "Divded"`.
 */
export interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function problemAt(loc: SourceLocation, message: string): Problem {
  return { file: loc.file, line: loc.line, column: loc.column, message };
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

export function compareProblems(a: Problem, b: Problem): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}
