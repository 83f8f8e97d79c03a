/**
 * RFC 6902 with the semantics Karmada gets from evanphx/json-patch: `replace` and `remove` need the path to exist,
 * `add` needs the parent, negative array indices count from the end. fast-json-patch does the patching with
 * validation on and its prototype-pollution ban in place; the checks here come first because fast-json-patch treats
 * inherited properties (`constructor`, `toString`) as present and does not know negative indices.
 */
// The default import: Node loads this package as CommonJS (no named ESM exports), bundlers as ESM; both have it.
import jsonpatch from 'fast-json-patch';
import { cloneJson } from './clone.js';
import { hasOwn, isArrayIndexToken, parsePointer, pointerOf } from './json-pointer.js';
import { OverrideFailure, describeError } from './override-failure.js';
import { writableAt } from './writable.js';
import { isPlainObject } from '../util/json.js';

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

/**
 * Applies `ops` in order to `doc`, which is changed in place: pass a copy (its root writable; frozen nodes below are
 * copied on write). Returns the patched document (a new one when an operation replaces the root). Throws
 * OverrideFailure with `fieldOf(index)` as its field.
 */
export function applyStrictPatch(doc: unknown, ops: readonly PatchOperation[], fieldOf: (index: number) => string): unknown {
  let current = doc;
  ops.forEach((op, index) => {
    try {
      current = applyOne(current, op);
    } catch (err) {
      throw new OverrideFailure(fieldOf(index), `${op.op} ${JSON.stringify(op.path)}: ${describeError(err)}`);
    }
  });
  return current;
}

function applyOne(doc: unknown, op: PatchOperation): unknown {
  if (op.op !== 'add' && op.op !== 'remove' && op.op !== 'replace') {
    throw new Error(`unsupported operator ${JSON.stringify(op.op)} (add, remove or replace)`);
  }
  if (typeof op.path !== 'string') throw new Error('path must be a string');
  const tokens = parsePointer(op.path);
  if (tokens === null) throw new Error('a JSON pointer must be empty or start with "/"');
  if (tokens.some((t, i) => t === '__proto__' || (t === 'prototype' && tokens[i - 1] === 'constructor'))) {
    throw new Error('path is not allowed');
  }
  const needsValue = op.op !== 'remove';
  if (needsValue && op.value === undefined) throw new Error('value is required');
  if (tokens.length === 0) {
    if (op.op === 'remove') throw new Error('cannot remove the whole object');
    return cloneJson(op.value);
  }
  const normalized = resolveTarget(doc, tokens, op.op);
  writableAt(doc as object, normalized.slice(0, -1));
  const path = normalized.every((t, i) => t === tokens[i]) ? op.path : pointerOf(normalized);
  const operation = needsValue ? { op: op.op, path, value: cloneJson(op.value) } : { op: op.op, path };
  // validate = true, mutateDocument = true (doc is the caller's copy), banPrototypeModifications = true.
  return jsonpatch.applyOperation(doc, operation as never, true, true, true).newDocument;
}

/** The target's tokens with negative array indices made absolute; throws when the target cannot be reached. */
function resolveTarget(doc: unknown, tokens: readonly string[], op: string): string[] {
  const out: string[] = [];
  let parent: unknown = doc;
  for (let i = 0; i < tokens.length; i++) {
    const last = i === tokens.length - 1;
    let token = tokens[i]!;
    if (Array.isArray(parent)) {
      token = arrayIndex(parent.length, token, last ? op : 'get');
    } else if (isPlainObject(parent)) {
      if (!hasOwn(parent, token) && (!last || op !== 'add')) {
        throw new Error(`${pointerOf([...out, token])} does not exist`);
      }
    } else {
      throw new Error(`${pointerOf(out) || 'the document'} is not an object or array`);
    }
    out.push(token);
    if (!last) parent = Array.isArray(parent) ? parent[Number(token)] : (parent as Record<string, unknown>)[token];
  }
  return out;
}

function arrayIndex(length: number, token: string, op: string): string {
  if (token === '-') {
    if (op === 'add') return '-';
    throw new Error('"-" (end of array) is only valid for add');
  }
  let index: number;
  if (isArrayIndexToken(token)) index = Number(token);
  else if (/^-[1-9][0-9]*$/.test(token)) index = length + Number(token);
  else throw new Error(`${JSON.stringify(token)} is not an array index`);
  const limit = op === 'add' ? length : length - 1;
  if (index < 0 || index > limit) throw new Error(`index ${token} is out of range (array has ${length} elements)`);
  return String(index);
}
