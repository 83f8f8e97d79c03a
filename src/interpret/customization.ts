/**
 * Validation of interpreter customizations and health.lua scripts: compiles every script and checks it defines the
 * function its operation calls. Problems point at the file line of the script line at fault.
 */
import type { Problem } from '../model/problem.js';
import { OPERATIONS, type InterpreterOperation, type LuaScriptSource } from '../model/interpreters.js';
import { LuaRuntime, LuaScriptError } from './runtime.js';
import type { InterpreterCustomization } from '../load/parse/customizations.js';

export {
  CUSTOMIZATION_API_VERSION,
  CUSTOMIZATION_KIND,
  healthScriptKey,
  parseCustomizations,
  type InterpreterCustomization,
  type ParsedCustomizations,
} from '../load/parse/customizations.js';
export type { LuaScriptSource } from '../model/interpreters.js';

/** Compiles every script and checks its entry function; one Problem per broken script. */
export function validateCustomization(c: InterpreterCustomization, rt: LuaRuntime = new LuaRuntime({ flavor: 'karmada' })): Problem[] {
  const problems: Problem[] = [];
  for (const [op, source] of Object.entries(c.scripts) as [InterpreterOperation, LuaScriptSource][]) {
    const fn = OPERATIONS[op].fn;
    try {
      if (!rt.definesFunction(source.script, fn)) problems.push(scriptProblem(source, `${op}: the script does not define function ${fn}`));
    } catch (e) {
      problems.push(scriptProblem(source, `${op}: ${e instanceof Error ? e.message : String(e)}`, e));
    }
  }
  return problems;
}

/** A Problem for `source`, at the script line the error names (else the script's first line). */
export function scriptProblem(source: LuaScriptSource, message: string, error?: unknown): Problem {
  const scriptLine = error instanceof LuaScriptError ? error.line : undefined;
  return {
    file: source.file,
    line: scriptLine === undefined ? source.line : source.line + scriptLine - 1,
    column: scriptLine === undefined ? source.column : 1,
    message,
  };
}

/** A health.lua that does not compile is a Problem at its line. */
export function validateHealthScript(file: string, script: string, rt: LuaRuntime = new LuaRuntime({ flavor: 'argo' })): Problem[] {
  try {
    rt.check(script);
    return [];
  } catch (e) {
    return [scriptProblem({ script, file, line: 1, column: 1 }, e instanceof Error ? e.message : String(e), e)];
  }
}
