/**
 * `interpreters/*.yaml` (Karmada ResourceInterpreterCustomization) and `health/<group>/<kind>/health.lua`:
 * parsing. Each script keeps the file line its first line is on (a script inside a YAML block scalar starts on
 * the line after its `luaScript: |` key), so that a Lua error's line maps to the file.
 */
import { isScalar, type LineCounter, type Document } from 'yaml';
import type { Problem } from '../../model/problem.js';
import { OPERATIONS, type InterpreterOperation, type LuaScriptSource } from '../../model/interpreters.js';
import { parseDocumentsAsGo } from './wrapped-quotes.js';

export const CUSTOMIZATION_API_VERSION = 'config.karmada.io/v1alpha1';
export const CUSTOMIZATION_KIND = 'ResourceInterpreterCustomization';

export interface InterpreterCustomization {
  name: string;
  file: string;
  /** Where the object starts. */
  line: number;
  target: { apiVersion: string; kind: string };
  scripts: Partial<Record<InterpreterOperation, LuaScriptSource>>;
}

export interface ParsedCustomizations {
  customizations: InterpreterCustomization[];
  problems: Problem[];
}

/** Customizations of one file (other kinds of documents are ignored); structural errors are Problems. */
export function parseCustomizations(file: string, text: string): ParsedCustomizations {
  const out: ParsedCustomizations = { customizations: [], problems: [] };
  for (const { doc, lineCounter } of parseDocumentsAsGo(text)) {
    const at = (offset: number, message: string): Problem => {
      const { line, col } = lineCounter.linePos(offset);
      return { file, line, column: col, message };
    };
    if (doc.errors.length > 0) {
      out.problems.push(...doc.errors.map((e) => at(e.pos[0], e.message.split('\n')[0] ?? e.message)));
      continue;
    }
    const value = doc.toJS() as Record<string, unknown> | null;
    if (value === null || typeof value !== 'object' || value.kind !== CUSTOMIZATION_KIND) continue;
    const parsed = customizationOf(file, doc, value, lineCounter, at);
    if ('problem' in parsed) out.problems.push(parsed.problem);
    else out.customizations.push(parsed);
  }
  return out;
}

function customizationOf(
  file: string,
  doc: Document,
  value: Record<string, unknown>,
  lineCounter: LineCounter,
  at: (offset: number, message: string) => Problem,
): InterpreterCustomization | { problem: Problem } {
  const offsetOf = (path: string[]): number => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range?.[0] ?? (doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0;
  };
  if (value.apiVersion !== CUSTOMIZATION_API_VERSION) return { problem: at(offsetOf(['apiVersion']), `apiVersion: expected ${CUSTOMIZATION_API_VERSION}, got ${JSON.stringify(value.apiVersion)}`) };
  const name = (value.metadata as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || name === '') return { problem: at(offsetOf(['metadata']), 'metadata.name: expected a name') };
  const target = (value.spec as { target?: { apiVersion?: unknown; kind?: unknown } } | undefined)?.target;
  if (typeof target?.apiVersion !== 'string' || typeof target.kind !== 'string' || target.apiVersion === '' || target.kind === '') {
    return { problem: at(offsetOf(['spec', 'target']), 'spec.target: expected apiVersion and kind') };
  }
  const scripts: InterpreterCustomization['scripts'] = {};
  for (const [op, { field }] of Object.entries(OPERATIONS) as [InterpreterOperation, { field: string }][]) {
    const path = ['spec', 'customizations', field, 'luaScript'];
    const node = doc.getIn(path, true);
    if (node === undefined) continue;
    if (!isScalar(node) || typeof node.value !== 'string') return { problem: at(offsetOf(path), `spec.customizations.${field}.luaScript: expected a string`) };
    const start = node.range?.[0] ?? 0;
    const pos = lineCounter.linePos(start);
    // Block scalars (| and >) start their text on the next line; others on the line of their first character.
    const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
    scripts[op] = { script: node.value, file, line: pos.line + (block ? 1 : 0), column: block ? 1 : pos.col };
  }
  const line = lineCounter.linePos((doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0).line;
  return { name, file, line, target: { apiVersion: target.apiVersion, kind: target.kind }, scripts };
}

/** `health/<group>/<kind>/health.lua`: the key Argo CD looks scripts up by (`group/Kind`, or `Kind` for core). */
export function healthScriptKey(path: string): string | null {
  const m = /^health\/([^/]+)\/([^/]+)\/health\.lua$/.exec(path);
  if (!m) return null;
  return m[1] === '' || m[1] === 'core' ? m[2]! : `${m[1]}/${m[2]}`;
}

