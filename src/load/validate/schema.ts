/**
 * A small declarative reader for Kubernetes-style objects: type checks, enums, ranges, required and unknown
 * fields, each reported with its field path, plus `refine` hooks for rules across fields. Below the top, whatever
 * has an error is left out; the top-level value comes back with its clean parts, and whether a partly valid
 * object is used is the caller's decision.
 */
import type { FieldPath } from '../parse/field-path.js';
import { describeValue, oneOf } from './problems.js';
import { setOwn } from '../parse/json.js';
import type { LocateOptions } from '../parse/yaml-ast.js';
import { type JsonObject, isPlainObject } from '../../util/json.js';

export interface Reporter {
  error(path: FieldPath, message: string, options?: LocateOptions): void;
  warning(path: FieldPath, message: string, options?: LocateOptions): void;
  /** The scalar at `path` as written in the file (`1e308`, `.inf`), when known: a message shows what the user wrote. */
  written?(path: FieldPath): string | undefined;
}

interface SchemaCommon {
  /**
   * Rules that need the whole value; runs only when the value itself could be read. `raw` is the value as
   * written, for rules about what is present (entries with errors are already left out of `value`).
   */
  refine?(value: unknown, path: FieldPath, report: Reporter, raw: unknown): void;
}

export type Schema = SchemaCommon &
  (
    | { type: 'string'; enum?: readonly string[]; check?: (value: string) => string | null; numbersAsStrings?: boolean }
    | { type: 'integer'; min: number; max: number }
    | { type: 'number'; min?: number; max?: number }
    | { type: 'boolean' }
    | { type: 'any' }
    | { type: 'array'; items: Schema }
    | { type: 'map'; values: Schema; key?: (key: string) => string | null }
    | { type: 'object'; fields: Readonly<Record<string, Field>>; unknownFields?: 'error' | 'warning' | 'ignore' }
  );

export interface Field {
  schema: Schema;
  required?: boolean;
  /** A field Karmada knows that Flotilla does not use: `true` drops it silently, a string is the warning. */
  dropped?: true | string;
}

export const INT32_MAX = 2147483647;
export const INT32_MIN = -2147483648;

/** The value read (undefined when unusable) and whether anything inside it was wrong. */
interface Read {
  value: unknown;
  clean: boolean;
}

const BAD: Read = { value: undefined, clean: false };

export function readValue(schema: Schema, value: unknown, path: FieldPath, report: Reporter): unknown {
  return read(schema, value, path, report).value;
}

/**
 * What has an error is left out where it is contained: a list item or mapping entry with an error is dropped
 * (the list stays), and an object with a wrong field is itself wrong, so a half-read object (a taint without
 * its effect, a secretRef without its name) never reaches the model. The top-level value keeps its clean parts.
 */
function read(schema: Schema, value: unknown, path: FieldPath, report: Reporter): Read {
  const out = readInner(schema, value, path, report);
  if (out.value === undefined || !schema.refine) return out;
  let refineErrors = 0;
  schema.refine(out.value, path, { error: (...args) => (refineErrors++, report.error(...args)), warning: (...args) => report.warning(...args) }, value);
  return refineErrors > 0 ? { value: out.value, clean: false } : out;
}

function typeError(path: FieldPath, expected: string, value: unknown, report: Reporter): Read {
  const hint = expected === 'a string' && (typeof value === 'number' || typeof value === 'boolean') ? '; quote it' : '';
  report.error(path, `expected ${expected}, got ${shown(value, path, report)}${hint}`);
  return BAD;
}

/**
 * A number as the user wrote it: `9007199254740993` reads as 9007199254740992 and `1e308` prints as 1e+308, so
 * echoing the parsed value would show something that is not in the file.
 */
function shown(value: unknown, path: FieldPath, report: Reporter): string {
  return (typeof value === 'number' && report.written?.(path)) || describeValue(value);
}

function rangeText(schema: { type: 'integer' | 'number'; min?: number; max?: number }): string {
  const what = schema.type === 'integer' ? 'an integer' : 'a number';
  if (schema.min !== undefined && schema.max !== undefined) return `${what} between ${schema.min} and ${schema.max}`;
  if (schema.min !== undefined) return `${what} of at least ${schema.min}`;
  if (schema.max !== undefined) return `${what} of at most ${schema.max}`;
  return what;
}

function problem(path: FieldPath, message: string, report: Reporter): Read {
  report.error(path, message);
  return BAD;
}

const ok = (value: unknown): Read => ({ value, clean: true });

