/**
 * Globals a script takes over from the libraries. Each call's environment reads through to the library globals
 * (its metatable's `__index` is the globals table), so a script that assigns a library name and later sets it to
 * nil would read the library value again. gopher-lua has one globals table: there the name then reads nil, and a
 * script doing `error = status.error` must see nil when the field is absent, not the `error` function.
 *
 * The first assignment of a library name moves that environment to a second metatable that remembers the names
 * the script has taken over; environments of scripts that never do so keep the fast table lookup.
 */
import type { Fengari, JsFunction, LuaState, LuaTable } from './fengari.js';

const GLOBALS_INDEX = 2; // LUA_RIDX_GLOBALS
const SHADOWING_METATABLE = 'flotilla.env.shadowing';

/** Adds `__newindex` to the environment metatable stored in the registry under `envMetatable`. */
export function installGlobalShadowing(api: Fengari, L: LuaState, envMetatable: string): void {
  const { lua } = api;
  const taken = new WeakMap<LuaTable, Set<string>>();

  /** The library name the key at index 2 is, if it is one. */
  const libraryName = (s: LuaState): string | undefined => {
    if (lua.lua_type(s, 2) !== lua.LUA_TSTRING) return undefined;
    lua.lua_rawgeti(s, lua.LUA_REGISTRYINDEX, GLOBALS_INDEX);
    lua.lua_pushvalue(s, 2);
    const found = lua.lua_rawget(s, -2) !== lua.LUA_TNIL;
    lua.lua_pop(s, 2);
    return found ? lua.lua_tojsstring(s, 2) : undefined;
  };
  const rawset = (s: LuaState): number => {
    lua.lua_settop(s, 3);
    lua.lua_rawset(s, 1);
    return 0;
  };

  const firstTakeover: JsFunction = (s) => {
    const name = libraryName(s);
    if (name !== undefined) {
      taken.set(lua.lua_topointer(s, 1) as LuaTable, new Set([name]));
      lua.lua_getfield(s, lua.LUA_REGISTRYINDEX, api.to_luastring(SHADOWING_METATABLE));
      lua.lua_setmetatable(s, 1);
    }
    return rawset(s);
  };
  const laterTakeover: JsFunction = (s) => {
    const name = libraryName(s);
    if (name !== undefined) taken.get(lua.lua_topointer(s, 1) as LuaTable)?.add(name);
    return rawset(s);
  };
  const readThrough: JsFunction = (s) => {
    const key = lua.lua_type(s, 2) === lua.LUA_TSTRING ? lua.lua_tojsstring(s, 2) : undefined;
    if (key !== undefined && taken.get(lua.lua_topointer(s, 1) as LuaTable)?.has(key)) {
      lua.lua_pushnil(s);
      return 1;
    }
    lua.lua_rawgeti(s, lua.LUA_REGISTRYINDEX, GLOBALS_INDEX);
    lua.lua_pushvalue(s, 2);
    lua.lua_rawget(s, -2);
    return 1;
  };

  lua.lua_createtable(L, 0, 2);
  lua.lua_pushjsfunction(L, readThrough);
  lua.lua_setfield(L, -2, api.to_luastring('__index'));
  lua.lua_pushjsfunction(L, laterTakeover);
  lua.lua_setfield(L, -2, api.to_luastring('__newindex'));
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, api.to_luastring(SHADOWING_METATABLE));

  lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, api.to_luastring(envMetatable));
  lua.lua_pushjsfunction(L, firstTakeover);
  lua.lua_setfield(L, -2, api.to_luastring('__newindex'));
  lua.lua_pop(L, 1);
}
