/** Collects the loader's findings; every finding is a value, the loader never throws for bad input. */
import type { Problem, SourceLocation } from '../../model/problem.js';

export class ProblemSink {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];

  error(at: SourceLocation, message: string): void {
    this.errors.push({ file: at.file, line: at.line, column: at.column, message });
  }

  warning(at: SourceLocation, message: string): void {
    this.warnings.push({ file: at.file, line: at.line, column: at.column, message });
  }
}

/** How a value reads in a message: strings quoted, lists and mappings by their shape (never dumped whole). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}

/** "A or B", "A, B or C": the expected values of an enum, as a sentence. */
export function oneOf(values: readonly string[]): string {
  const shown = values.map((v) => (v === '' ? '""' : v));
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}
