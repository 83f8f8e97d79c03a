/** The one test for "a JSON object" (not null, not an array) that every stage reading untyped data uses. */

export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value when it is a JSON object, else undefined (for optional reads of untyped data). */
export function asPlainObject(value: unknown): JsonObject | undefined {
  return isPlainObject(value) ? value : undefined;
}
