/**
 * The libraries scripts see. Both flavors get base, table, string and math with gopher-lua's Lua 5.1 extras
 * (unpack, table.getn/maxn, math.pow/mod, string.gfind) and gopher's string.format/tonumber/floor rules; no io,
 * debug, package, coroutine, load/dofile/loadfile or string.dump. `require` only knows preloaded modules.
 * - karmada: Karmada's environment: safe `os` {time, date}, `require("kube")`, the 14 globals Karmada replaces
 *   with erroring stand-ins, string.gsub/rep raising, string arguments capped at 1,000,000 bytes.
 * - argo: Argo CD's built-in scripts' environment minus the unsafe parts: safe `os` {time, date, clock};
 *   `require("os")` returns the same table.
 */
import type { Fengari, JsFunction, LuaState } from './fengari.js';
import type { LuaConverter } from './convert.js';
import { goFormat, type FormatArg } from './go-format.js';
import { osClock, osDate, osTime } from './oslib.js';
import { KUBE_FUNCTIONS } from './kube-lib.js';

export type LuaFlavor = 'karmada' | 'argo';

const KARMADA_STAND_INS = ['collectgarbage', 'dofile', 'getfenv', 'getmetatable', 'load', 'loadfile', 'loadstring', 'rawequal', 'rawget', 'rawset', 'setfenv', 'setmetatable', 'module', 'newproxy'];
const KARMADA_UNSUPPORTED_STRING = ['dump', 'gsub', 'rep'];
const MAX_STRING_ARGUMENT = 1_000_000;

const PRELUDE = `
local string, table, math, pairs, type, error, select = string, table, math, pairs, type, error, select
unpack = table.unpack
table.getn = function(t) return #t end
table.maxn = function(t)
  local max = 0
  for k in pairs(t) do if type(k) == 'number' and k > max then max = k end end
  return max
end
math.pow = function(x, y) return x ^ y end
math.mod = math.fmod
string.gfind = string.gmatch
load, dofile, loadfile, loadstring, string.dump, string.pack, string.unpack, string.packsize = nil
math.tointeger, math.ult, math.type, math.maxinteger, math.mininteger = nil
local LIMIT = ...
local rep, concat, gsub = string.rep, table.concat, string.gsub
-- Library calls run without instruction hooks: refuse results too large to build before building them.
string.rep = function(s, n, sep)
  local size = #tostring(s) * (n or 0) + (sep and #tostring(sep) * ((n or 1) - 1) or 0)
  if size > LIMIT then error('memory limit exceeded: string.rep would build ' .. size .. ' bytes', 2) end
  return rep(s, n, sep)
end
table.concat = function(t, sep, i, j)
  local size, first, last = 0, i or 1, j or #t
  for k = first, last do local v = t[k]; size = size + (type(v) == 'string' and #v or 24) end
  size = size + (sep and #sep or 0) * (last - first)
  if size > LIMIT then error('memory limit exceeded: table.concat would build ' .. size .. ' bytes', 2) end
  return concat(t, sep, i, j)
end
string.gsub = function(s, pattern, repl, n)
  if type(repl) == 'string' and (#tostring(s) + 1) * #repl > LIMIT * 4 then
    error('memory limit exceeded: string.gsub could build more than ' .. LIMIT .. ' bytes', 2)
  end
  return gsub(s, pattern, repl, n)
end
`;

const KARMADA_PRELUDE = `
local error, type, select, string = error, type, select, string
local names, unsupported, MAX = ...
for _, name in ipairs(names) do
  _G[name] = function() error('call function ' .. name .. ' is not supported in karmada customized resourceinterpreter.') end
end
for _, name in ipairs(unsupported) do
  string[name] = function()
    error('The Lua function string.' .. name .. ' is not supported by Karmada. If you believe this function is essential for your use case, please submit an issue to let us know why you need it.')
  end
end
for name, f in pairs(string) do
  string[name] = function(...)
    for i = 1, select('#', ...) do
      local v = select(i, ...)
      if type(v) == 'string' and #v > MAX then
        error(string.format('string length %d exceeds the maximum allowed input string length %d in Karmada lua string lib, please check your lua script.', #v, MAX))
      end
    end
    return f(...)
  end
end
`;

