/**
 * A sandboxed Lua VM for resource interpreter and health scripts. One Lua state per runtime holds the libraries;
 * every call runs the script's compiled chunk in a fresh global environment (reads fall through to the
 * libraries), so one call's globals never leak into the next. Limits: wall-clock time per call (checked every
 * 1,000 instructions), call depth, string sizes and heap growth; a script that breaks one gets a LuaScriptError
 * and the state stays usable.
 */
import { getHeapStatistics } from 'node:v8';
import { fengari, stringBudget, type Fengari, type LuaState } from './fengari.js';
import { LuaConverter, type LuaResult } from './convert.js';
import { installLibraries, type LuaFlavor } from './stdlib.js';
import { installGlobalShadowing } from './global-shadowing.js';

export type { LuaFlavor } from './stdlib.js';

export interface LuaLimits {
  /** Wall-clock budget of one call, compile and argument conversion included (Karmada and Argo CD: 1 s). */
  timeoutMs: number;
  /** Nested Lua calls before "stack overflow" (gopher-lua stops at 256 frames). */
  maxCallDepth: number;
  /** Largest single string a script may build. */
  maxStringBytes: number;
  /** All strings one call may create. */
  maxTotalStringBytes: number;
  /** JS heap growth one call may cause (tables). */
  maxHeapGrowthBytes: number;
}

export const DEFAULT_LIMITS: LuaLimits = {
  timeoutMs: 1000,
  maxCallDepth: 256,
  maxStringBytes: 16 * 1024 * 1024,
  maxTotalStringBytes: 64 * 1024 * 1024,
  maxHeapGrowthBytes: 512 * 1024 * 1024,
};

export type LuaErrorKind = 'syntax' | 'runtime' | 'timeout' | 'memory' | 'missing-function';

/** A script that failed; `line` is the line inside the script (1-based) when Lua names one. */
export class LuaScriptError extends Error {
  constructor(
    message: string,
    readonly kind: LuaErrorKind,
    readonly line: number | undefined,
  ) {
    super(message);
  }
}

export interface RuntimeOptions {
  flavor: LuaFlavor;
  limits?: Partial<LuaLimits>;
  /** Where `print` writes; scripts' output is dropped unless a sink is given. */
  print?: (line: string) => void;
}

const HOOK_EVERY = 1000;
const HEAP_CHECK_EVERY = 16;
const CHUNK_NAME = '=<string>';
const MAX_CACHED_CHUNKS = 1024;

export class LuaRuntime {
  private readonly api: Fengari;
  private readonly L: LuaState;
  private readonly limits: LuaLimits;
  readonly converter: LuaConverter;
  /** Script text → registry reference of its compiled chunk (a Map hashes a string once and keeps the hash). */
  private readonly chunks = new Map<string, number>();
  private deadline = 0;
  private heapStart = 0;
  private hookTicks = 0;
  private stopReason: LuaErrorKind | undefined;

  constructor(options: RuntimeOptions) {
    this.api = fengari();
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.converter = new LuaConverter(this.api);
    this.L = this.api.lauxlib.luaL_newstate();
    installLibraries(this.api, this.L, options.flavor, this.converter, options.print ?? (() => undefined));
    installGlobalShadowing(this.api, this.L, ENV_METATABLE);
    this.api.lua.lua_sethook(this.L, (L) => this.onHook(L), this.api.lua.LUA_MASKCOUNT, HOOK_EVERY);
  }

  /** Compiles `script` (cached by content); a syntax error is a LuaScriptError of kind `syntax`. */
  check(script: string): void {
    this.guarded(() => this.pushChunk(script));
  }

  /**
   * Runs the script's chunk, then calls its global function `name` with `args` (JSON values) and reads
   * `nresults` results. `name` missing or not a function is a LuaScriptError of kind `missing-function`.
   */
  callFunction(script: string, name: string, args: readonly unknown[], nresults: number): LuaResult[] {
    return this.guarded(() => {
      const { lua } = this.api;
      const L = this.L;
      this.pushChunk(script);
      const env = this.pushFreshEnv();
      this.runChunk(0);
      this.converter.pushKey(L, name);
      const type = lua.lua_gettable(L, env);
      if (type === lua.LUA_TNIL) throw new LuaScriptError(`not found function ${name}`, 'missing-function', undefined);
      if (type !== lua.LUA_TFUNCTION) throw new LuaScriptError(`${name} is not a function: ${typeName(this.api, type)}`, 'missing-function', undefined);
      for (const arg of args) this.converter.push(L, arg);
      this.pcall(args.length, nresults);
      const results: LuaResult[] = [];
      for (let i = nresults; i >= 1; i--) results.push(this.converter.read(L, -i));
      return results;
    });
  }

  /** Whether the script defines a global function `name` (the chunk runs, in a fresh environment). */
  definesFunction(script: string, name: string): boolean {
    return this.guarded(() => {
      const { lua } = this.api;
      this.pushChunk(script);
      const env = this.pushFreshEnv();
      this.runChunk(0);
      this.converter.pushKey(this.L, name);
      return lua.lua_gettable(this.L, env) === lua.LUA_TFUNCTION;
    });
  }

  /** Runs the script as a chunk with extra `globals` and returns its last result (Argo CD's model). */
  runChunkWith(script: string, globals: Record<string, unknown>): LuaResult {
    return this.guarded(() => {
      const { lua } = this.api;
      const L = this.L;
      this.pushChunk(script);
      const env = this.pushFreshEnv();
      for (const [k, v] of Object.entries(globals)) {
        this.converter.pushKey(L, k);
        this.converter.push(L, v);
        lua.lua_rawset(L, env);
      }
      const base = lua.lua_gettop(L) - 1;
      this.runChunk(lua.LUA_MULTRET);
      const returned = lua.lua_gettop(L) - base;
      return returned > 0 ? this.converter.read(L, -1) : { type: 'nil' };
    });
  }

