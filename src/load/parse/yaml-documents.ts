/**
 * One fleet file → its YAML documents as plain JS values, each with a way back to `file:line:column` for any
 * field path. YAML 1.2 core schema with merge keys; duplicate keys, alias bombs, oversized files, NUL bytes
 * and invalid UTF-8 are errors. A document with an error is left out; the others are still returned.
 */
import { LineCounter, isMap, isScalar } from 'yaml';
import type { Problem, SourceLocation } from '../../model/problem.js';
import { DEFAULT_FLEET_SETTINGS } from '../../model/fleet.js';
import { decodeFleetFile } from './file-bytes.js';
import { withFieldPath, type FieldPath } from './field-path.js';
import { cloneJson } from './json.js';
import { locateOffset, scalarSourceAt, scanTree, type LocateOptions } from './yaml-ast.js';
import { NOT_SHOWN, isSecretKind, isSecretValuePath } from './secret-values.js';
import { yaml11Difference } from './yaml11.js';
import { parseDocumentsAsGo } from './wrapped-quotes.js';
import { fastParseDocuments, locateInTree, scalarSourceInTree, toPlainData, visitPlainScalars, type FastDocument, type PosNode } from './fast-yaml.js';

/** yaml's own default, stated here because the error message names it. */
export const MAX_ALIAS_COUNT = 100;

export interface YamlDocument {
  file: string;
  /** 0-based position among the file's `---`-separated documents, empty ones included. */
  index: number;
  /** The document as plain JSON-like data (no shared references, even where the YAML used aliases). */
  value: unknown;
  /** Where the document's content starts. */
  source: SourceLocation;
  /** Where `path` (from the document root) is written, or its closest existing parent. */
  locate(path: FieldPath, options?: LocateOptions): SourceLocation;
  /** The scalar at `path` as written (`1e308`, `.inf`), for messages; undefined when there is none. */
  written(path: FieldPath): string | undefined;
}

export interface ParsedYamlFile {
  file: string;
  /** The documents that could be read, empty ones left out. */
  documents: YamlDocument[];
  errors: Problem[];
  warnings: Problem[];
  /** False when anything in the file could not be read: the file is "broken" (fleet.brokenFiles). */
  complete: boolean;
}

export interface ParseOptions {
  maxFileBytes?: number;
  /** Warn about plain scalars YAML 1.1 (kubectl) reads differently; default true. */
  yaml11Warnings?: boolean;
  /**
   * 'library' reads every file with yaml itself; the default first tries the fast reader for the common subset
   * (fast-yaml.ts), which gives the same result. Tests compare the two.
   */
  reader?: 'fast-first' | 'library';
  /**
   * A key given twice in one mapping: an error (the default: desired state must not be ambiguous), or, for live
   * objects read by `flotilla health`, a warning with the last value kept, as Go's YAML reader keeps it.
   */
  duplicateKeys?: 'error' | 'last-wins';
}

/** Duplicate keys are found by `scanTree` in linear time; yaml's own check is quadratic in a mapping's size. */
const PARSE_OPTIONS = { version: '1.2', schema: 'core', merge: true, uniqueKeys: false, strict: true, prettyErrors: true } as const;