export function installLibraries(api: Fengari, L: LuaState, flavor: LuaFlavor, converter: LuaConverter, print: (line: string) => void): void {
  const { lua, lauxlib, lualib } = api;
  lua_atnativeerror(api, L);
  for (const [name, open] of [
    ['_G', lualib.luaopen_base],
    ['table', lualib.luaopen_table],
    ['string', lualib.luaopen_string],
    ['math', lualib.luaopen_math],
  ] as const) {
    lauxlib.luaL_requiref(L, api.to_luastring(name), open, 1);
    lua.lua_pop(L, 1);
  }
  converter.lazy.install(L);
  setField(api, L, 'string', 'format', jsStringFormat(api));
  setGlobal(api, L, 'tonumber', jsToNumber(api));
  setField(api, L, 'math', 'floor', jsRounding(api, Math.floor));
  setField(api, L, 'math', 'ceil', jsRounding(api, Math.ceil));
  for (const [name, fn] of Object.entries(LUA51_MATH)) setField(api, L, 'math', name, jsMath(api, fn));
  setGlobal(api, L, 'print', jsPrint(api, print));
  runPrelude(api, L, PRELUDE, [16 * 1024 * 1024]);

  const os = flavor === 'karmada' ? { time: osTime, date: osDate } : { time: osTime, date: osDate, clock: osClock };
  lua.lua_createtable(L, 0, 3);
  for (const [name, fn] of Object.entries(os)) {
    lua.lua_pushjsfunction(L, fn(api));
    lua.lua_setfield(L, -2, api.to_luastring(name));
  }
  lua.lua_setglobal(L, api.to_luastring('os'));
  const modules: Record<string, () => void> = {
    kube: () => pushKube(api, L, converter),
    ...(flavor === 'argo' ? { os: () => void lua.lua_getglobal(L, api.to_luastring('os')) } : {}),
  };
  setGlobal(api, L, 'require', jsRequire(api, modules));
  if (flavor === 'karmada') runPrelude(api, L, KARMADA_PRELUDE, [KARMADA_STAND_INS, KARMADA_UNSUPPORTED_STRING, MAX_STRING_ARGUMENT]);
  installEnvMetatable(api, L);
}

function lua_atnativeerror(api: Fengari, L: LuaState): void {
  // A JavaScript exception inside a library call (e.g. an allocation failure) becomes a Lua error, so the state
  // unwinds cleanly instead of being left mid-call.
  const lapi = api.lua as unknown as { lua_atnativeerror(L: LuaState, f: JsFunction): void; lua_touserdata(L: LuaState, i: number): unknown };
  lapi.lua_atnativeerror(L, (s) => {
    const e = lapi.lua_touserdata(s, -1);
    const text = e instanceof RangeError ? `memory limit exceeded: ${e.message}` : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    api.lua.lua_pushstring(s, api.to_luastring(text));
    return 1;
  });
}

function installEnvMetatable(api: Fengari, L: LuaState): void {
  const { lua } = api;
  lua.lua_createtable(L, 0, 1);
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, 2 /* LUA_RIDX_GLOBALS */);
  lua.lua_setfield(L, -2, api.to_luastring('__index'));
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, api.to_luastring('flotilla.env'));
}

function runPrelude(api: Fengari, L: LuaState, code: string, args: unknown[]): void {
  const { lua, lauxlib } = api;
  const chunk = api.to_luastring(code);
  if (lauxlib.luaL_loadbufferx(L, chunk, chunk.length, api.to_luastring('=prelude'), null) !== lua.LUA_OK) throw new Error(lua.lua_tojsstring(L, -1));
  for (const a of args) pushPlain(api, L, a);
  if (lua.lua_pcall(L, args.length, 0, 0) !== lua.LUA_OK) throw new Error(lua.lua_tojsstring(L, -1));
}

function pushPlain(api: Fengari, L: LuaState, v: unknown): void {
  if (typeof v === 'number') api.lua.lua_pushnumber(L, v);
  else if (Array.isArray(v)) {
    api.lua.lua_createtable(L, v.length, 0);
    v.forEach((s, i) => {
      api.lua.lua_pushstring(L, api.to_luastring(String(s)));
      api.lua.lua_rawseti(L, -2, i + 1);
    });
  }
}

function setGlobal(api: Fengari, L: LuaState, name: string, fn: JsFunction): void {
  api.lua.lua_pushjsfunction(L, fn);
  api.lua.lua_setglobal(L, api.to_luastring(name));
}

