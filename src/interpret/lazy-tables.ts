/**
 * JSON objects and arrays enter Lua as tables that copy their fields on first touch. A script reads a handful
 * of fields of a resource; copying all of it into fengari costs far more than running the script (every string
 * is encoded, hashed and stored). A table still holding its source has a metatable whose metamethods copy one
 * level (children stay lazy) and then remove the metatable, so from then on it is an ordinary table.
 *
 * Everything that could see past a metatable is covered: `__index`, `__newindex`, `__len` and `__pairs` for the
 * language and the table library, and wrappers for `next`, `rawget`, `rawset`, `rawlen`, `getmetatable` and
 * `setmetatable`. On the way out, a table never touched is read straight from its source.
 */
import type { Fengari, FengariInternals, JsFunction, LuaInternString, LuaState, LuaTable, LuaTValue } from './fengari.js';
import type { JsonValue } from './convert.js';

/** Base functions that bypass metamethods: each fills a lazy first argument before running. */
const RAW_FUNCTIONS = ['next', 'rawget', 'rawset', 'rawlen', 'getmetatable', 'setmetatable'];
const CACHED_STRING_LENGTH = 128;
const MAX_CACHED_STRINGS = 20_000;

export class LazyTables {
  private readonly sources = new WeakMap<LuaTable, object>();
  private readonly strings = new Map<string, LuaInternString>();
  /** The JS text of the shared strings, so reading them back needs no decoding. */
  private readonly texts = new WeakMap<LuaInternString, string>();
  private readonly encoder = new TextEncoder();
  private metatable: LuaTable | undefined;
  private nextRef = 0;
  /** Reused to pass keys and values to the table functions, which copy them. */
  private readonly keySlot: LuaTValue;
  private readonly valueSlot: LuaTValue;

  constructor(
    private readonly api: Fengari,
    private readonly internals: FengariInternals,
  ) {
    this.keySlot = internals.newValue(internals.tags.string, null);
    this.valueSlot = internals.newValue(internals.tags.boolean, false);
  }

  /** Creates the metatable and wraps the raw functions; call once, with the base library loaded. */
  install(L: LuaState): void {
    const { lua, lauxlib } = this.api;
    lua.lua_getglobal(L, this.api.to_luastring('next'));
    this.nextRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_createtable(L, 0, 4);
    const metamethods: Record<string, JsFunction> = {
      __index: (s) => {
        this.fillArgument(s);
        lua.lua_settop(s, 2);
        lua.lua_rawget(s, 1);
        return 1;
      },
      __newindex: (s) => {
        this.fillArgument(s);
        lua.lua_settop(s, 3);
        lua.lua_rawset(s, 1);
        return 0;
      },
      __len: (s) => {
        this.fillArgument(s);
        lua.lua_pushnumber(s, lua.lua_rawlen(s, 1));
        return 1;
      },
      __pairs: (s) => {
        this.fillArgument(s);
        lua.lua_rawgeti(s, lua.LUA_REGISTRYINDEX, this.nextRef);
        lua.lua_pushvalue(s, 1);
        lua.lua_pushnil(s);
        return 3;
      },
    };
    for (const [name, fn] of Object.entries(metamethods)) {
      lua.lua_pushjsfunction(L, fn);
      lua.lua_setfield(L, -2, this.api.to_luastring(name));
    }
    // Held from JS (fengari's tables live as long as JS references them), so it need not stay on the stack.
    this.metatable = lua.lua_topointer(L, -1) as LuaTable;
    lua.lua_pop(L, 1);
    for (const name of RAW_FUNCTIONS) this.wrapRawFunction(L, name);
  }

  /** Pushes `value` (a non-null object or array) as a lazy table. */
  push(L: LuaState, value: object): void {
    const { lua } = this.api;
    lua.lua_createtable(L, 0, 0);
    const table = lua.lua_topointer(L, -1) as LuaTable;
    if (isEmpty(value)) return;
    table.metatable = this.metatable ?? null;
    this.sources.set(table, value);
  }

  /**
   * The JSON value a table not yet touched stands for, as reading it back from Lua would give it; else
   * undefined. `share` allows returning the source itself when that is already so (up to key order), for
   * readers that neither keep nor change it.
   */
  untouchedValue(table: LuaTable, share = false): JsonValue | undefined {
    const source = this.sources.get(table);
    if (source === undefined) return undefined;
    return share && isLuaShaped(source) ? (source as JsonValue) : asLuaSeesIt(source);
  }

