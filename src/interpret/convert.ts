/**
 * Values across the JS ↔ Lua boundary with gopher-json's rules, which both Karmada and Argo CD use: JSON nulls
 * vanish on the way in (map keys absent, arrays compacted); on the way out an empty table is `[]`, a table whose
 * keys are 1..n is an array, a table of string keys an object, anything else an error.
 */
import { fengariInternals, type Fengari, type LuaInternString, type LuaState, type LuaTable, type LuaTValue } from './fengari.js';
import { LazyTables, setOwn } from './lazy-tables.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A Lua result as the operations inspect it: its Lua type and, for tables, the JSON they encode to. */
export type LuaResult =
  | { type: 'nil' }
  | { type: 'boolean'; value: boolean }
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'table'; value: JsonValue; encodeError?: undefined }
  | { type: 'table'; value?: undefined; encodeError: string }
  | { type: 'function' | 'userdata' | 'thread' };

export class LuaConverter {
  readonly lazy: LazyTables;
  private readonly internals = fengariInternals();

  constructor(private readonly api: Fengari) {
    this.lazy = new LazyTables(api, this.internals);
  }

  /** Pushes the Lua string `name`, shared between calls (a table key made once is hashed once). */
  pushKey(L: LuaState, name: string): void {
    this.internals.pushString(L, this.lazy.string(L, name));
  }

  push(L: LuaState, value: unknown): void {
    const { lua } = this.api;
    if (value === null || value === undefined) lua.lua_pushnil(L);
    else if (typeof value === 'boolean') lua.lua_pushboolean(L, value);
    else if (typeof value === 'number') lua.lua_pushnumber(L, value);
    else if (typeof value === 'string') lua.lua_pushstring(L, this.api.to_luastring(value));
    else if (typeof value === 'object') this.lazy.push(L, value);
    else lua.lua_pushnil(L);
  }

  /**
   * The value at `idx` as the operations see it; tables are encoded to JSON (errors kept, not thrown).
   * `readOnly`: the caller neither keeps nor changes the value, so an untouched argument may be shared.
   */
  read(L: LuaState, idx: number, readOnly = false): LuaResult {
    const { lua } = this.api;
    switch (lua.lua_type(L, idx)) {
      case lua.LUA_TNIL:
        return { type: 'nil' };
      case lua.LUA_TBOOLEAN:
        return { type: 'boolean', value: lua.lua_toboolean(L, idx) };
      case lua.LUA_TNUMBER:
        return { type: 'number', value: lua.lua_tonumber(L, idx) };
      case lua.LUA_TSTRING:
        return { type: 'string', value: lua.lua_tojsstring(L, idx) };
      case lua.LUA_TTABLE:
        try {
          const table = lua.lua_topointer(L, idx) as LuaTable;
          const untouched = this.lazy.untouchedValue(table, readOnly);
          return { type: 'table', value: untouched ?? this.encodeTable(table, new Set()) };
        } catch (e) {
          if (e instanceof JsonEncodeError) return { type: 'table', encodeError: e.message };
          throw e;
        }
      case lua.LUA_TFUNCTION:
        return { type: 'function' };
      default:
        return { type: 'userdata' };
    }
  }

  /** gopher-json Encode of a table entry's value, throwing JsonEncodeError. */
  private encodeValue(tv: LuaTValue, seen: Set<unknown>): JsonValue {
    const { types } = this.internals;
    switch (tv.type & 0x0f) {
      case types.nil:
        return null;
      case types.boolean:
        return tv.value as boolean;
      case types.number: {
        const n = tv.value as number;
        if (!Number.isFinite(n)) throw new JsonEncodeError(`json: unsupported value: ${n}`);
        return n;
      }
      case types.string:
        return this.lazy.jsString(tv.value as LuaInternString);
      case types.table:
        return this.encodeTable(tv.value as LuaTable, seen);
      case types.function:
        throw new JsonEncodeError('cannot encode function to JSON');
      default:
        throw new JsonEncodeError('cannot encode userdata to JSON');
    }
  }

