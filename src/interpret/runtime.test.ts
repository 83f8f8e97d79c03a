import { describe, expect, it } from 'vitest';
import { LuaRuntime, LuaScriptError } from './runtime.js';

const argo = new LuaRuntime({ flavor: 'argo' });
const karmada = new LuaRuntime({ flavor: 'karmada' });

function run(script: string, rt = argo): unknown {
  const r = rt.runChunkWith(script, {});
  return 'value' in r ? r.value : r.type;
}

function failure(script: string, rt = argo, timeoutMs?: number): LuaScriptError {
  const runtime = timeoutMs === undefined ? rt : new LuaRuntime({ flavor: 'argo', limits: { timeoutMs } });
  try {
    runtime.runChunkWith(script, {});
  } catch (e) {
    if (e instanceof LuaScriptError) return e;
    throw e;
  }
  throw new Error('script did not fail');
}

describe('gopher-lua fidelity', () => {
  it.each([
    ['tostring(10 / 2)', '5'],
    ['tostring(3)', '3'],
    ['tostring(1 / 3)', '0.3333333333333333'],
    ['tostring(0.1 + 0.2)', '0.30000000000000004'],
    ['tostring(1e15)', '1000000000000000'],
    ['tostring(1e21)', '1e+21'],
    ['tostring(2147483647 + 1)', '2147483648'],
    ['tostring(7 % 0)', 'NaN'],
    ['tostring(-7 % 3)', '2'],
    ['"n=" .. 10 / 4', 'n=2.5'],
    ['"n=" .. 6 / 2', 'n=3'],
    ['tostring(math.floor(3.7) / 2)', '1.5'],
    ['string.format("%d/%d", 3.7, 4)', '3/4'],
    ['string.format("%s %s", 3.0, 2.5)', '3 2.5'],
    ['string.format("%d")', '%!d(MISSING)'],
    ['string.format("%05.1f|%-4d|%x", 3.14159, 7, 255)', '003.1|7   |ff'],
    ['string.format("%d", "12")', '12'],
    ['string.format("%d", "abc")', '0'],
    ['string.format("%g", 1234567)', '1.234567e+06'],
    ['string.format("%q", "a\\"b")', '"a\\"b"'],
    ['string.format("%q", "nul\\0 del\\127 bell\\7 tab\\t é")', '"nul\\x00 del\\x7f bell\\a tab\\t é"'],
    ['tostring(1234567.5) .. "," .. tostring(2^63) .. "," .. tostring(-2^63) .. "," .. tostring(1e20)', '1.2345675e+06,9.223372036854776e+18,-9223372036854775808,1e+20'],
    ['table.concat({100000.5, 1e6 + 0.5}, " ")', '100000.5 1.0000005e+06'],
    ['os.date("!%x|%X", 3723)', '01/02/03|01:02:03'],
    ['tostring(tonumber("1e5"))', 'nil'],
    ['tostring(tonumber("0x1F"))', '31'],
    ['tostring(tonumber("1.5e2"))', '150'],
    ['tostring(unpack({4, 5}))', '4'],
    ['tostring(table.getn({1, 2, 3}))', '3'],
    ['tostring(table.maxn({[1] = 1, [7] = 2}))', '7'],
    ['tostring(math.pow(2, 10))', '1024'],
    ['tostring(math.mod(7, 3))', '1'],
    ['string.format("%.4f %.4f %g", math.atan2(1, 1), math.tanh(0.5), math.log10(1000))', '0.7854 0.4621 3'],
    ['tostring(math.cosh(0) + math.sinh(0))', '1'],
    ['table.concat({math.frexp(8)}, ",") .. " " .. table.concat({math.frexp(-0.375)}, ",")', '0.5,4 -0.75,-1'],
    ['tostring(math.ldexp(0.5, 4))', '8'],
    ['(function() local out = {} for w in string.gfind("a b", "%a") do out[#out + 1] = w end return table.concat(out) end)()', 'ab'],
    ['(function() local t = {} t[1] = 1 t[3] = 3 return tostring(#t) end)()', '3'],
    ['(function() local i = 0 ::top:: i = i + 1 if i < 3 then goto top end return tostring(i) end)()', '3'],
  ])('%s → %s', (expr, expected) => {
    expect(run(`return ${expr}`)).toBe(expected);
  });

  it('iterates string keys in insertion order', () => {
    expect(run('local t = {} t.zeta = 1 t.alpha = 2 t.mid = 3 local k = {} for key in pairs(t) do k[#k + 1] = key end return table.concat(k, ",")')).toBe('zeta,alpha,mid');
  });

  it('passes object keys to Lua in their JSON order', () => {
    const r = argo.runChunkWith('local k = {} for key in pairs(obj) do k[#k + 1] = key end return table.concat(k, ",")', { obj: { b: 1, a: 2, c: null, d: 3 } });
    expect(r).toEqual({ type: 'string', value: 'b,a,d' });
  });

  it('compacts JSON arrays with nulls, as gopher-json does', () => {
    expect(argo.runChunkWith('return #obj.items .. ":" .. obj.items[2]', { obj: { items: [1, null, 3] } })).toEqual({ type: 'string', value: '2:3' });
  });
});

