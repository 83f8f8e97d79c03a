/**
 * Quoted scalars wrapped the way some Go YAML emitters wrap them: the continuation lines of a long '…' or "…"
 * value start at the column of the mapping key (or less), e.g.
 *
 *     message: 'invalid ''fake-secret'' secret data: required fields ''accesskey''
 *     and ''secretkey'''
 *
 * YAML requires those lines to be indented more than the key, and yaml rejects them; go-yaml, PyYAML and js-yaml
 * read one string. Here such files are read as Go reads them: only when yaml reports an error, the continuation
 * lines of every quoted scalar yaml's own lexer finds cut short by an unindent get spaces in front, and the file
 * is parsed again. Leading spaces of a quoted scalar's continuation line are not part of its value, so the value
 * is Go's; no line is added or removed, so every line number stays right. Columns shift only on the padded
 * continuation lines themselves (by the number of spaces added), where nothing but the scalar's own text and
 * what follows its closing quote can be.
 */
import { CST, LineCounter, Lexer, parseAllDocuments, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';

export interface ParsedDocument {
  doc: Document.Parsed;
  /** The line table of the text this document was read from (offsets differ from the file's on padded lines). */
  lineCounter: LineCounter;
}

/**
 * parseAllDocuments, plus the recovery above: when yaml reports an error (or a wrap it would misread silently may
 * be present), every document that reads cleanly once the wrapped quoted scalars are re-indented is taken from
 * the re-indented text; the others as written, so a genuinely broken document keeps yaml's own error.
 */
export function parseDocumentsAsGo(text: string, options: ParseOptions & DocumentOptions & SchemaOptions = {}): ParsedDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...options, lineCounter }) as Document.Parsed[];
  const asWritten = Array.from(docs, (doc) => ({ doc, lineCounter }));
  if (!asWritten.some(({ doc }) => doc.errors.length > 0) && !MAYBE_SILENT_WRAP.test(text)) return asWritten;
  const reindented = reindentWrappedQuotes(text);
  if (reindented === null) return asWritten;
  const padded = new LineCounter();
  const retried = Array.from(parseAllDocuments(reindented, { ...options, lineCounter: padded }) as Document.Parsed[]);
  // Document markers are never inside a padded range, so both texts split into the same documents.
  if (retried.length !== asWritten.length) return asWritten;
  return asWritten.map((original, i) => {
    const doc = retried[i]!;
    return doc.errors.length === 0 ? { doc, lineCounter: padded } : original;
  });
}

/**
 * A wrap yaml can misread without an error: when its first line ends in what looks like a closing quote (an even run
 * of `'` or `\"`), yaml takes that line for the whole scalar and may read the continuation line as something else (a
 * comment, an empty key's value). Files with such a line end are checked even when yaml reports nothing; the run
 * may follow a space (a value wrapped after a quote and spaces), so `key: ''` is checked too (and found closed).
 * Only files the fast reader leaves to yaml get here, so the extra lexes are rare.
 */
