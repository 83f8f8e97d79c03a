/**
 * fengari (Lua 5.3 in plain JavaScript), loaded with three adjustments that bring it close to gopher-lua, the
 * Lua 5.1 dialect Karmada and Argo CD run scripts with:
 * - every numeral is a float, as gopher-lua has only float64: no 32-bit integer wrap-around (`2^31 - 1 + 1`),
 *   `x % 0` is NaN, and arithmetic on JSON numbers behaves the same whatever their spelling;
 * - numbers print the way gopher-lua prints them (`3` for 3.0, shortest round-trip digits otherwise);
 * - every Lua string created passes a size check, so `s = s .. s` cannot exhaust the process before the
 *   instruction hook gets a chance to stop it;
 * - a string's table key is one character per byte instead of fengari's unpadded hex digits, which is faster and
 *   removes two faults: `"\1\35"` and `"\18\3"` were the same key, and `<` on strings disagreed with byte order
 *   (gopher-lua compares Go strings, byte by byte).
 * The patches must be applied before fengari's modules capture the patched functions, hence the manual load order.
 */
import { createRequire } from 'node:module';
import { goNumberString } from './go-format.js';

export type LuaState = { readonly __brand: 'LuaState'; top: number; ci: CallInfo };
interface CallInfo {
  previous: CallInfo | null;
}
export type LuaString = Uint8Array;
export type JsFunction = (L: LuaState) => number;

export interface LuaApi {
  LUA_OK: number;
  LUA_TNIL: number;
  LUA_TBOOLEAN: number;
  LUA_TNUMBER: number;
  LUA_TSTRING: number;
  LUA_TTABLE: number;
  LUA_TFUNCTION: number;
  LUA_MULTRET: number;
  LUA_MASKCOUNT: number;
  LUA_REGISTRYINDEX: number;
  lua_absindex(L: LuaState, idx: number): number;
  lua_call(L: LuaState, nargs: number, nresults: number): void;
  lua_checkstack(L: LuaState, n: number): boolean;
  lua_createtable(L: LuaState, narr: number, nrec: number): void;
  lua_getfield(L: LuaState, idx: number, k: LuaString): number;
  lua_gettop(L: LuaState): number;
  lua_isinteger(L: LuaState, idx: number): boolean;
  lua_next(L: LuaState, idx: number): number;
  lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
  lua_pop(L: LuaState, n: number): void;
  lua_pushboolean(L: LuaState, b: boolean): void;
  lua_pushjsfunction(L: LuaState, f: JsFunction): void;
  lua_pushnil(L: LuaState): void;
  lua_pushnumber(L: LuaState, n: number): void;
  lua_pushstring(L: LuaState, s: LuaString): void;
  lua_pushvalue(L: LuaState, idx: number): void;
  lua_rawgeti(L: LuaState, idx: number, n: number): number;
  lua_rawlen(L: LuaState, idx: number): number;
  lua_rawget(L: LuaState, idx: number): number;
  lua_gettable(L: LuaState, idx: number): number;
  lua_rawset(L: LuaState, idx: number): void;
  lua_rawseti(L: LuaState, idx: number, n: number): void;
  lua_setfield(L: LuaState, idx: number, k: LuaString): void;
  lua_setglobal(L: LuaState, name: LuaString): void;
  lua_getglobal(L: LuaState, name: LuaString): number;
  lua_sethook(L: LuaState, f: ((L: LuaState) => void) | null, mask: number, count: number): void;
  lua_setmetatable(L: LuaState, idx: number): void;
  lua_settop(L: LuaState, idx: number): void;
  lua_setupvalue(L: LuaState, funcindex: number, n: number): LuaString | null;
  lua_toboolean(L: LuaState, idx: number): boolean;
  lua_tonumber(L: LuaState, idx: number): number;
  lua_tojsstring(L: LuaState, idx: number): string;
  lua_tostring(L: LuaState, idx: number): LuaString | null;
  lua_topointer(L: LuaState, idx: number): unknown;
  lua_type(L: LuaState, idx: number): number;
  lua_insert(L: LuaState, idx: number): void;
  lua_remove(L: LuaState, idx: number): void;
  lua_concat(L: LuaState, n: number): void;
  lua_error(L: LuaState): number;
}