describe('table → JSON (gopher-json)', () => {
  it.each([
    ['{}', []],
    ['{1, 2, 3}', [1, 2, 3]],
    ['{b = 1, a = {x = true}}', { a: { x: true }, b: 1 }],
    ['{n = 10 / 2}', { n: 5 }],
  ])('%s', (lua, json) => {
    expect(run(`return ${lua}`)).toEqual(json);
  });

  it.each([
    ['{[1] = 1, [3] = 3}', 'sparse array'],
    ['{1, x = 2}', 'mixed or invalid key types'],
    ['{f = print}', 'cannot encode function'],
    ['(function() local t = {} t.self = t return t end)()', 'recursively nested'],
    ['{n = 0 / 0}', 'unsupported value'],
  ])('%s fails to encode', (lua, message) => {
    const r = argo.runChunkWith(`return ${lua}`, {});
    expect(r.type === 'table' && r.encodeError).toContain(message);
  });
});

describe('sandbox', () => {
  it.each(['io', 'debug', 'package', 'coroutine', 'load', 'loadfile', 'dofile', 'loadstring'])('%s is absent', (name) => {
    expect(run(`return type(${name})`)).toBe('nil');
  });

  it('gives Argo scripts only the safe os functions', () => {
    expect(run('return type(os.time) .. type(os.date) .. type(os.clock) .. type(os.exit) .. type(os.getenv) .. type(os.execute)')).toBe('functionfunctionfunctionnilnilnil');
    expect(run('return require("os") == os')).toBe(true);
  });

  it("gives Karmada scripts Karmada's environment", () => {
    expect(run('return type(os.clock) .. type(require("kube").resourceAdd)', karmada)).toBe('nilfunction');
    expect(failure('setmetatable({}, {})', karmada).message).toContain('call function setmetatable is not supported in karmada customized resourceinterpreter.');
    expect(failure('string.gsub("a", "a", "b")', karmada).message).toContain('string.gsub is not supported by Karmada');
    expect(failure('local s = "xxxxxxxxxx" for i = 1, 17 do s = s .. s end return s:lower()', karmada).message).toContain('exceeds the maximum allowed input string length 1000000');
  });

  it('refuses modules that are not preloaded', () => {
    expect(failure('require("io")').message).toContain('module io not found');
  });

  it('keeps each call in its own global environment', () => {
    expect(run('leaked = 42 return leaked')).toBe(42);
    expect(run('return tostring(leaked)')).toBe('nil');
  });

  it('reports syntax errors with the script line', () => {
    const e = failure('local x = 1\nlocal y = = 2');
    expect(e.kind).toBe('syntax');
    expect(e.line).toBe(2);
  });

  it('reports runtime errors with the script line', () => {
    const e = failure('local t = nil\n\nreturn t.x');
    expect(e.kind).toBe('runtime');
    expect(e.line).toBe(3);
  });

  it('stops a script that never ends, and the runtime keeps working', () => {
    const e = failure('while true do end', argo, 100);
    expect(e.kind).toBe('timeout');
    expect(run('return 1 + 1')).toBe(2);
  });

  it('stops infinite recursion', () => {
    expect(failure('local function f() return f() + 1 end f()').message).toContain('stack overflow');
  });

  it('stops huge strings before building them', () => {
    expect(failure("return string.rep('x', 1e9)").kind).toBe('memory');
    expect(failure("local s = 'x' for i = 1, 40 do s = s .. s end").kind).toBe('memory');
  });

  it('stops a table of 1e8 elements', () => {
    expect(['timeout', 'memory']).toContain(failure('local t = {} for i = 1, 1e8 do t[i] = i end', argo, 300).kind);
    expect(run('return "still alive"')).toBe('still alive');
  });

  it('caches compiled chunks by content', () => {
    const rt = new LuaRuntime({ flavor: 'argo' });
    rt.runChunkWith('return 1', {});
    rt.runChunkWith('return 1', {});
    rt.runChunkWith('return 2', {});
    expect(rt.cachedChunks).toBe(2);
  });
});