  /** A Lua string for `s`; short ones are shared, since the same keys and values recur in every object. */
  string(L: LuaState, s: string): LuaInternString {
    let ts = this.strings.get(s);
    if (ts === undefined) {
      ts = this.internals.newString(L, this.encoder.encode(s));
      if (s.length <= CACHED_STRING_LENGTH && this.strings.size < MAX_CACHED_STRINGS) {
        this.strings.set(s, ts);
        this.texts.set(ts, s);
      }
    }
    return ts;
  }

  /** The JS string of a Lua string, as `lua_tojsstring` gives it. */
  jsString(ts: LuaInternString): string {
    return this.texts.get(ts) ?? this.internals.jsString(ts);
  }

  private fillArgument(L: LuaState): void {
    if (this.api.lua.lua_type(L, 1) === this.api.lua.LUA_TTABLE) this.fill(L, this.api.lua.lua_topointer(L, 1) as LuaTable);
  }

  /** Copies one level of the table's source into it and makes it an ordinary table. */
  private fill(L: LuaState, table: LuaTable): void {
    const source = this.sources.get(table);
    if (source === undefined) return;
    this.sources.delete(table);
    table.metatable = null;
    const { setField, setIndex } = this.internals;
    if (Array.isArray(source)) {
      let index = 0;
      for (const item of source as unknown[]) {
        if (item === null || item === undefined) continue;
        setIndex(table, ++index, this.valueOf(L, item));
      }
      return;
    }
    const key = this.keySlot;
    for (const name of Object.keys(source)) {
      const item = (source as Record<string, unknown>)[name];
      if (item === null || item === undefined) continue;
      key.value = this.string(L, name);
      setField(L, table, key, this.valueOf(L, item));
    }
  }

  private valueOf(L: LuaState, item: unknown): LuaTValue {
    const slot = this.valueSlot;
    const { tags } = this.internals;
    switch (typeof item) {
      case 'string':
        slot.type = tags.string;
        slot.value = this.string(L, item);
        break;
      case 'number':
        slot.type = tags.number;
        slot.value = item;
        break;
      case 'boolean':
        slot.type = tags.boolean;
        slot.value = item;
        break;
      default: {
        const child = this.internals.newTable(L);
        if (!isEmpty(item as object)) {
          child.metatable = this.metatable ?? null;
          this.sources.set(child, item as object);
        }
        slot.type = tags.table;
        slot.value = child;
      }
    }
    return slot;
  }

  private wrapRawFunction(L: LuaState, name: string): void {
    const { lua, lauxlib } = this.api;
    lua.lua_getglobal(L, this.api.to_luastring(name));
    const original = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_pushjsfunction(L, (s) => {
      this.fillArgument(s);
      const nargs = lua.lua_gettop(s);
      lua.lua_rawgeti(s, lua.LUA_REGISTRYINDEX, original);
      lua.lua_insert(s, 1);
      lua.lua_call(s, nargs, lua.LUA_MULTRET);
      return lua.lua_gettop(s);
    });
    lua.lua_setglobal(L, this.api.to_luastring(name));
  }
}

function isEmpty(value: object): boolean {
  if (Array.isArray(value)) return value.every((v) => v === null || v === undefined);
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== null && v !== undefined) return false;
  }
  return true;
}

/** Whether Lua would give `value` back unchanged but for key order: no nulls and no empty objects anywhere. */
function isLuaShaped(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (!isLuaShaped(item)) return false;
    return true;
  }
  let empty = true;
  for (const k in value) {
    if (!isLuaShaped((value as Record<string, unknown>)[k])) return false;
    empty = false;
  }
  return !empty;
}

/**
 * A JSON value as it comes back out of Lua (gopher-json): nulls gone, arrays compacted, object keys in byte
 * order, and an empty object or array an empty array.
 */
export function asLuaSeesIt(value: unknown): JsonValue {
  if (value === null || typeof value !== 'object') return value as JsonValue;
  if (Array.isArray(value)) {
    const items: JsonValue[] = [];
    for (const item of value as unknown[]) if (item !== null && item !== undefined) items.push(asLuaSeesIt(item));
    return items;
  }
  const source = value as Record<string, unknown>;
  const keys: string[] = [];
  let sorted = true;
  for (const k of Object.keys(source)) {
    if (source[k] === null || source[k] === undefined) continue;
    if (keys.length > 0 && keys[keys.length - 1]! > k) sorted = false;
    keys.push(k);
  }
  if (keys.length === 0) return [];
  if (!sorted) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: { [key: string]: JsonValue } = {};
  for (const k of keys) setOwn(out, k, asLuaSeesIt(source[k]));
  return out;
}

/** `out[key] = value`, also for the key `__proto__`, which plain assignment would take as the prototype. */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