const MAYBE_SILENT_WRAP = /(?:(?<!')(?:'')+|\\")[ \t]*\r?\n/;

/** A wrapped quoted scalar: its opening quote, and the lines (0-based) its continuation lines need indenting to. */
interface Wrap {
  line: number;
  column: number;
  lastLine: number;
  indent: number;
}

/**
 * The text with the continuation lines of wrapped quoted scalars indented; null when there are none. Each round
 * lexes the text with the wraps found so far applied. Past the first wrap yaml's lexer is off track, so wraps
 * found after it are only tentative until a lex of the text with them applied sees each one as a quoted scalar
 * closed where the quote closes; a tentative wrap that is not confirmed is dropped and the search resumes from
 * the confirmed ones. Ordinary files take two lexes; each further round confirms at least one wrap.
 */
export function reindentWrappedQuotes(text: string): string | null {
  const lines = lineStarts(text);
  const confirmed: Wrap[] = [];
  let tentative = scanQuotes(text, []).wraps;
  for (;;) {
    if (tentative.length === 0) break;
    const all = [...confirmed, ...tentative];
    const scan = scanQuotes(applyWraps(text, lines, all), all);
    const firstNew = scan.firstWrap?.line ?? Infinity;
    let n = 0;
    while (n < tentative.length && tentative[n]!.line < firstNew && scan.closedAt.has(key(tentative[n]!))) n++;
    // The first tentative wrap was found where the lexer was still on track; if even it does not hold, stop.
    if (n === 0) break;
    confirmed.push(...tentative.slice(0, n));
    tentative = n === tentative.length ? scan.wraps : scanQuotes(applyWraps(text, lines, confirmed), confirmed).wraps;
  }
  return confirmed.length === 0 ? null : applyWraps(text, lines, confirmed);
}

const key = (w: { line: number; column: number }) => `${w.line}:${w.column}`;

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
  return starts;
}

function indentOf(text: string, start: number): number {
  let i = start;
  while (text.charCodeAt(i) === 0x20) i++;
  return i - start;
}

function isBlankFrom(text: string, at: number): boolean {
  for (let i = at; i < text.length && text[i] !== '\n'; i++) if (text[i] !== ' ' && text[i] !== '\r' && text[i] !== '\t') return false;
  return true;
}

/** The text with spaces in front of each wrap's non-blank continuation lines; `lines` are the original line starts. */
function applyWraps(text: string, lines: number[], wraps: Wrap[]): string {
  if (wraps.length === 0) return text;
  const parts: string[] = [];
  let copied = 0;
  for (const w of wraps) {
    for (let line = w.line + 1; line <= w.lastLine; line++) {
      const start = lines[line]!;
      const missing = w.indent - indentOf(text, start);
      if (missing <= 0 || isBlankFrom(text, start)) continue;
      parts.push(text.slice(copied, start), ' '.repeat(missing));
      copied = start;
    }
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/** Where the quote opened at `at` closes, found as yaml's lexer finds it; -1 when it never does. */
function closingQuote(text: string, at: number): number {
  const quote = text[at]!;
  let end = text.indexOf(quote, at + 1);
  if (quote === "'") {
    while (end !== -1 && text[end + 1] === "'") end = text.indexOf("'", end + 2);
    return end;
  }
  while (end !== -1) {
    let backslashes = 0;
    while (text[end - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/** yaml's lexer emits these markers without consuming source text. */
const ZERO_WIDTH = new Set(['\x02', '\x18', '\x1f']);

interface QuoteScan {
  /** Quoted scalars (by `line:column`, in the original text's coordinates) that close where their quote closes. */
  closedAt: Set<string>;
  /** The first quoted scalar the lexer cut short at a line break. */
  firstWrap: Wrap | null;
  wraps: Wrap[];
}

/**
 * The block-context quoted scalars of `text` (the original text with `applied` wraps padded): which close
 * normally, and which yaml's lexer ends at a line break although their quote closes later (the wraps). A quote
 * that never closes, or whose text would run over a document marker, ends the scan: Go rejects it too.
 */
function scanQuotes(text: string, applied: Wrap[]): QuoteScan {
  const padded = lineStarts(text);
  const out: QuoteScan = { closedAt: new Set(), firstWrap: null, wraps: [] };
  const appliedLines = new Set<number>();
  for (const w of applied) for (let l = w.line + 1; l <= w.lastLine; l++) appliedLines.add(l);
  let offset = 0;
  let flow = 0;
  let line = 0;
  // Quotes the lexer finds inside a wrap's own text (it is off track there) are not quotes.
  let wrapEnd = -1;
  for (const token of new Lexer().lex(text)) {
    if (ZERO_WIDTH.has(token)) continue;
    const type = CST.tokenType(token);
    if (type === 'flow-map-start' || type === 'flow-seq-start') flow++;
    else if ((type === 'flow-map-end' || type === 'flow-seq-end') && flow > 0) flow--;
    else if ((type === 'single-quoted-scalar' || type === 'double-quoted-scalar') && flow === 0 && offset > wrapEnd) {
      while (line + 1 < padded.length && padded[line + 1]! <= offset) line++;
      const close = closingQuote(text, offset);
      if (close < 0) break;
      const column = offset - padded[line]!;
      if (offset + token.length === close + 1) {
        if (!appliedLines.has(line)) out.closedAt.add(`${line}:${column}`);
      } else {
        let lastLine = line;
        while (lastLine + 1 < padded.length && padded[lastLine + 1]! <= close) lastLine++;
        if (appliedLines.has(line) || crossesDocumentMarker(text, padded, line, lastLine)) break;
        const wrap: Wrap = { line, column, lastLine, indent: blockColumn(text, padded[line]!) + 1 };
        out.firstWrap ??= wrap;
        wrapEnd = close;
        out.wraps.push(wrap);
      }
    }
    offset += token.length;
  }
  return out;
}

function crossesDocumentMarker(text: string, lines: number[], first: number, last: number): boolean {
  for (let line = first + 1; line <= last; line++) {
    const start = lines[line]!;
    const marker = text.slice(start, start + 3);
    if ((marker === '---' || marker === '...') && ' \t\r\n'.includes(text[start + 3] ?? ' ')) return true;
  }
  return false;
}

/** The column of a line's first content after its indentation and any `- `, `? `, `: ` indicators. */
function blockColumn(text: string, start: number): number {
  let i = start;
  for (;;) {
    while (text[i] === ' ') i++;
    if ((text[i] === '-' || text[i] === '?' || text[i] === ':') && text[i + 1] === ' ') i += 2;
    else return i - start;
  }
}
