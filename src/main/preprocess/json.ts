/**
 * Turning preprocessing results (typed arrays, NaNs) into plain JSON values for
 * `desa preprocess FILE --json` and the renderer's star-detail panel.
 */

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Recursively converts typed arrays to number arrays and non-finite numbers to null (JSON has no
 * NaN/Infinity); bigints become decimal strings; undefined fields are dropped.
 */
export function toJsonable(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = value as unknown as ArrayLike<number | bigint>;
    return Array.from(arr, (v) => (typeof v === 'bigint' ? v.toString() : Number.isFinite(v) ? v : null));
  }
  if (Array.isArray(value)) return value.map(toJsonable);
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function') continue;
      out[k] = toJsonable(v);
    }
    return out;
  }
  return null;
}
