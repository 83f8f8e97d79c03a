/**
 * The safe `os` subset Karmada and Argo CD give scripts (`time`, `date`; Argo's brief adds `clock`), with
 * their Go implementation's behaviour: `os.time{}` in the process's zone with hour 12 by default, `os.date`
 * with a leading `!` for UTC unless a time is given, and their strftime-to-Go-layout mapping (quirks included:
 * `%a` prints the literal "mon", `%x` the time).
 */
import type { Fengari, JsFunction, LuaState } from './fengari.js';

export function osTime(api: Fengari): JsFunction {
  const { lua } = api;
  return (L) => {
    if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) {
      lua.lua_pushnumber(L, Math.floor(Date.now() / 1000));
      return 1;
    }
    const field = (name: string, fallback: number): number => {
      lua.lua_getfield(L, 1, api.to_luastring(name));
      const v = lua.lua_type(L, -1) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : fallback;
      lua.lua_pop(L, 1);
      return Math.trunc(v);
    };
    const d = new Date(field('year', -1), field('month', -1) - 1, field('day', -1), field('hour', 12), field('min', 0), field('sec', 0));
    lua.lua_pushnumber(L, Math.floor(d.getTime() / 1000));
    return 1;
  };
}

export function osClock(api: Fengari): JsFunction {
  return (L) => {
    const { user, system } = process.cpuUsage();
    api.lua.lua_pushnumber(L, (user + system) / 1e6);
    return 1;
  };
}

export function osDate(api: Fengari): JsFunction {
  const { lua } = api;
  return (L) => {
    let fmt = lua.lua_type(L, 1) === lua.LUA_TSTRING ? lua.lua_tojsstring(L, 1) : '%c';
    const given = lua.lua_type(L, 2) === lua.LUA_TNUMBER;
    const seconds = given ? lua.lua_tonumber(L, 2) : Date.now() / 1000;
    let utc = false;
    if (fmt.startsWith('!')) {
      utc = !given;
      fmt = fmt.slice(1);
    }
    const parts = dateParts(new Date(Math.trunc(seconds) * 1000), utc);
    if (fmt.startsWith('*t')) {
      pushDateTable(api, L, parts);
      return 1;
    }
    lua.lua_pushstring(L, api.to_luastring(strftime(fmt, parts)));
    return 1;
  };
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  wday: number;
  zone: string;
  offsetMinutes: number;
}

function dateParts(d: Date, utc: boolean): DateParts {
  if (utc) {
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), min: d.getUTCMinutes(), sec: d.getUTCSeconds(), wday: d.getUTCDay(), zone: 'UTC', offsetMinutes: 0 };
  }
  const offsetMinutes = -d.getTimezoneOffset();
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
  return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), min: d.getMinutes(), sec: d.getSeconds(), wday: d.getDay(), zone, offsetMinutes };
}

function pushDateTable(api: Fengari, L: LuaState, p: DateParts): void {
  const { lua } = api;
  lua.lua_createtable(L, 0, 9);
  const fields: [string, number][] = [['year', p.year], ['month', p.month], ['day', p.day], ['hour', p.hour], ['min', p.min], ['sec', p.sec], ['wday', p.wday + 1], ['yday', 0]];
  for (const [k, v] of fields) {
    lua.lua_pushnumber(L, v);
    lua.lua_setfield(L, -2, api.to_luastring(k));
  }
  lua.lua_pushboolean(L, false);
  lua.lua_setfield(L, -2, api.to_luastring('isdst'));
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

export function strftime(fmt: string, p: DateParts): string {
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  const offset = `${p.offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(Math.abs(p.offsetMinutes) / 60))}${two(Math.abs(p.offsetMinutes) % 60)}`;
  const month = MONTHS[p.month - 1] ?? '';
  const time = `${two(p.hour)}:${two(p.min)}:${two(p.sec)}`;
  const codes: Record<string, string> = {
    a: 'mon',
    A: DAYS[p.wday] ?? '',
    b: month.slice(0, 3),
    B: month,
    c: `${two(p.day)} ${month.slice(0, 3)} ${two(p.year % 100)} ${two(p.hour)}:${two(p.min)} ${p.zone}`,
    d: two(p.day),
    F: `${p.year}-${two(p.month)}-${two(p.day)}`,
    H: two(p.hour),
    I: two(hour12),
    m: two(p.month),
    M: two(p.min),
    p: p.hour < 12 ? 'AM' : 'PM',
    P: p.hour < 12 ? 'am' : 'pm',
    S: two(p.sec),
    w: String(p.wday),
    // gopher-lua (and Argo CD's copy of its os library) maps %x to Go's "15/04/05": the time, with slashes.
    x: time.replaceAll(':', '/'),
    X: time,
    y: two(p.year % 100),
    Y: String(p.year),
    z: offset,
    Z: p.zone,
    '%': '%',
  };
  return fmt.replace(/%(.)/g, (whole, c: string) => codes[c] ?? whole);
}
