import { describe, expect, it } from 'vitest';
import { LuaRuntime } from './runtime.js';

const karmada = new LuaRuntime({ flavor: 'karmada' });

function call(script: string, arg: unknown = {}): unknown {
  const [r] = karmada.callFunction(script, 'Run', [arg], 1);
  return r !== undefined && 'value' in r ? r.value : r?.type;
}

describe('globals that take over a library name', () => {
  it('read nil after the script sets them to nil, as in one gopher-lua globals table', () => {
    const script = `
      function Run(obj)
        tostring = "first"
        tostring = obj.absent
        return { gone = tostring == nil, kind = type(tostring) }
      end`;
    expect(call(script)).toEqual({ gone: true, kind: 'nil' });
  });

  it('keep the value the script stores, and a later call sees the library again', () => {
    expect(call('function Run(obj) select = obj.pick return select end', { pick: 'mine' })).toBe('mine');
    expect(call('function Run(obj) return select("#", 1, 2, 3) end')).toBe(3);
  });

  it('leave other library names readable in an environment that took one over', () => {
    const script = `
      function Run(obj)
        type = nil
        return { len = string.len("abc"), typeGone = type == nil, ok = tonumber("4") }
      end`;
    expect(call(script)).toEqual({ len: 3, typeGone: true, ok: 4 });
  });

  it('do not affect ordinary globals, which still read back nil once cleared', () => {
    expect(call('function Run(obj) counter = 1 counter = nil return counter == nil end')).toBe(true);
  });
});