export interface LauxApi {
  luaL_newstate(): LuaState;
  luaL_requiref(L: LuaState, name: LuaString, open: JsFunction, glb: number): void;
  luaL_loadbufferx(L: LuaState, buf: LuaString, size: number, name: LuaString, mode: LuaString | null): number;
  luaL_error(L: LuaState, fmt: LuaString): number;
  luaL_ref(L: LuaState, t: number): number;
  luaL_tolstring(L: LuaState, idx: number): LuaString;
  luaL_checkstack(L: LuaState, n: number, msg: LuaString | null): void;
  luaL_where(L: LuaState, level: number): void;
}

export interface LuaLibs {
  luaopen_base: JsFunction;
  luaopen_table: JsFunction;
  luaopen_string: JsFunction;
  luaopen_math: JsFunction;
  luaopen_os: JsFunction;
}

export interface Fengari {
  lua: LuaApi;
  lauxlib: LauxApi;
  lualib: LuaLibs;
  to_luastring(s: string): LuaString;
  to_jsstring(s: LuaString): string;
}

interface TValue {
  ttisinteger(): boolean;
  setfltvalue(n: number): void;
  value: number;
}

/** Limits checked whenever Lua creates a string; set by the runtime around each call. */
export const stringBudget = {
  active: false,
  /** Largest single string a script may build (bytes). */
  maxString: 16 * 1024 * 1024,
  /** All strings a call may create together (bytes): repeated concatenation adds up. */
  maxTotal: 64 * 1024 * 1024,
  used: 0,
  toLua: (s: string): Uint8Array => new TextEncoder().encode(s),
};

/** A fengari table (internal object); Flotilla only sets its metatable and fills it through FengariInternals. */
export interface LuaTable {
  metatable: LuaTable | null;
  /** First entry of the table's insertion-ordered list (what `next` walks). */
  f: LuaTableEntry | undefined;
}
export interface LuaTableEntry {
  key: LuaTValue;
  value: LuaTValue;
  n: LuaTableEntry | undefined;
}
/** A fengari string object (internal); immutable, so one can sit in many tables. */
export type LuaInternString = { readonly __brand: 'TString' };
export interface LuaTValue {
  type: number;
  value: unknown;
}

/**
 * The few internals of fengari 0.1.5 (pinned exactly) that build tables without the stack: filling a table
 * through the API costs a string copy, a hash and two stack slots per field.
 */
export interface FengariInternals {
  newValue(type: number, value: unknown): LuaTValue;
  newTable(L: LuaState): LuaTable;
  setField(L: LuaState, t: LuaTable, key: LuaTValue, value: LuaTValue): void;
  setIndex(t: LuaTable, index: number, value: LuaTValue): void;
  newString(L: LuaState, bytes: Uint8Array): LuaInternString;
  pushString(L: LuaState, s: LuaInternString): void;
  /** The string as `lua_tojsstring` gives it (invalid UTF-8 becomes U+FFFD). */
  jsString(s: LuaInternString): string;
  tags: { string: number; number: number; boolean: number; table: number };
  /** Base types (a tag & 0x0f). */
  types: { nil: number; boolean: number; number: number; string: number; table: number; function: number };
}

let ldebug: { luaG_runerror(L: LuaState, msg: Uint8Array): never };

const require = createRequire(import.meta.url);
let loaded: Fengari | undefined;

export function fengari(): Fengari {
  loaded ??= loadPatched();
  return loaded;
}

let internals: FengariInternals | undefined;

export function fengariInternals(): FengariInternals {
  fengari();
  if (internals === undefined) {
    const lobject = require('fengari/src/lobject.js') as {
      TValue: new (type: number, value: unknown) => LuaTValue;
      pushsvalue2s(L: LuaState, s: LuaInternString): void;
    };
    const ltable = require('fengari/src/ltable.js') as {
      luaH_new(L: LuaState): LuaTable;
      luaH_setfrom(L: LuaState, t: LuaTable, key: LuaTValue, value: LuaTValue): void;
      luaH_setint(t: LuaTable, key: number, value: LuaTValue): void;
    };
    const lstring = require('fengari/src/lstring.js') as { luaS_bless(L: LuaState, s: Uint8Array): LuaInternString };
    const defs = require('fengari/src/defs.js') as {
      constant_types: Record<string, number>;
      to_jsstring(s: Uint8Array, from: number, to: number, replacement: boolean): string;
    };
    const t = defs.constant_types;
    internals = {
      newValue: (type, value) => new lobject.TValue(type, value),
      newTable: (L) => ltable.luaH_new(L),
      setField: (L, table, key, value) => ltable.luaH_setfrom(L, table, key, value),
      setIndex: (table, index, value) => ltable.luaH_setint(table, index, value),
      newString: (L, bytes) => lstring.luaS_bless(L, bytes),
      pushString: (L, ts) => lobject.pushsvalue2s(L, ts),
      jsString: (ts) => {
        const bytes = (ts as unknown as { realstring: Uint8Array }).realstring;
        return defs.to_jsstring(bytes, 0, bytes.length, true);
      },
      tags: { string: t.LUA_TLNGSTR!, number: t.LUA_TNUMFLT!, boolean: t.LUA_TBOOLEAN!, table: t.LUA_TTABLE! },
      types: { nil: t.LUA_TNIL!, boolean: t.LUA_TBOOLEAN!, number: t.LUA_TNUMBER!, string: t.LUA_TSTRING!, table: t.LUA_TTABLE!, function: t.LUA_TFUNCTION! },
    };
  }
  return internals;
}

