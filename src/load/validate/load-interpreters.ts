/**
 * `interpreters/` and `health/` into `fleet.interpreters`. Scripts are compiled by the `ScriptChecker` the caller
 * passes (the Lua VM is not pure: it reads the clock for its time limit). A customization whose script does not
 * compile or lacks its function holds every template of the kind it targets: applying such a kind with a guess
 * (no replica division, no retained fields) could undo what the user asked for, as a broken override policy could.
 */
import type { ResourceTemplate } from '../../model/fleet.js';
import {
  interpreterKey,
  OPERATIONS,
  type FleetInterpreters,
  type HealthScript,
  type InterpreterOperation,
  type KindInterpreter,
  type LuaScriptSource,
  type ScriptChecker,
} from '../../model/interpreters.js';
import { compareStrings, formatRef, type ObjectRef } from '../../model/refs.js';
import { CUSTOMIZATION_KIND, parseCustomizations, type InterpreterCustomization } from '../parse/customizations.js';
import type { YamlDocument } from '../parse/yaml-documents.js';
import { isPlainObject } from '../../util/json.js';
import type { ProblemSink } from './problems.js';

/** The customizations of one `interpreters/` file; any other kind of object there is an error. */
export function readInterpreterFile(file: string, text: string, documents: readonly YamlDocument[], sink: ProblemSink): InterpreterCustomization[] {
  for (const doc of documents) {
    const kind = isPlainObject(doc.value) ? doc.value['kind'] : undefined;
    if (kind !== CUSTOMIZATION_KIND) sink.error(doc.locate(['kind']), `kind: interpreters/ holds ${CUSTOMIZATION_KIND} objects, got ${JSON.stringify(kind ?? null)}`);
  }
  const parsed = parseCustomizations(file, text);
  sink.errors.push(...parsed.problems);
  return parsed.customizations;
}

/** `health/<group>/<kind>/health.lua` (the path role guarantees the shape). */
export function readHealthScript(file: string, text: string): HealthScript {
  const [, group, kind] = file.split('/') as [string, string, string, string];
  return { group, kind, source: { script: text, file, line: 1, column: 1 } };
}

export interface SettledInterpreters {
  interpreters: FleetInterpreters;
  held: ObjectRef[];
}

export function settleInterpreters(
  customizations: readonly InterpreterCustomization[],
  healthScripts: readonly HealthScript[],
  templates: readonly ResourceTemplate[],
  check: ScriptChecker | undefined,
  sink: ProblemSink,
): SettledInterpreters {
  const byName = [...customizations].sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.file, b.file) || a.line - b.line);
  const kinds = new Map<string, KindInterpreter>();
  const broken = new Map<string, InterpreterCustomization>();
  const seen = new Map<string, InterpreterCustomization>();
  for (const c of byName) {
    const first = seen.get(c.name);
    if (first) {
      sink.error({ file: c.file, line: c.line, column: 1 }, `metadata.name: ${CUSTOMIZATION_KIND} ${c.name} is also defined in ${first.file}:${first.line}; this one is ignored`);
      continue;
    }
    seen.set(c.name, c);
    const key = interpreterKey(c.target.apiVersion, c.target.kind);
    let entry = kinds.get(key);
    if (!entry) {
      entry = { target: { ...c.target }, scripts: {}, dependencyScripts: [] };
      kinds.set(key, entry);
    }
    for (const [op, source] of Object.entries(c.scripts) as [InterpreterOperation, LuaScriptSource][]) {
      if (op === 'InterpretDependency') entry.dependencyScripts.push(source);
      entry.scripts[op] ??= source;
      const problem = check?.(source, OPERATIONS[op].fn);
      if (problem) {
        sink.error(problem, `${OPERATIONS[op].field}: ${problem.message}`);
        if (!broken.has(key)) broken.set(key, c);
      }
    }
  }
  const health = [...healthScripts].sort((a, b) => compareStrings(a.source.file, b.source.file));
  for (const h of health) {
    const problem = check?.(h.source, null);
    if (problem) sink.error(problem, problem.message);
  }
  return { interpreters: { kinds, health }, held: heldByBrokenScripts(broken, templates, sink) };
}

function heldByBrokenScripts(broken: ReadonlyMap<string, InterpreterCustomization>, templates: readonly ResourceTemplate[], sink: ProblemSink): ObjectRef[] {
  const held: ObjectRef[] = [];
  for (const [key, c] of broken) {
    const selected = templates.filter((t) => interpreterKey(t.object.apiVersion, t.object.kind) === key);
    if (selected.length === 0) continue;
    const sample = selected.slice(0, 3).map((t) => formatRef(t.ref)).join(', ');
    sink.error(
      { file: c.file, line: c.line, column: 1 },
      `${CUSTOMIZATION_KIND} ${c.name} has a broken script, so the ${selected.length} ${c.target.kind} resource(s) (${sample}${selected.length > 3 ? ', …' : ''}) keep their last applied version on every cluster until it is fixed`,
    );
    held.push(...selected.map((t) => t.ref));
  }
  return held;
}