function readInner(schema: Schema, value: unknown, path: FieldPath, report: Reporter): Read {
  switch (schema.type) {
    case 'any':
      return ok(value);
    case 'string': {
      if (schema.enum) {
        if (typeof value !== 'string' || !schema.enum.includes(value)) return typeError(path, oneOf(schema.enum), value, report);
        return ok(value);
      }
      if (schema.numbersAsStrings && typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
      if (typeof value !== 'string') return typeError(path, 'a string', value, report);
      const wrong = schema.check?.(value);
      return wrong ? problem(path, wrong, report) : ok(value);
    }
    case 'boolean':
      return typeof value === 'boolean' ? ok(value) : typeError(path, 'true or false', value, report);
    case 'integer':
    case 'number': {
      // Past 2^53 a JS number is no longer the integer that was written, so such values are refused, never rounded.
      const usable = typeof value === 'number' && Number.isFinite(value) && (schema.type === 'number' || Number.isSafeInteger(value));
      const inRange = usable && (schema.min === undefined || value >= schema.min) && (schema.max === undefined || value <= schema.max);
      return inRange ? ok(value) : typeError(path, rangeText(schema), value, report);
    }
    case 'array': {
      if (!Array.isArray(value)) return typeError(path, 'a list', value, report);
      const out: unknown[] = [];
      value.forEach((item, i) => {
        const r = item === null ? typeError([...path, i], describeExpected(schema.items), item, report) : read(schema.items, item, [...path, i], report);
        if (r.clean) out.push(r.value);
      });
      return ok(out);
    }
    case 'map': {
      if (!isPlainObject(value)) return typeError(path, 'a mapping', value, report);
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) {
        const keyProblem = schema.key?.(key);
        if (keyProblem) {
          report.error([...path, key], `key ${keyProblem}`, { key: true });
          continue;
        }
        const r = read(schema.values, item, [...path, key], report);
        if (r.clean) setOwn(out, key, r.value);
      }
      return ok(out);
    }
    case 'object': {
      if (!isPlainObject(value)) return typeError(path, 'a mapping', value, report);
      const out: JsonObject = {};
      let clean = true;
      for (const [key, item] of Object.entries(value)) {
        const field = Object.prototype.hasOwnProperty.call(schema.fields, key) ? schema.fields[key] : undefined;
        if (!field) {
          if (schema.unknownFields === 'error') {
            report.error([...path, key], 'unknown field', { key: true });
            clean = false;
          } else if (schema.unknownFields !== 'ignore') report.warning([...path, key], 'unknown field; ignored', { key: true });
          continue;
        }
        if (field.dropped !== undefined) {
          if (typeof field.dropped === 'string') report.warning([...path, key], field.dropped, { key: true });
          continue;
        }
        // The API server treats an explicit null like an absent field, except inside free-form JSON values.
        if (item === undefined || (item === null && field.schema.type !== 'any')) continue;
        const r = read(field.schema, item, [...path, key], report);
        if (r.clean) setOwn(out, key, r.value);
        else clean = false;
      }
      for (const [key, field] of Object.entries(schema.fields)) {
        const missing = value[key] === undefined || (value[key] === null && field.schema.type !== 'any');
        if (field.required && missing) {
          report.error([...path, key], 'is required');
          clean = false;
        }
      }
      return { value: out, clean };
    }
  }
}

function describeExpected(schema: Schema): string {
  switch (schema.type) {
    case 'string':
      return schema.enum ? oneOf(schema.enum) : 'a string';
    case 'integer':
    case 'number':
      return rangeText(schema);
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'map':
    case 'object':
      return 'a mapping';
    case 'any':
      return 'a value';
  }
}

// Builders, so that schemas read like the API types they mirror.

export const str = (check?: (value: string) => string | null): Schema => ({ type: 'string', ...(check ? { check } : {}) });
export const enumOf = (...values: string[]): Schema => ({ type: 'string', enum: values });
/**
 * Every count in the Kubernetes and Karmada APIs is an int32 (replicas, weights, priorities, group counts): one
 * check for all of them, non-negative unless a narrower or wider range is given.
 */
export const int32 = (min = 0, max = INT32_MAX): Schema => ({ type: 'integer', min: Math.max(min, INT32_MIN), max: Math.min(max, INT32_MAX) });
/** An int64 field (durations in seconds, generations), as far as a JS number holds it exactly. */
export const int64 = (min = 0): Schema => ({ type: 'integer', min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Number.MAX_SAFE_INTEGER });
export const num = (min?: number, max?: number): Schema => ({ type: 'number', ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });
export const bool = (): Schema => ({ type: 'boolean' });
export const anyValue = (): Schema => ({ type: 'any' });
export const listOf = (items: Schema): Schema => ({ type: 'array', items });
export const mapOf = (values: Schema, key?: (key: string) => string | null): Schema => ({ type: 'map', values, ...(key ? { key } : {}) });

type FieldSpec = Schema | Field;

function isField(spec: FieldSpec): spec is Field {
  return 'schema' in spec;
}

export function objectOf(fields: Readonly<Record<string, FieldSpec>>, unknownFields: 'error' | 'warning' | 'ignore' = 'error'): Schema & { type: 'object' } {
  const normalized: Record<string, Field> = {};
  for (const [key, spec] of Object.entries(fields)) normalized[key] = isField(spec) ? spec : { schema: spec };
  return { type: 'object', fields: normalized, unknownFields };
}

export const required = (schema: Schema): Field => ({ schema, required: true });
export const dropped = (warning?: string): Field => ({ schema: { type: 'any' }, dropped: warning ?? true });

/** The same schema with a cross-field rule attached. */
export function refined<S extends Schema>(schema: S, refine: NonNullable<SchemaCommon['refine']>): S {
  return { ...schema, refine };
}