  /** Number of compiled chunks held. */
  get cachedChunks(): number {
    return this.chunks.size;
  }

  private guarded<T>(body: () => T): T {
    const L = this.L;
    const top = this.api.lua.lua_gettop(L);
    this.deadline = performance.now() + this.limits.timeoutMs;
    this.heapStart = getHeapStatistics().used_heap_size;
    this.hookTicks = 0;
    this.stopReason = undefined;
    Object.assign(stringBudget, { active: true, used: 0, maxString: this.limits.maxStringBytes, maxTotal: this.limits.maxTotalStringBytes });
    try {
      return body();
    } finally {
      stringBudget.active = false;
      this.api.lua.lua_settop(L, top);
    }
  }

  /** Pushes the compiled chunk of `script`, compiling it on first use. */
  private pushChunk(script: string): void {
    const { lua, lauxlib } = this.api;
    const L = this.L;
    const ref = this.chunks.get(script);
    if (ref !== undefined) {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
      return;
    }
    const code = this.api.to_luastring(script);
    if (lauxlib.luaL_loadbufferx(L, code, code.length, this.api.to_luastring(CHUNK_NAME), this.api.to_luastring('t')) !== lua.LUA_OK) {
      throw this.errorFromStack('syntax');
    }
    if (this.chunks.size >= MAX_CACHED_CHUNKS) this.evictOldest();
    lua.lua_pushvalue(L, -1);
    this.chunks.set(script, lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX));
  }

  private evictOldest(): void {
    const [script, ref] = this.chunks.entries().next().value as [string, number];
    this.chunks.delete(script);
    // luaL_unref is not in the typed surface; overwriting the slot with nil releases the chunk.
    this.api.lua.lua_pushnil(this.L);
    this.api.lua.lua_rawseti(this.L, this.api.lua.LUA_REGISTRYINDEX, ref);
  }

  /** With the chunk on top: gives it a new environment whose reads fall back to the libraries. Returns the env's index. */
  private pushFreshEnv(): number {
    const { lua } = this.api;
    const L = this.L;
    lua.lua_createtable(L, 0, 4);
    this.converter.pushKey(L, '_G');
    lua.lua_pushvalue(L, -2);
    lua.lua_rawset(L, -3);
    this.converter.pushKey(L, ENV_METATABLE);
    lua.lua_rawget(L, lua.LUA_REGISTRYINDEX);
    lua.lua_setmetatable(L, -2);
    // Chunk below, env on top: keep a copy of env under the chunk for the caller, hand the other to _ENV.
    lua.lua_pushvalue(L, -1);
    lua.lua_insert(L, -3);
    lua.lua_setupvalue(L, -2, 1);
    return lua.lua_gettop(L) - 1;
  }

  private runChunk(nresults: number): void {
    this.pcall(0, nresults);
  }

  private pcall(nargs: number, nresults: number): void {
    const status = this.api.lua.lua_pcall(this.L, nargs, nresults, 0);
    if (status === this.api.lua.LUA_OK) return;
    // -1: a JavaScript exception that fengari could not turn into a Lua error; the value on top is meaningless.
    if (status < 0) throw new LuaScriptError('internal error in the Lua runtime', 'runtime', undefined);
    throw this.errorFromStack(this.stopReason ?? 'runtime');
  }

  private errorFromStack(kind: LuaErrorKind): LuaScriptError {
    const L = this.L;
    const message = this.api.lua.lua_type(L, -1) === this.api.lua.LUA_TSTRING ? this.api.lua.lua_tojsstring(L, -1) : this.api.lua.lua_tojsstring(L, -1) || 'error object is not a string';
    this.api.lua.lua_pop(L, 1);
    const m = /^<string>:(\d+):\s*/.exec(message);
    const memory = /memory limit exceeded/.test(message);
    return new LuaScriptError(m ? message.slice(m[0].length) : message, memory && kind === 'runtime' ? 'memory' : kind, m ? Number(m[1]) : undefined);
  }

  private onHook(L: LuaState): void {
    const { lauxlib } = this.api;
    if (performance.now() > this.deadline) {
      this.stopReason = 'timeout';
      lauxlib.luaL_error(L, this.api.to_luastring(`script exceeded its time limit of ${this.limits.timeoutMs} ms`));
    }
    if (callDepth(L, this.limits.maxCallDepth) > this.limits.maxCallDepth) {
      lauxlib.luaL_error(L, this.api.to_luastring(`stack overflow (more than ${this.limits.maxCallDepth} nested calls)`));
    }
    if (++this.hookTicks % HEAP_CHECK_EVERY === 0 && getHeapStatistics().used_heap_size - this.heapStart > this.limits.maxHeapGrowthBytes) {
      this.stopReason = 'memory';
      lauxlib.luaL_error(L, this.api.to_luastring(`memory limit exceeded: the script grew the heap by more than ${this.limits.maxHeapGrowthBytes} bytes`));
    }
  }
}

/** Registry key of the metatable every call environment uses (`__index` = the library globals). */
export const ENV_METATABLE = 'flotilla.env';

function callDepth(L: LuaState, stopAt: number): number {
  let depth = 0;
  for (let ci: { previous: unknown } | null = L.ci; ci !== null && depth <= stopAt; ci = ci.previous as typeof ci) depth++;
  return depth;
}

function typeName(api: Fengari, type: number): string {
  const { lua } = api;
  return type === lua.LUA_TBOOLEAN ? 'boolean' : type === lua.LUA_TNUMBER ? 'number' : type === lua.LUA_TSTRING ? 'string' : type === lua.LUA_TTABLE ? 'table' : 'userdata';
}