function setField(api: Fengari, L: LuaState, table: string, name: string, fn: JsFunction): void {
  api.lua.lua_getglobal(L, api.to_luastring(table));
  api.lua.lua_pushjsfunction(L, fn);
  api.lua.lua_setfield(L, -2, api.to_luastring(name));
  api.lua.lua_pop(L, 1);
}

function jsStringFormat(api: Fengari): JsFunction {
  const { lua, lauxlib } = api;
  return (L) => {
    const top = lua.lua_gettop(L);
    if (lua.lua_type(L, 1) !== lua.LUA_TSTRING && lua.lua_type(L, 1) !== lua.LUA_TNUMBER) {
      return lauxlib.luaL_error(L, api.to_luastring("bad argument #1 to format (string expected)"));
    }
    const fmt = lua.lua_tojsstring(L, 1);
    const args: FormatArg[] = [];
    for (let i = 2; i <= top; i++) args.push(formatArg(api, L, i));
    lua.lua_pushstring(L, api.to_luastring(goFormat(fmt, args)));
    return 1;
  };
}

function formatArg(api: Fengari, L: LuaState, i: number): FormatArg {
  const { lua, lauxlib } = api;
  const type = lua.lua_type(L, i);
  if (type === lua.LUA_TNUMBER) return { kind: 'number', value: lua.lua_tonumber(L, i) };
  if (type === lua.LUA_TSTRING) return { kind: 'string', value: lua.lua_tojsstring(L, i) };
  const text = api.to_jsstring(lauxlib.luaL_tolstring(L, i));
  lua.lua_pop(L, 1);
  const goType = type === lua.LUA_TBOOLEAN ? 'lua.LBool' : type === lua.LUA_TNIL ? '*lua.LNilType' : type === lua.LUA_TTABLE ? '*lua.LTable' : '*lua.LFunction';
  return { kind: 'other', text, goType };
}

/** gopher-lua's tonumber: without a '.', only integers (base prefix 0x allowed); with one, a float. */
function jsToNumber(api: Fengari): JsFunction {
  const { lua } = api;
  return (L) => {
    const type = lua.lua_type(L, 1);
    if (type === lua.LUA_TNUMBER) {
      lua.lua_pushnumber(L, lua.lua_tonumber(L, 1));
      return 1;
    }
    if (type !== lua.LUA_TSTRING) {
      lua.lua_pushnil(L);
      return 1;
    }
    const n = goToNumber(lua.lua_tojsstring(L, 1), lua.lua_type(L, 2) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, 2) : undefined);
    if (n === undefined) lua.lua_pushnil(L);
    else lua.lua_pushnumber(L, n);
    return 1;
  };
}

export function goToNumber(input: string, base: number | undefined): number | undefined {
  let s = input.replace(/^[ \n\t]+|[ \n\t]+$/g, '');
  if (s.includes('.')) {
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
    return Number(s);
  }
  let radix = base ?? 10;
  if (base === undefined && /^0x/i.test(s)) {
    radix = 16;
    s = s.slice(2);
  }
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, radix);
  const m = /^([-+]?)(.+)$/.exec(s);
  if (!m || ![...m[2]!.toLowerCase()].every((c) => digits.includes(c))) return undefined;
  const value = parseInt(m[2]!, radix);
  return m[1] === '-' ? -value : value;
}

/** Lua 5.1's math functions that 5.3 dropped; gopher-lua (and so Argo CD and Karmada) still has them. */
const LUA51_MATH: Record<string, (...args: number[]) => number[]> = {
  atan2: (y, x) => [Math.atan2(y!, x!)],
  cosh: (x) => [Math.cosh(x!)],
  sinh: (x) => [Math.sinh(x!)],
  tanh: (x) => [Math.tanh(x!)],
  log10: (x) => [Math.log10(x!)],
  ldexp: (m, e) => [m! * 2 ** Math.trunc(e!)],
  frexp: (x) => frexp(x!),
};

/** C's frexp: x = m · 2^e with 0.5 ≤ |m| < 1 (0, ±Inf and NaN come back as they are, with e = 0). */
function frexp(x: number): number[] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = x * 2 ** -e;
  // log2 can be off by one near powers of two; bring m into range.
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e--;
  }
  while (Math.abs(m) >= 1) {
    m /= 2;
    e++;
  }
  return [m, e];
}

