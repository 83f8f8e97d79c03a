import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LuaRuntime } from './runtime.js';
import { asLuaSeesIt } from './lazy-tables.js';

const argo = new LuaRuntime({ flavor: 'argo' });
const karmada = new LuaRuntime({ flavor: 'karmada' });

function run(script: string, obj: unknown, rt = argo): unknown {
  const r = rt.runChunkWith(script, { obj });
  return 'value' in r ? r.value : r.type;
}

const resource = {
  apiVersion: 'example.com/v1',
  kind: 'Flock',
  metadata: { name: 'geese', labels: { b: '2', a: '1' }, annotations: null },
  spec: { size: 3, ports: [80, null, 443], empty: {}, none: [], flags: { on: true, off: false } },
  status: { conditions: [{ type: 'Ready', status: 'True' }, null, { type: 'Synced', status: 'False' }] },
};

/** Copies every value into a new table from Lua, so nothing of the argument is read lazily on the way out. */
const DEEP_COPY = `
local function copy(v)
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = copy(x) end
  return out
end
return copy(obj)`;

describe('tables filled on first touch', () => {
  it('iterates keys in the order the object has them, as gopher-lua does', () => {
    expect(run('local ks = {} for k in pairs(obj) do ks[#ks + 1] = k end return table.concat(ks, ",")', resource)).toBe('apiVersion,kind,metadata,spec,status');
    expect(run('local ks = {} for k in pairs(obj.metadata.labels) do ks[#ks + 1] = k end return table.concat(ks, ",")', resource)).toBe('b,a');
  });

  it('drops nulls and compacts arrays, as gopher-json decoding does', () => {
    expect(run('return #obj.spec.ports .. "," .. obj.spec.ports[2]', resource)).toBe('2,443');
    expect(run('return tostring(obj.metadata.annotations)', resource)).toBe('nil');
    expect(run('return #obj.status.conditions .. obj.status.conditions[2].type', resource)).toBe('2Synced');
    expect(run('return next(obj.spec.empty) == nil and next(obj.spec.none) == nil', resource)).toBe(true);
  });

  it('works with every library function that walks a table', () => {
    expect(run('local n = 0 for _, p in ipairs(obj.spec.ports) do n = n + p end return n', resource)).toBe(523);
    expect(run('return table.concat(obj.spec.ports, "-")', resource)).toBe('80-443');
    expect(run('table.insert(obj.spec.ports, 8080) return #obj.spec.ports', resource)).toBe(3);
    expect(run('table.remove(obj.spec.ports, 1) return obj.spec.ports[1]', resource)).toBe(443);
    expect(run('local p = obj.spec.ports table.sort(p, function(a, b) return a > b end) return p[1]', resource)).toBe(443);
    expect(run('local a, b = unpack(obj.spec.ports) return a + b', resource)).toBe(523);
    expect(run('return table.getn(obj.status.conditions) + table.maxn(obj.spec.ports)', resource)).toBe(4);
    expect(run('local k, v = next(obj) return k .. "=" .. v', resource)).toBe('apiVersion=example.com/v1');
  });

  it('shows no metatable and answers raw access like an ordinary table', () => {
    expect(run('return getmetatable(obj) == nil and getmetatable(obj.spec) == nil', resource)).toBe(true);
    expect(run('return rawget(obj.metadata, "name") .. rawlen(obj.spec.ports)', resource)).toBe('geese2');
    expect(run('rawset(obj.spec, "size", 9) return obj.spec.size', resource)).toBe(9);
    expect(run('setmetatable(obj.spec, {__index = function() return "dflt" end}) return obj.spec.size .. obj.spec.other', resource)).toBe('3dflt');
  });

  it('keeps what the script changed and nothing else', () => {
    const revised = run('obj.spec.size = 7 obj.metadata.labels.a = nil obj.spec.flags.new = "x" return obj', resource);
    const expected = asLuaSeesIt(resource) as Record<string, Record<string, unknown>>;
    const spec = expected.spec as Record<string, unknown>;
    spec.size = 7;
    (spec.flags as Record<string, unknown>).new = 'x';
    (expected.metadata!.labels as Record<string, unknown>) = { b: '2' };
    expect(revised).toEqual(expected);
    expect(resource.spec.size).toBe(3);
  });

  it('reads an untouched table back exactly as a table copied in full would read', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(json.object, (value) => {
        const untouched = run('return obj', value, karmada);
        const copied = run(DEEP_COPY, value, karmada);
        expect(untouched).toEqual(copied);
        expect(untouched).toEqual(asLuaSeesIt(value));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a key named __proto__ as data', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as unknown;
    const out = run('return obj', value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'y']);
  });
});

describe('strings as table keys', () => {
  it('keeps keys apart that fengari alone would merge', () => {
    expect(run('local t = {} t["\\1\\35"] = 1 t["\\18\\3"] = 2 return t["\\1\\35"] .. t["\\18\\3"]', {})).toBe('12');
  });

  it('compares strings byte by byte, as Go does', () => {
    expect(run('return ("\\t" < "a") and ("a" < "ab") and ("Z" < "a") and not ("\\200" < "a")', {})).toBe(true);
  });
});
