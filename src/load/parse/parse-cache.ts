/**
 * Parsed files kept between loads of nearly the same fleet (`flotilla plan` loads base and head, which share most
 * files). A file is parsed again unless its path, options and bytes are all equal. The loader takes parsed values
 * as its own and may change them, so the cache keeps a private copy and hands out fresh copies.
 */
import { cloneJson } from './json.js';
import { parseYamlDocuments, type ParsedYamlFile, type ParseOptions } from './yaml-documents.js';

interface Entry {
  content: Uint8Array;
  options: string;
  parsed: ParsedYamlFile;
}

/** Opaque: make one with `new ParseCache()` and pass it to every loadFleet call that may share files. */
export class ParseCache {
  private readonly entries = new Map<string, Entry>();

  parse(file: string, content: Uint8Array, options: ParseOptions): ParsedYamlFile {
    const optionsKey = `${options.maxFileBytes}\u0000${options.yaml11Warnings}\u0000${options.reader}`;
    const entry = this.entries.get(file);
    if (entry && entry.options === optionsKey && sameBytes(entry.content, content)) return copyOf(entry.parsed);
    const parsed = parseYamlDocuments(file, content, options);
    this.entries.set(file, { content, options: optionsKey, parsed: copyOf(parsed) });
    return parsed;
  }
}

function copyOf(parsed: ParsedYamlFile): ParsedYamlFile {
  return {
    ...parsed,
    // locate/written read the parser's position tree, which nothing changes.
    documents: parsed.documents.map((d) => ({ ...d, value: cloneJson(d.value), source: { ...d.source } })),
    errors: parsed.errors.map((p) => ({ ...p })),
    warnings: parsed.warnings.map((p) => ({ ...p })),
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