function firstLine(message: string): string {
  return (message.split('\n', 1)[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

export function parseYamlDocuments(file: string, content: Uint8Array | string, options: ParseOptions = {}): ParsedYamlFile {
  const out: ParsedYamlFile = { file, documents: [], errors: [], warnings: [], complete: true };
  const at = (line: number, column: number): SourceLocation => ({ file, line, column });
  const fail = (loc: SourceLocation, message: string) => {
    out.errors.push({ ...loc, message });
    out.complete = false;
  };

  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const decoded = decodeFleetFile(bytes, options.maxFileBytes ?? DEFAULT_FLEET_SETTINGS.maxFileBytes);
  if (!decoded.ok) {
    fail(at(decoded.line, decoded.column), decoded.message);
    return out;
  }

  const positionIn = (lineCounter: LineCounter) => (offset: number): SourceLocation => {
    const p = lineCounter.linePos(offset);
    return at(p.line, p.col);
  };
  const yaml11Warning = (position: (offset: number) => SourceLocation) => (secret: boolean) => (text: string, offset: number, path: FieldPath, isKey: boolean) => {
    if (options.yaml11Warnings === false) return;
    const advice = yaml11Difference(text);
    if (!advice) return;
    const hidden = secret && !isKey && isSecretValuePath(path);
    const message = hidden ? `kubectl (YAML 1.1) reads this plain value differently than YAML 1.2 does; quote it (${NOT_SHOWN})` : advice;
    out.warnings.push({ ...position(offset), message: withFieldPath(path, message) });
  };

  const fast = options.reader === 'library' ? null : fastParseDocuments(decoded.text);
  if (fast) {
    const lineCounter = new LineCounter();
    countLines(decoded.text, lineCounter);
    const position = positionIn(lineCounter);
    for (const doc of fast) addFastDocument(doc, file, position, yaml11Warning(position), out);
    return out;
  }

  parseDocumentsAsGo(decoded.text, PARSE_OPTIONS).forEach(({ doc, lineCounter }, index) => {
    const position = positionIn(lineCounter);
    for (const w of doc.warnings) {
      const p = w.linePos?.[0];
      out.warnings.push({ ...(p ? at(p.line, p.col) : position(w.pos[0])), message: `YAML: ${firstLine(w.message)}` });
    }
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const p = e.linePos?.[0];
        const loc = p ? at(p.line, p.col) : position(e.pos[0]);
        fail(loc, `invalid YAML: ${firstLine(e.message)}`);
      }
      return;
    }
    const contents = doc.contents;
    const contentStart = contents?.range?.[0] ?? doc.range[0];
    const source = position(contentStart);
    if (contents === null || (isScalar(contents) && contents.value === null)) return;

    let usable = true;
    let hasAliases = false;
    const secret = isMap(contents) && isSecretKind(contents.get('apiVersion'), contents.get('kind'));
    scanTree(contents, [], {
      plainScalar: yaml11Warning(position)(secret),
      unusableKey(offset, path, why) {
        usable = false;
        fail(position(offset), withFieldPath(path, why));
      },
      duplicateKey(offset, path) {
        if (options.duplicateKeys === 'last-wins') {
          out.warnings.push({ ...position(offset), message: withFieldPath(path, 'duplicate key: the last value is used') });
          return;
        }
        usable = false;
        fail(position(offset), withFieldPath(path, 'duplicate key: a mapping key may appear only once'));
      },
      alias(node, offset, path, ancestors) {
        hasAliases = true;
        // Anchors come before their aliases, so a cycle always shows as an alias inside the node it names.
        if (!ancestors.has(node.resolve(doc))) return;
        usable = false;
        fail(position(offset), withFieldPath(path, `alias *${node.source} refers to a node that contains it: a recursive structure cannot be a Kubernetes object`));
      },
    });
    if (!usable) return;

    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/excessive alias count/i.test(message)) {
        fail(source, `YAML aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT} alias references): refused as a possible "billion laughs" attack`);
      } else fail(source, `invalid YAML: ${firstLine(message)}`);
      return;
    }
    // An alias yields the same JS object at every use; later stages must be free to change one copy.
    if (hasAliases) value = cloneJson(value);
    out.documents.push({
      file,
      index,
      value,
      source,
      locate: (path, opts) => position(locateOffset(doc, path, opts)),
      written: (path) => scalarSourceAt(doc, path),
    });
  });
  return out;
}

/** The same line table yaml's parser builds, for offsets read by the fast path. */
function countLines(text: string, lineCounter: LineCounter): void {
  lineCounter.addNewLine(0);
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) lineCounter.addNewLine(nl + 1);
}

type PlainScalarVisit = (text: string, offset: number, path: FieldPath, isKey: boolean) => void;

function addFastDocument(doc: FastDocument, file: string, position: (offset: number) => SourceLocation, yaml11Warning: (secret: boolean) => PlainScalarVisit, out: ParsedYamlFile): void {
  const root = doc.root;
  if (root === null || (root.kind === 'scalar' && root.value === null)) return;
  const secret = root.kind === 'map' && isSecretKind(scalarValue(root.pairs.get('apiVersion')?.value), scalarValue(root.pairs.get('kind')?.value));
  visitPlainScalars(root, [], yaml11Warning(secret));
  out.documents.push({
    file,
    index: doc.index,
    value: toPlainData(root),
    source: position(doc.contentStart),
    locate: (path, opts) => position(locateInTree(root, path, opts)),
    written: (path) => scalarSourceInTree(root, path),
  });
}

function scalarValue(node: PosNode | undefined): unknown {
  return node?.kind === 'scalar' ? node.value : node;
}
