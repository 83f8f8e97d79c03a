/**
 * Copies and freezing for JSON data. Templates are cloned once per rendering and the results are shared between
 * clusters and between passes (through the cache), so they are frozen: a consumer that mutated one would silently
 * change every cluster's copy.
 */

/** A deep copy of JSON data; several times faster than structuredClone and than a JSON round trip. */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    // Assigning "__proto__" would set the prototype; JSON.parse and YAML can produce it as an own key.
    if (key === '__proto__') Object.defineProperty(out, key, { value: cloneJson(v), enumerable: true, writable: true, configurable: true });
    else out[key] = cloneJson(v);
  }
  return out as T;
}

export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const v of value) deepFreeze(v);
  } else {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
