/**
 * Deterministic YAML for rendered manifests. Layout: `apiVersion`, `kind`, `metadata` first, then the other top-level
 * keys; every other mapping has its keys in code-point order (compareStrings). Two-space indentation, sequences
 * not indented under their key (kubectl's style), no line folding, multi-line strings as literal blocks, and strings
 * that YAML 1.1 or 1.2 would read as something else double-quoted (yaml-scalars.ts).
 *
 * Written by hand because the yaml library takes ~0.4 ms per Deployment and `flotilla render --out` writes hundreds
 * of thousands of files; yaml-emitter.test.ts checks the output against the yaml parser in both YAML versions.
 */
import { Document, visit } from 'yaml';
import type { KubeObject } from '../model/kube.js';
import { compareStrings } from '../model/refs.js';
import { blockLiteral, formatNumber, inlineString, isPlainSafe } from './yaml-scalars.js';
import { isPlainObject } from '../util/json.js';

const MANIFEST_FIRST_KEYS = ['apiVersion', 'kind', 'metadata'];
/** YAML allows implicit keys of at most 1024 characters; longer ones take the yaml library's explicit-key form. */
const MAX_IMPLICIT_KEY = 1000;

export function toManifestYaml(obj: KubeObject): string {
  return emitDocument(obj, true);
}

/** YAML of frozen subtrees by indentation (-1: a manifest's top level). */
type YamlMemo = WeakMap<object, Map<number, string>>;

/**
 * toManifestYaml for many objects at once. Renderings of one template on many clusters share the subtrees no
 * override touched (writable.ts): this writes each frozen subtree once per indentation and reuses the text, which
 * stays right because frozen data cannot change.
 */
export function manifestYamlWriter(): (obj: KubeObject) => string {
  const memo: YamlMemo = new WeakMap();
  return (obj) => emitDocument(obj, true, memo);
}

/** Any JSON value as YAML with sorted keys (used for fieldOverrider's YAML documents). */
export function toYaml(value: unknown): string {
  return emitDocument(value, false);
}

class LongKey extends Error {}

function emitDocument(value: unknown, manifest: boolean, memo?: YamlMemo): string {
  try {
    const out: string[] = [];
    if (isPlainObject(value)) {
      if (Object.keys(value).length === 0) return '{}\n';
      new Emitter(memo).map(value, 0, out, manifest);
    } else if (Array.isArray(value)) {
      if (value.length === 0) return '[]\n';
      new Emitter(memo).seq(value, 0, out);
    } else {
      // A top-level block literal would sit at column 0; quoting avoids that corner.
      out.push(typeof value === 'string' ? inlineString(value) : scalar(value));
    }
    return out.join('\n') + '\n';
  } catch (err) {
    if (err instanceof LongKey) return emitWithLibrary(value, manifest);
    throw err;
  }
}

const PADS = Array.from({ length: 64 }, (_, i) => ' '.repeat(i));
function pad(n: number): string {
  return PADS[n] ?? ' '.repeat(n);
}

function orderedKeys(obj: Record<string, unknown>, manifest: boolean): string[] {
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  if (!manifest) return keys.sort(compareStrings);
  const first = MANIFEST_FIRST_KEYS.filter((k) => obj[k] !== undefined);
  const rest = keys.filter((k) => !MANIFEST_FIRST_KEYS.includes(k)).sort(compareStrings);
  return [...first, ...rest];
}

function hasEntries(obj: Record<string, unknown>): boolean {
  for (const key in obj) if (Object.prototype.hasOwnProperty.call(obj, key) && obj[key] !== undefined) return true;
  return false;
}

/** Writes lines into `out`; collections that are frozen are written once per indentation when there is a memo. */
class Emitter {
  constructor(private readonly memo: YamlMemo | undefined) {}

  map(obj: Record<string, unknown>, indent: number, out: string[], manifest = false): void {
    // A manifest's top level has its own key order: remembered apart from any nested use of the same object.
    const slot = manifest ? -1 : indent;
    if (this.recall(obj, slot, out)) return;
    const start = out.length;
    const prefix = pad(indent);
    for (const key of orderedKeys(obj, manifest)) {
      if (key.length > MAX_IMPLICIT_KEY) throw new LongKey();
      this.entry(`${prefix}${inlineString(key)}:`, obj[key], indent, out);
    }
    this.remember(obj, slot, out, start);
  }

  seq(items: readonly unknown[], indent: number, out: string[]): void {
    if (this.recall(items, indent, out)) return;
    const start = out.length;
    const dash = `${pad(indent)}-`;
    for (const item of items) {
      const nested = (isPlainObject(item) && hasEntries(item)) || (Array.isArray(item) && item.length > 0);
      if (!nested) {
        this.entry(dash, item, indent, out);
        continue;
      }
      // Emit the collection two deeper, then put the dash in front of its first line: "- key: value" / "- - item".
      const first = out.length;
      if (Array.isArray(item)) this.seq(item, indent + 2, out);
      else this.map(item as Record<string, unknown>, indent + 2, out);
      out[first] = `${dash} ${out[first]!.slice(indent + 2)}`;
    }
    this.remember(items, indent, out, start);
  }

  /** `prefix` is the line so far ("  key:" or "  -"); nested mappings go two deeper, sequences stay at `indent`. */
  private entry(prefix: string, value: unknown, indent: number, out: string[]): void {
    if (isPlainObject(value)) {
      if (!hasEntries(value)) {
        out.push(`${prefix} {}`);
        return;
      }
      out.push(prefix);
      this.map(value, indent + 2, out);
    } else if (Array.isArray(value)) {
      if (value.length === 0) {
        out.push(`${prefix} []`);
        return;
      }
      out.push(prefix);
      this.seq(value, indent, out);
    } else if (typeof value === 'string') {
      const block = blockLiteral(value);
      if (!block) {
        out.push(`${prefix} ${inlineString(value)}`);
        return;
      }
      out.push(`${prefix} ${block.header}`);
      const contentPad = pad(indent + 2);
      for (const line of block.lines) out.push(line === '' ? '' : contentPad + line);
    } else {
      out.push(`${prefix} ${scalar(value)}`);
    }
  }

  /** Pushes the remembered text as one element (its lines joined): callers only ever change an element's start. */
  private recall(value: object, slot: number, out: string[]): boolean {
    const text = this.memo !== undefined && Object.isFrozen(value) ? this.memo.get(value)?.get(slot) : undefined;
    if (text === undefined) return false;
    out.push(text);
    return true;
  }

  private remember(value: object, slot: number, out: string[], start: number): void {
    if (this.memo === undefined || !Object.isFrozen(value) || out.length === start) return;
    let bySlot = this.memo.get(value);
    if (!bySlot) this.memo.set(value, (bySlot = new Map()));
    bySlot.set(slot, out.slice(start).join('\n'));
  }
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return inlineString(value);
  return 'null';
}

/** The rare document with a key too long for an implicit key: the yaml library, one top-level key at a time. */
function emitWithLibrary(value: unknown, manifest: boolean): string {
  if (!isPlainObject(value)) return stringifyWithLibrary(value);
  return orderedKeys(value, manifest)
    .map((key) => stringifyWithLibrary({ [key]: value[key] }))
    .join('');
}

function stringifyWithLibrary(value: unknown): string {
  const doc = new Document(value, { sortMapEntries: (a, b) => compareStrings(String(a.key), String(b.key)) });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && !isPlainSafe(node.value) && !node.value.includes('\n')) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: false });
}

