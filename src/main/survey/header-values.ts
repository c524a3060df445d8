/**
 * Reading header cards the way survey pipelines actually write them: numbers sometimes as strings
 * (LAMOST DR2 FIBERID = '126'), missing values as sentinels (-9999, 'NULL', '-') or as keys
 * with no value (K2 TEFF).
 */
import type { FitsHeader } from '../fits/index.js';

/** Text placeholders that mean "no value" in LAMOST target keys. */
const EMPTY_TEXT = new Set(['', 'NULL', 'null', 'None', '-']);

/** Trimmed string value; null when absent, undefined, or a placeholder ('', 'NULL', '-'). */
export function textOrNull(header: FitsHeader, key: string): string | null {
  const v = header.get(key);
  if (v === undefined || v === null || typeof v === 'boolean') return null;
  const s = String(v).trim();
  return EMPTY_TEXT.has(s) ? null : s;
}

/**
 * Numeric value; null when absent, undefined, non-numeric, non-finite, or one of `missing`
 * (LAMOST writes -9999 for unknown; DR1 SNR keys also use 99.00).
 */
export function numberOrNull(header: FitsHeader, key: string, missing: readonly number[] = [-9999]): number | null {
  const v = header.get(key);
  let n: number | null = null;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'bigint') n = Number(v);
  else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) n = Number(v);
  if (n === null || !Number.isFinite(n) || missing.includes(n)) return null;
  return n;
}

/** Integer value as a decimal string, exact for 64-bit ids; null when absent or not an integer. */
export function integerText(header: FitsHeader, key: string): string | null {
  const v = header.get(key);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return BigInt(v.trim()).toString();
  return null;
}
