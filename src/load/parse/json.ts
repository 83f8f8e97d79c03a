/** Plain JSON-like data helpers that are safe with keys such as `__proto__`. */
import { isPlainObject, type JsonObject } from '../../util/json.js';

/** A deep copy with no shared references; Object.fromEntries defines own properties, so `__proto__` stays data. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => cloneJson(v)) as T;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneJson(v)])) as T;
  return value;
}

/** Sets an own data property, even for a key like `__proto__` that plain assignment would treat specially. */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
