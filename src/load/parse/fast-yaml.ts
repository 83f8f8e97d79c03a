/**
 * A fast reader for the YAML most fleet files are written in: block mappings and sequences, single-line plain
 * and quoted scalars, literal block scalars, one-line flow collections, comments and `---`. yaml's Lexer and
 * Parser cost most of the loading time (a generator step per token); this reads the same subset line by line.
 * Anything outside the subset, and anything yaml would report (a duplicate key, a bad indentation), makes it
 * give up (null), and the caller reads the file with yaml itself, so results never depend on which path ran.
 * Plain scalars are resolved with yaml's own core-schema tags.
 */
import { Schema, isScalar, type ParseOptions, type ScalarTag } from 'yaml';
import type { FieldPath } from './field-path.js';
import type { LocateOptions } from './yaml-ast.js';

/** A node of the document with the offsets `locate` needs (yaml's `range[0]`). */
export type PosNode = PosScalar | PosMap | PosSeq;
export interface PosScalar {
  kind: 'scalar';
  start: number;
  /** The scalar's text as yaml's `Scalar.source` has it (quoted: without quotes; empty value: ''). */
  source: string;
  plain: boolean;
  value: unknown;
}
export interface PosPair {
  key: string;
  keyStart: number;
  keyPlain: boolean;
  keySource: string;
  value: PosNode;
}
export interface PosMap {
  kind: 'map';
  start: number;
  pairs: Map<string, PosPair>;
}
export interface PosSeq {
  kind: 'seq';
  start: number;
  items: PosNode[];
}

export interface FastDocument {
  index: number;
  /** Null for a document without content. */
  root: PosNode | null;
  contentStart: number;
}

class GiveUp extends Error {}
const giveUp = (): never => {
  throw new GiveUp();
};

/** yaml's core-schema tags that resolve plain scalars, in the order its composer tries them. */
const PLAIN_TAGS = (new Schema({ schema: 'core', merge: true }).tags as ScalarTag[]).filter((t) => t.default === true && t.test);

function resolvePlain(source: string): unknown {
  if (source === '<<') giveUp();
  for (const tag of PLAIN_TAGS) {
    if (!tag.test!.test(source)) continue;
    const resolved: unknown = tag.resolve(source, giveUp, { intAsBigInt: false } as ParseOptions);
    return isScalar(resolved) ? resolved.value : resolved;
  }
  return source;
}