function loadPatched(): Fengari {
  // defs.js pulls in luaconf.js in the order fengari expects; requiring luaconf.js first breaks its cycle.
  require('fengari/src/defs.js');
  const conf = require('fengari/src/luaconf.js') as Record<string, unknown>;
  conf.LUA_COMPAT_FLOATSTRING = true;
  conf.lua_number2str = goNumberString;
  const lstring = require('fengari/src/lstring.js') as {
    luaS_bless: (L: LuaState, s: Uint8Array) => unknown;
    luaS_hash: (s: Uint8Array | number[]) => string;
    luaS_hashlongstr: (ts: { hash: string | null; realstring: Uint8Array }) => string;
  };
  const bless = lstring.luaS_bless;
  // Patched before the VM modules load, since they keep their own reference to the function.
  lstring.luaS_bless = (L, s) => {
    if (stringBudget.active) checkStringBudget(L, s.length);
    return bless(L, s);
  };
  lstring.luaS_hash = byteKey;
  lstring.luaS_hashlongstr = (ts) => (ts.hash ??= byteKey(ts.realstring));
  const api = require('fengari') as Fengari;
  ldebug = require('fengari/src/ldebug.js') as typeof ldebug;
  const lobject = require('fengari/src/lobject.js') as { luaO_str2num: (s: Uint8Array, o: TValue) => number };
  const str2num = lobject.luaO_str2num;
  lobject.luaO_str2num = (s, o) => {
    const size = str2num(s, o);
    if (size !== 0 && o.ttisinteger()) o.setfltvalue(o.value);
    return size;
  };
  // Another module loading fengari first would have captured the originals: verify the effect.
  assertPatched(api);
  return api;
}

/** An injective string per byte sequence whose JS order is byte order; "|" keeps it apart from fengari's other keys. */
function byteKey(bytes: Uint8Array | number[]): string {
  let key = '|';
  for (let i = 0; i < bytes.length; i += 8192) {
    const part = ArrayBuffer.isView(bytes) ? bytes.subarray(i, i + 8192) : bytes.slice(i, i + 8192);
    key += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return key;
}

function checkStringBudget(L: LuaState, size: number): void {
  stringBudget.used += size;
  if (size <= stringBudget.maxString && stringBudget.used <= stringBudget.maxTotal) return;
  stringBudget.active = false;
  const what = size > stringBudget.maxString ? `a string of ${size} bytes (limit ${stringBudget.maxString})` : `more than ${stringBudget.maxTotal} bytes of strings`;
  // Raised the way the VM raises its own errors mid-instruction (e.g. "string length overflow"): the API's
  // luaL_error would check stack room a running instruction does not reserve.
  ldebug.luaG_runerror(L, stringBudget.toLua(`memory limit exceeded: the script built ${what}`));
}

function assertPatched(api: Fengari): void {
  const L = api.lauxlib.luaL_newstate();
  api.lauxlib.luaL_requiref(L, api.to_luastring('_G'), api.lualib.luaopen_base, 1);
  const code = api.to_luastring('return tostring(2147483647 + 1) .. "," .. tostring(10 / 2)');
  api.lauxlib.luaL_loadbufferx(L, code, code.length, api.to_luastring('=probe'), null);
  api.lua.lua_call(L, 0, 1);
  const out = api.lua.lua_tojsstring(L, -1);
  if (out !== '2147483648,5') throw new Error(`fengari was loaded before Flotilla could adjust it (probe printed ${out})`);
}