  /** Walks the table's entries directly: the stack API would turn every key back into a JS string. */
  private encodeTable(table: LuaTable, seen: Set<unknown>): JsonValue {
    const untouched = this.lazy.untouchedValue(table);
    if (untouched !== undefined) return untouched;
    if (seen.has(table)) throw new JsonEncodeError('cannot encode recursively nested tables to JSON');
    seen.add(table);
    const { types } = this.internals;
    const numeric = new Map<number, JsonValue>();
    const named: [string, JsonValue][] = [];
    for (let e = table.f; e !== undefined; e = e.n) {
      const value = this.encodeValue(e.value, seen);
      const keyType = e.key.type & 0x0f;
      if (keyType === types.string) named.push([this.lazy.jsString(e.key.value as LuaInternString), value]);
      else if (keyType === types.number) numeric.set(e.key.value as number, value);
      else throw new JsonEncodeError('cannot encode mixed or invalid key types');
    }
    seen.delete(table);
    if (named.length > 0 && numeric.size > 0) throw new JsonEncodeError('cannot encode mixed or invalid key types');
    if (named.length > 0) {
      // Go marshals map keys sorted; byte order, never the locale's.
      named.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return Object.fromEntries(named);
    }
    const items: JsonValue[] = [];
    for (let i = 1; i <= numeric.size; i++) {
      if (!numeric.has(i)) throw new JsonEncodeError('cannot encode sparse array');
      items.push(numeric.get(i) as JsonValue);
    }
    return items;
  }
}

export class JsonEncodeError extends Error {}

/**
 * Karmada's repair of empty tables (ConvertLuaResultInto): an output `[]` becomes `{}` where a reference object
 * has an empty object at the same path, stays `[]` where it has an empty array, and is removed otherwise. Paths
 * ignore array indices, as Karmada's do.
 */
export function repairEmptyTables(result: JsonValue, isStruct: boolean, references: JsonValue[]): JsonValue {
  if (Array.isArray(result) && result.length === 0) return isStruct ? {} : [];
  // Only empty arrays are repaired: most results have none, and then the references need no walk.
  if (!hasEmptyArray(result)) return result;
  const emptyArrays = new Set<string>();
  const emptyObjects = new Set<string>();
  for (const ref of references) collectEmptyPaths(ref, '', emptyArrays, emptyObjects);
  // Without reference paths every empty array goes: no need to spell out paths.
  const tracked = emptyArrays.size > 0 || emptyObjects.size > 0;
  return repairNode(result, tracked ? '' : undefined, emptyArrays, emptyObjects) ?? result;
}

function hasEmptyArray(node: JsonValue): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.length === 0 || node.some(hasEmptyArray);
  for (const key in node) if (hasEmptyArray(node[key]!)) return true;
  return false;
}

function childPath(path: string, key: string): string {
  return path === '' ? escapePathKey(key) : `${path}.${escapePathKey(key)}`;
}

function collectEmptyPaths(node: JsonValue, path: string, arrays: Set<string>, objects: Set<string>): void {
  if (node === null || typeof node !== 'object') return;
  const isArray = Array.isArray(node);
  for (const [key, value] of Object.entries(node)) {
    const p = isArray ? path : childPath(path, key);
    if (Array.isArray(value) && value.length === 0) arrays.add(p);
    else if (isPlainObject(value) && Object.keys(value).length === 0) objects.add(p);
    else collectEmptyPaths(value, p, arrays, objects);
  }
}

/** Returns the repaired node, or undefined when the node itself must be removed from its parent. */
function repairNode(node: JsonValue, path: string | undefined, arrays: Set<string>, objects: Set<string>): JsonValue | undefined {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) {
    const out: JsonValue[] = [];
    for (const item of node) {
      const repaired = repairChild(item, path, arrays, objects);
      // sjson.Delete of an array element shifts the rest; mirror that by leaving it out.
      if (repaired !== undefined) out.push(repaired);
    }
    return out;
  }
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(node)) {
    const repaired = repairChild(node[key]!, path === undefined ? undefined : childPath(path, key), arrays, objects);
    if (repaired !== undefined) setOwn(out, key, repaired);
  }
  return out;
}

function repairChild(value: JsonValue, path: string | undefined, arrays: Set<string>, objects: Set<string>): JsonValue | undefined {
  if (Array.isArray(value) && value.length === 0) {
    if (path === undefined) return undefined;
    if (objects.has(path)) return {};
    return arrays.has(path) ? value : undefined;
  }
  return repairNode(value, path, arrays, objects);
}

function escapePathKey(key: string): string {
  return key.replaceAll('.', '\\.').replaceAll(':', '\\:');
}

function isPlainObject(v: unknown): v is Record<string, JsonValue> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
