/**
 * Values across the JS ↔ Lua boundary with gopher-json's rules, which both Karmada and Argo CD use: JSON nulls
 * vanish on the way in (map keys absent, arrays compacted); on the way out an empty table is `[]`, a table whose
 * keys are 1..n is an array, a table of string keys an object, anything else an error.
 */
import type { Fengari, LuaState, LuaString } from './fengari.js';

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
  private readonly keys = new Map<string, LuaString>();

  constructor(private readonly api: Fengari) {}

  /** Lua string for a JSON key, cached: the same few hundred keys recur in every object. */
  key(s: string): LuaString {
    let k = this.keys.get(s);
    if (k === undefined) {
      k = this.api.to_luastring(s);
      if (this.keys.size < 10_000) this.keys.set(s, k);
    }
    return k;
  }

  push(L: LuaState, value: unknown): void {
    const { lua } = this.api;
    if (value === null || value === undefined) lua.lua_pushnil(L);
    else if (typeof value === 'boolean') lua.lua_pushboolean(L, value);
    else if (typeof value === 'number') lua.lua_pushnumber(L, value);
    else if (typeof value === 'string') lua.lua_pushstring(L, this.api.to_luastring(value));
    else if (Array.isArray(value)) this.pushArray(L, value);
    else if (typeof value === 'object') this.pushObject(L, value as Record<string, unknown>);
    else lua.lua_pushnil(L);
  }

  private pushArray(L: LuaState, items: unknown[]): void {
    const { lua } = this.api;
    this.api.lauxlib.luaL_checkstack(L, 3, null);
    lua.lua_createtable(L, items.length, 0);
    let i = 0;
    for (const item of items) {
      if (item === null || item === undefined) continue;
      this.push(L, item);
      lua.lua_rawseti(L, -2, ++i);
    }
  }

  private pushObject(L: LuaState, obj: Record<string, unknown>): void {
    const { lua } = this.api;
    this.api.lauxlib.luaL_checkstack(L, 3, null);
    lua.lua_createtable(L, 0, 0);
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      if (v === null || v === undefined) continue;
      lua.lua_pushstring(L, this.key(k));
      this.push(L, v);
      lua.lua_rawset(L, -3);
    }
  }

  /** The value at `idx` as the operations see it; tables are encoded to JSON (errors kept, not thrown). */
  read(L: LuaState, idx: number): LuaResult {
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
          return { type: 'table', value: this.encodeTable(L, lua.lua_absindex(L, idx), new Set()) };
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

  /** gopher-json Encode of the value at `idx` (absolute index), throwing JsonEncodeError. */
  encode(L: LuaState, idx: number, seen: Set<unknown>): JsonValue {
    const { lua } = this.api;
    switch (lua.lua_type(L, idx)) {
      case lua.LUA_TNIL:
        return null;
      case lua.LUA_TBOOLEAN:
        return lua.lua_toboolean(L, idx);
      case lua.LUA_TNUMBER: {
        const n = lua.lua_tonumber(L, idx);
        if (!Number.isFinite(n)) throw new JsonEncodeError(`json: unsupported value: ${n}`);
        return n;
      }
      case lua.LUA_TSTRING:
        return lua.lua_tojsstring(L, idx);
      case lua.LUA_TTABLE:
        return this.encodeTable(L, idx, seen);
      case lua.LUA_TFUNCTION:
        throw new JsonEncodeError('cannot encode function to JSON');
      default:
        throw new JsonEncodeError('cannot encode userdata to JSON');
    }
  }

  private encodeTable(L: LuaState, idx: number, seen: Set<unknown>): JsonValue {
    const { lua } = this.api;
    const ptr = lua.lua_topointer(L, idx);
    if (seen.has(ptr)) throw new JsonEncodeError('cannot encode recursively nested tables to JSON');
    seen.add(ptr);
    this.api.lauxlib.luaL_checkstack(L, 4, null);
    const numeric = new Map<number, JsonValue>();
    const named: [string, JsonValue][] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, idx) !== 0) {
      const keyType = lua.lua_type(L, -2);
      const value = this.encode(L, lua.lua_absindex(L, -1), seen);
      if (keyType === lua.LUA_TSTRING) named.push([lua.lua_tojsstring(L, -2), value]);
      else if (keyType === lua.LUA_TNUMBER) numeric.set(lua.lua_tonumber(L, -2), value);
      else throw new JsonEncodeError('cannot encode mixed or invalid key types');
      lua.lua_pop(L, 1);
    }
    seen.delete(ptr);
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
  const emptyArrays = new Set<string>();
  const emptyObjects = new Set<string>();
  for (const ref of references) collectEmptyPaths(ref, [], emptyArrays, emptyObjects);
  return repairNode(result, [], emptyArrays, emptyObjects) ?? result;
}

function collectEmptyPaths(node: JsonValue, path: string[], arrays: Set<string>, objects: Set<string>): void {
  if (node === null || typeof node !== 'object') return;
  const isArray = Array.isArray(node);
  for (const [key, value] of Object.entries(node)) {
    const p = isArray ? path : [...path, escapePathKey(key)];
    if (Array.isArray(value) && value.length === 0) arrays.add(p.join('.'));
    else if (isPlainObject(value) && Object.keys(value).length === 0) objects.add(p.join('.'));
    else collectEmptyPaths(value, p, arrays, objects);
  }
}

/** Returns the repaired node, or undefined when the node itself must be removed from its parent. */
function repairNode(node: JsonValue, path: string[], arrays: Set<string>, objects: Set<string>): JsonValue | undefined {
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
  for (const [key, value] of Object.entries(node)) {
    const repaired = repairChild(value, [...path, escapePathKey(key)], arrays, objects);
    if (repaired !== undefined) out[key] = repaired;
  }
  return out;
}

function repairChild(value: JsonValue, path: string[], arrays: Set<string>, objects: Set<string>): JsonValue | undefined {
  if (Array.isArray(value) && value.length === 0) {
    const p = path.join('.');
    if (objects.has(p)) return {};
    return arrays.has(p) ? value : undefined;
  }
  return repairNode(value, path, arrays, objects);
}

function escapePathKey(key: string): string {
  return key.replaceAll('.', '\\.').replaceAll(':', '\\:');
}

function isPlainObject(v: unknown): v is Record<string, JsonValue> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
