/**
 * `flotilla health -f`: live objects from YAML or JSON files (several documents each, `kubectl get -o json`
 * Lists, `-` for stdin). Files are parsed like fleet files (alias bombs, invalid UTF-8, NUL bytes refused; but a
 * key given twice keeps its last value, as Go's reader does, where a fleet file would be refused); a
 * broken file or document is a Problem and the rest are still assessed. Only an unreadable file is a usage error.
 */
import { readFileSync } from 'node:fs';
import { parseYamlDocuments, type ParsedYamlFile } from '../load/index.js';
import { UsageError } from '../model/errors.js';
import type { KubeObject } from '../model/kube.js';
import type { Problem, SourceLocation } from '../model/problem.js';

/** Live state can be large (`kubectl get -A -o yaml`); fleet files are capped far lower. */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;

export interface HealthInput {
  objects: KubeObject[];
  problems: Problem[];
}

export function readHealthInput(files: readonly string[]): HealthInput {
  const input: HealthInput = { objects: [], problems: [] };
  for (const f of files) {
    const name = f === '-' ? '<stdin>' : f;
    const parsed = parse(name, readInput(f));
    input.problems.push(...parsed.errors);
    for (const doc of parsed.documents) collectObjects(doc.value, doc.source, input);
  }
  return input;
}

/** A parser failure on hostile input (e.g. a self-referencing alias) costs this file, not the command. */
function parse(name: string, bytes: Uint8Array): Pick<ParsedYamlFile, 'documents' | 'errors'> {
  try {
    return parseYamlDocuments(name, bytes, { maxFileBytes: MAX_INPUT_BYTES, yaml11Warnings: false, duplicateKeys: 'last-wins' });
  } catch (err) {
    return { documents: [], errors: [{ file: name, line: 1, column: 1, message: `cannot parse the file: ${(err as Error).message}` }] };
  }
}

function readInput(file: string): Uint8Array {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (err) {
    throw new UsageError(`cannot read ${file === '-' ? 'stdin' : file}: ${(err as Error).message}`);
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collectObjects(value: unknown, source: SourceLocation, input: HealthInput): void {
  if (!isMapping(value)) {
    input.problems.push({ ...source, message: `expected a Kubernetes object (a mapping with apiVersion and kind), got ${describe(value)}` });
    return;
  }
  // `kubectl get -o json` of several objects gives a List.
  if (Array.isArray(value.items) && typeof value.kind === 'string' && value.kind.endsWith('List')) {
    value.items.forEach((item, i) => {
      if (isMapping(item)) input.objects.push(item as unknown as KubeObject);
      else input.problems.push({ ...source, message: `items[${i}]: expected a Kubernetes object, got ${describe(item)}` });
    });
    return;
  }
  input.objects.push(value as unknown as KubeObject);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}
