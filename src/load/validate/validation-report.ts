/** `flotilla validate -o json` (docs/cli.md#flotilla-validate): `{"valid", "errors", "warnings"}`, problems sorted by file, line, column. */
import type { Fleet } from '../../model/fleet.js';
import { compareProblems, type Problem } from '../../model/problem.js';

export interface ValidationReport {
  valid: boolean;
  errors: Problem[];
  warnings: Problem[];
}

const copy = (p: Problem): Problem => ({ file: p.file, line: p.line, column: p.column, message: p.message });

export function validationReport(fleet: Fleet): ValidationReport {
  return {
    valid: fleet.errors.length === 0,
    errors: fleet.errors.map(copy).sort(compareProblems),
    warnings: fleet.warnings.map(copy).sort(compareProblems),
  };
}