/** Characters whose YAML meaning this reader does not model: tabs, CR, other controls, BOM, Unicode line breaks. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNMODELLED_CHARS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;
/** yaml's limit for an implicit key in strict mode (with room to spare). */
const MAX_KEY = 1000;
const DOC_START = /^---(?: +(?:#.*)?)?$/;
const COMMENT_OR_BLANK = /^ *(?:#.*)?$/;

interface Line {
  start: number;
  indent: number;
  text: string;
}

/** Document boundaries and content lines; null when the text uses anything outside the subset. */
export function fastParseDocuments(text: string): FastDocument[] | null {
  if (UNMODELLED_CHARS.test(text)) return null;
  try {
    return readDocuments(text);
  } catch (err) {
    if (err instanceof GiveUp) return null;
    throw err;
  }
}

function readDocuments(text: string): FastDocument[] {
  const docs: FastDocument[] = [];
  let lines: Line[] = [];
  let markerEnd = -1;
  const flush = () => {
    if (markerEnd < 0 && !lines.some((l) => !COMMENT_OR_BLANK.test(l.text))) return;
    docs.push(readDocument(docs.length, lines, text, markerEnd));
  };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    const c = line.charCodeAt(0);
    if (c === 0x2d /* - */ && line.startsWith('---') && (line.length === 3 || line[3] === ' ' || line[3] === '\t')) {
      if (!DOC_START.test(line)) giveUp();
      flush();
      lines = [];
      markerEnd = start + line.length + 1;
    } else if ((c === 0x2e /* . */ && line.startsWith('...')) || c === 0x25 /* % */) {
      giveUp();
    } else {
      let indent = 0;
      while (line.charCodeAt(indent) === 0x20) indent++;
      lines.push({ start, indent, text: line });
    }
    start = end + 1;
  }
  flush();
  return docs;
}

function readDocument(index: number, lines: Line[], text: string, markerEnd: number): FastDocument {
  const reader = new BlockReader(lines, text);
  reader.skipBlank();
  if (reader.done()) {
    // yaml puts an empty document's (null) content right after the marker line.
    return { index, root: null, contentStart: Math.min(markerEnd, text.length) };
  }
  const first = reader.peek();
  const root = reader.node(first.indent, -1);
  reader.skipBlank();
  if (!reader.done()) giveUp();
  return { index, root, contentStart: root.start };
}

class BlockReader {
  private i = 0;
  constructor(
    private readonly lines: Line[],
    private readonly text: string,
  ) {}

  done(): boolean {
    return this.i >= this.lines.length;
  }
  peek(): Line {
    return this.lines[this.i]!;
  }
  skipBlank(): void {
    while (this.i < this.lines.length && COMMENT_OR_BLANK.test(this.lines[this.i]!.text)) this.i++;
  }

  /** The block node whose first line is the current one, at column `indent`, inside a parent at `parent`. */
  node(indent: number, parent: number): PosNode {
    const line = this.peek();
    if (line.indent !== indent || indent <= parent) giveUp();
    const rest = line.text.slice(indent);
    if (rest === '-' || rest.startsWith('- ')) return this.sequence(indent);
    if (startsKey(rest)) return this.mapping(indent, indent);
    // A lone scalar document (or a flow collection) on one line.
    this.i++;
    const { node, end } = inlineValue(line.text, indent, line.start);
    if (!isRestBlank(line.text, end)) giveUp();
    return node;
  }

  private sequence(indent: number): PosSeq {
    const seq: PosSeq = { kind: 'seq', start: this.peek().start + indent, items: [] };
    for (;;) {
      this.skipBlank();
      if (this.done()) break;
      const line = this.peek();
      if (line.indent < indent) break;
      if (line.indent > indent) giveUp();
      const text = line.text;
      if (text[indent] !== '-' || text[indent + 1] !== ' ') break;
      let col = indent + 1;
      while (text.charCodeAt(col) === 0x20) col++;
      const rest = text.slice(col);
      if (rest === '' || rest[0] === '#' || rest[0] === '-' || rest[0] === '?' || rest[0] === '|' || rest[0] === '>') giveUp();
      if (startsKey(rest)) {
        seq.items.push(this.mapping(col, col));
        continue;
      }
      this.i++;
      const { node, end } = inlineValue(text, col, line.start);
      if (!isRestBlank(text, end)) giveUp();
      this.noContinuation(indent);
      seq.items.push(node);
    }
    return seq;
  }

  /** A block mapping whose keys are at column `indent`; its first key is at `firstCol` of the current line. */
  private mapping(indent: number, firstCol: number): PosMap {
    const first = this.peek();
    const map: PosMap = { kind: 'map', start: first.start + firstCol, pairs: new Map() };
    let col = firstCol;
    for (;;) {
      const line = this.peek();
      const text = line.text;
      const key = readKey(text, col);
      if (map.pairs.has(key.name) || (key.end + 1 < text.length && text[key.end + 1] !== ' ')) giveUp();
      this.i++;
      let value: PosNode;
      let at = key.end + 1;
      while (text.charCodeAt(at) === 0x20) at++;
      if (at >= text.length || text[at] === '#') {
        if (at < text.length && text[at - 1] !== ' ') giveUp();
        value = this.blockValue(indent, line.start + key.end + 1);
      } else if (text[at] === '|' || text[at] === '>') {
        value = this.literal(text, at, line.start, indent);
      } else {
        const inline = inlineValue(text, at, line.start);
        if (!isRestBlank(text, inline.end)) giveUp();
        this.noContinuation(indent);
        value = inline.node;
      }
      map.pairs.set(key.name, { key: key.name, keyStart: line.start + col, keyPlain: key.plain, keySource: key.source, value });
      this.skipBlank();
      if (this.done()) break;
      const next = this.peek();
      if (next.indent < indent) break;
      if (next.indent > indent) giveUp();
      const rest = next.text.slice(indent);
      if (rest.startsWith('- ') || rest === '-') break;
      if (!startsKey(rest)) giveUp();
      col = indent;
    }
    return map;
  }

  /** The value of `key:` with nothing after it on the line: a nested block, or null. */
  private blockValue(indent: number, emptyAt: number): PosNode {
    this.skipBlank();
    if (!this.done()) {
      const next = this.peek();
      const rest = next.text.slice(next.indent);
      if (next.indent > indent) return this.node(next.indent, indent);
      if (next.indent === indent && (rest.startsWith('- ') || rest === '-')) return this.sequence(indent);
    }
    return { kind: 'scalar', start: emptyAt, source: '', plain: true, value: null };
  }

  /** After a one-line value, a more indented line would continue it (a multi-line plain scalar). */
  private noContinuation(indent: number): void {
    let j = this.i;
    while (j < this.lines.length && COMMENT_OR_BLANK.test(this.lines[j]!.text)) {
      if (this.lines[j]!.text.trimStart().startsWith('#')) return;
      j++;
    }
    if (j < this.lines.length && this.lines[j]!.indent > indent) giveUp();
  }

  /** A literal block scalar (`|` or `|-`) as the value of a key at column `indent`. */
  private literal(text: string, at: number, lineStart: number, indent: number): PosScalar {
    const header = /^\|(-?)(?: +#.*| *)$/.exec(text.slice(at));
    if (!header) giveUp();
    const strip = header![1] === '-';
    const body: string[] = [];
    let contentIndent = -1;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent === line.text.length) {
        if (line.text.length > 0) giveUp();
        body.push('');
        this.i++;
        continue;
      }
      if (contentIndent < 0) {
        if (line.indent <= indent) break;
        contentIndent = line.indent;
      } else if (line.indent < contentIndent) break;
      if (line.start + line.text.length >= this.text.length) giveUp();
      body.push(line.text.slice(contentIndent));
      this.i++;
    }
    let last = body.length;
    while (last > 0 && body[last - 1] === '') last--;
    // Trailing empty lines belong to whatever follows, not to the scalar.
    this.i -= body.length - last;
    const content = body.slice(0, last);
    const source = content.length === 0 ? '' : strip ? content.join('\n') : `${content.join('\n')}\n`;
    return { kind: 'scalar', start: lineStart + at, source, plain: false, value: source };
  }
}

function isRestBlank(text: string, from: number): boolean {
  let at = from;
  while (text.charCodeAt(at) === 0x20) at++;
  if (at >= text.length) return true;
  return text[at] === '#' && at > from;
}

/** Whether a block line (from its first non-space character) is `key: …` in the subset. */
function startsKey(rest: string): boolean {
  const c = rest[0];
  if (c === '"' || c === "'") {
    const close = rest.indexOf(c, 1);
    return close > 0 && rest[close + 1] === ':';
  }
  const colon = rest.indexOf(':');
  return colon > 0 && (colon === rest.length - 1 || rest[colon + 1] === ' ');
}

/** Plain scalar characters this reader accepts (a subset of what YAML allows, in block and flow context). */
const FIRST_PLAIN_BAD = /^[-?:,[\]{}#&*!|>'"%@`]/;
const FLOW_PLAIN_BAD = /[,[\]{}#:]/;

function plainScalar(source: string, start: number, flow: boolean): PosScalar {
  if (source.length === 0 || FIRST_PLAIN_BAD.test(source) && !/^-[^ ,[\]{}]/.test(source)) giveUp();
  if (flow ? FLOW_PLAIN_BAD.test(source) : source.includes(': ') || source.endsWith(':') || source.includes(' #')) giveUp();
  return { kind: 'scalar', start, source, plain: true, value: resolvePlain(source) };
}

function readKey(text: string, col: number): { name: string; source: string; plain: boolean; end: number } {
  const c = text[col];
  if (c === '"' || c === "'") {
    const q = quoted(text, col);
    if (text[q.end] !== ':' || q.end - col > MAX_KEY) giveUp();
    return { name: q.source, source: q.source, plain: false, end: q.end };
  }
  let colon = text.indexOf(':', col);
  while (colon >= 0 && colon + 1 < text.length && text[colon + 1] !== ' ') colon = text.indexOf(':', colon + 1);
  if (colon < 0 || colon - col > MAX_KEY) giveUp();
  const source = text.slice(col, colon);
  // `key : value` is valid YAML, but where yaml places such a key differs in details: left to the library.
  if (source !== source.trimEnd()) giveUp();
  const scalar = plainScalar(source, 0, false);
  if (scalar.value === null || (typeof scalar.value === 'number' && !Number.isSafeInteger(scalar.value))) giveUp();
  return { name: String(scalar.value), source, plain: true, end: colon };
}

/** A single-line quoted scalar starting at `col`; double-quoted ones only without escapes. */
function quoted(text: string, col: number): { source: string; end: number } {
  const q = text[col]!;
  if (q === '"') {
    const close = text.indexOf('"', col + 1);
    if (close < 0) giveUp();
    const source = text.slice(col + 1, close);
    if (source.includes('\\')) giveUp();
    return { source, end: close + 1 };
  }
  let at = col + 1;
  let source = '';
  for (;;) {
    const close = text.indexOf("'", at);
    if (close < 0) giveUp();
    source += text.slice(at, close);
    if (text[close + 1] !== "'") return { source, end: close + 1 };
    source += "'";
    at = close + 2;
  }
}

/** A scalar or one-line flow collection starting at `col`; `end` is just past it. */
function inlineValue(text: string, col: number, lineStart: number): { node: PosNode; end: number } {
  const c = text[col];
  if (c === '{' || c === '[') return flowCollection(text, col, lineStart);
  if (c === '"' || c === "'") {
    const q = quoted(text, col);
    return { node: { kind: 'scalar', start: lineStart + col, source: q.source, plain: false, value: q.source }, end: q.end };
  }
  let end = text.indexOf(' #', col);
  if (end < 0) end = text.length;
  const source = text.slice(col, end).trimEnd();
  return { node: plainScalar(source, lineStart + col, false), end: col + source.length };
}

function flowCollection(text: string, col: number, lineStart: number): { node: PosNode; end: number } {
  const open = text[col];
  const close = open === '{' ? '}' : ']';
  let at = skipSpaces(text, col + 1);
  if (open === '{') {
    const map: PosMap = { kind: 'map', start: lineStart + col, pairs: new Map() };
    if (text[at] === '}') return { node: map, end: at + 1 };
    for (;;) {
      const keyStart = at;
      const key = flowScalar(text, at, lineStart);
      if (key.node.kind !== 'scalar' || text[key.end] !== ':' || text[key.end + 1] !== ' ') giveUp();
      const k = key.node as PosScalar;
      if (k.value === null || (typeof k.value === 'number' && !Number.isSafeInteger(k.value))) giveUp();
      const name = String(k.value);
      if (map.pairs.has(name)) giveUp();
      at = skipSpaces(text, key.end + 1);
      const value = flowItem(text, at, lineStart);
      map.pairs.set(name, { key: name, keyStart: lineStart + keyStart, keyPlain: k.plain, keySource: k.source, value: value.node });
      at = skipSpaces(text, value.end);
      if (text[at] === '}') return { node: map, end: at + 1 };
      if (text[at] !== ',') giveUp();
      at = skipSpaces(text, at + 1);
      if (text[at] === '}') giveUp();
    }
  }
  const seq: PosSeq = { kind: 'seq', start: lineStart + col, items: [] };
  if (text[at] === close) return { node: seq, end: at + 1 };
  for (;;) {
    const item = flowItem(text, at, lineStart);
    if (text[item.end] === ':') giveUp();
    seq.items.push(item.node);
    at = skipSpaces(text, item.end);
    if (text[at] === ']') return { node: seq, end: at + 1 };
    if (text[at] !== ',') giveUp();
    at = skipSpaces(text, at + 1);
    if (text[at] === ']') giveUp();
  }
}

function flowItem(text: string, at: number, lineStart: number): { node: PosNode; end: number } {
  const c = text[at];
  return c === '{' || c === '[' ? flowCollection(text, at, lineStart) : flowScalar(text, at, lineStart);
}

function flowScalar(text: string, at: number, lineStart: number): { node: PosNode; end: number } {
  const c = text[at];
  if (c === '"' || c === "'") {
    const q = quoted(text, at);
    return { node: { kind: 'scalar', start: lineStart + at, source: q.source, plain: false, value: q.source }, end: q.end };
  }
  let end = at;
  while (end < text.length && !',[]{}:#'.includes(text[end]!)) end++;
  const source = text.slice(at, end).trimEnd();
  return { node: plainScalar(source, lineStart + at, true), end: at + source.length };
}

function skipSpaces(text: string, at: number): number {
  while (text.charCodeAt(at) === 0x20) at++;
  if (at >= text.length) giveUp();
  return at;
}

/** The node as the plain data yaml's `toJS` gives (keys as strings, `__proto__` as an own property). */
export function toPlainData(node: PosNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(toPlainData);
  const out: Record<string, unknown> = {};
  for (const [key, pair] of node.pairs) {
    const value = toPlainData(pair.value);
    if (key in out) Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

/** As `locateOffset` in yaml-ast.ts, over the fast reader's tree (which has no aliases or merge keys). */
export function locateInTree(root: PosNode, path: FieldPath, options: LocateOptions = {}): number {
  let fallback = root.start;
  let current: PosNode = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (current.kind === 'map') {
      const pair = current.pairs.get(String(segment));
      if (!pair) break;
      const value = pair.value;
      const scalarValue = value.kind === 'scalar' && !(value.value === null && value.source === '');
      fallback = i === path.length - 1 && !options.key && scalarValue ? value.start : pair.keyStart;
      current = value;
    } else if (current.kind === 'seq' && typeof segment === 'number') {
      const item = current.items[segment];
      if (item === undefined) break;
      fallback = item.start;
      current = item;
    } else break;
  }
  return fallback;
}

/** As `scalarSourceAt` in yaml-ast.ts, over the fast reader's tree. */
export function scalarSourceInTree(root: PosNode, path: FieldPath): string | undefined {
  let current: PosNode | undefined = root;
  for (const segment of path) {
    if (current?.kind === 'map') current = current.pairs.get(String(segment))?.value;
    else if (current?.kind === 'seq' && typeof segment === 'number') current = current.items[segment];
    else return undefined;
  }
  return current?.kind === 'scalar' ? current.source : undefined;
}

/** Every plain scalar, keys included, in the order `scanTree` visits them; `path` is reused as a stack. */
export function visitPlainScalars(node: PosNode, path: (string | number)[], visit: (source: string, offset: number, path: FieldPath, isKey: boolean) => void): void {
  if (node.kind === 'scalar') {
    if (node.plain) visit(node.source, node.start, path, false);
  } else if (node.kind === 'seq') {
    node.items.forEach((item, i) => {
      path.push(i);
      visitPlainScalars(item, path, visit);
      path.pop();
    });
  } else {
    for (const [key, pair] of node.pairs) {
      path.push(key);
      if (pair.keyPlain) visit(pair.keySource, pair.keyStart, path, true);
      visitPlainScalars(pair.value, path, visit);
      path.pop();
    }
  }
}
