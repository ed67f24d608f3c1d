// Plain JSON values as the engine compares them (pure): a value as a plain object, and deep
// equality where null and absent are the same (the API server drops nulls).

/** A JSON object. */
export type Json = Record<string, unknown>;

/** The value as a plain object, or undefined. */
export function asRecord(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Json : undefined;
}

/** Deep equality of JSON values; null and absent are the same. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b || (a ?? null) === (b ?? null)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ra = asRecord(a);
  const rb = asRecord(b);
  if (!ra || !rb) return false;
  return [...new Set([...Object.keys(ra), ...Object.keys(rb)])].every((key) => jsonEqual(ra[key], rb[key]));
}