function jsMath(api: Fengari, fn: (...args: number[]) => number[]): JsFunction {
  const { lua, lauxlib } = api;
  return (L) => {
    const args: number[] = [];
    for (let i = 1; i <= fn.length; i++) {
      const t = lua.lua_type(L, i);
      if (t !== lua.LUA_TNUMBER && t !== lua.LUA_TSTRING) return lauxlib.luaL_error(L, api.to_luastring(`bad argument #${i} (number expected)`));
      args.push(lua.lua_tonumber(L, i));
    }
    const out = fn(...args);
    for (const n of out) lua.lua_pushnumber(L, n);
    return out.length;
  };
}

function jsRounding(api: Fengari, round: (n: number) => number): JsFunction {
  const { lua, lauxlib } = api;
  return (L) => {
    if (lua.lua_type(L, 1) !== lua.LUA_TNUMBER && lua.lua_type(L, 1) !== lua.LUA_TSTRING) return lauxlib.luaL_error(L, api.to_luastring('bad argument #1 (number expected)'));
    lua.lua_pushnumber(L, round(lua.lua_tonumber(L, 1)));
    return 1;
  };
}

function jsPrint(api: Fengari, print: (line: string) => void): JsFunction {
  const { lua, lauxlib } = api;
  return (L) => {
    const parts: string[] = [];
    for (let i = 1; i <= lua.lua_gettop(L); i++) {
      parts.push(api.to_jsstring(lauxlib.luaL_tolstring(L, i)));
      lua.lua_pop(L, 1);
    }
    print(parts.join('\t'));
    return 0;
  };
}

function jsRequire(api: Fengari, modules: Record<string, () => void>): JsFunction {
  const { lua } = api;
  return (L) => {
    const name = lua.lua_type(L, 1) === lua.LUA_TSTRING ? lua.lua_tojsstring(L, 1) : '';
    const load = Object.hasOwn(modules, name) ? modules[name] : undefined;
    if (load === undefined) return raise(api, L, `module ${name} not found: only preloaded modules can be required`);
    load();
    return 1;
  };
}

/** The kube module: built once per state and shared by every call, as `require` caches it in Karmada's VMs. */
function pushKube(api: Fengari, L: LuaState, converter: LuaConverter): void {
  const { lua } = api;
  const registryKey = api.to_luastring('flotilla.kube');
  if (lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, registryKey) === lua.LUA_TTABLE) return;
  lua.lua_pop(L, 1);
  lua.lua_createtable(L, 0, 4);
  for (const [name, fn] of Object.entries(KUBE_FUNCTIONS)) {
    lua.lua_pushjsfunction(L, kubeFunction(api, converter, fn));
    lua.lua_setfield(L, -2, api.to_luastring(name));
  }
  lua.lua_pushvalue(L, -1);
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, registryKey);
}

/** Adapts a kube library function over JSON values to a Lua function: errors become Lua errors. */
function kubeFunction(api: Fengari, converter: LuaConverter, fn: (args: KubeArg[]) => unknown): JsFunction {
  const { lua } = api;
  return (L) => {
    const args: KubeArg[] = [];
    for (let i = 1; i <= lua.lua_gettop(L); i++) {
      const r = converter.read(L, i, true);
      if (r.type === 'table' && r.encodeError !== undefined) return raise(api, L, r.encodeError);
      args.push(r.type === 'nil' ? { type: 'nil' } : r.type === 'table' || r.type === 'string' || r.type === 'number' || r.type === 'boolean' ? { type: r.type, value: r.value } : { type: r.type });
    }
    let result: unknown;
    try {
      result = fn(args);
    } catch (e) {
      return raise(api, L, e instanceof Error ? e.message : String(e));
    }
    converter.push(L, result);
    return 1;
  };
}

/** A kube function's argument: its Lua type and, for plain values and tables, its JSON value. */
export interface KubeArg {
  type: 'nil' | 'boolean' | 'number' | 'string' | 'table' | 'function' | 'userdata' | 'thread';
  value?: unknown;
}

/** Raises `message` as a Lua error with the caller's position, like gopher-lua's RaiseError (no format directives). */
export function raise(api: Fengari, L: LuaState, message: string): number {
  const { lua, lauxlib } = api;
  lauxlib.luaL_where(L, 1);
  lua.lua_pushstring(L, api.to_luastring(message));
  lua.lua_concat(L, 2);
  return lua.lua_error(L);
}
