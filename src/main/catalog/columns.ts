/**
 * Turning text cells into typed catalogue columns. Shared by every text reader (CSV/TSV, VizieR
 * TSV, MRT) so that type inference and missing-value handling are the same whatever the format.
 */
import type { CatalogColumn, ColumnType } from './types.js';

const INT_RE = /^[+-]?\d+$/;
// Fortran exponents ('1.0D+03') appear in CDS tables; NaN/Inf spelled the usual ways.
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][+-]?\d+)?$|^[+-]?(?:nan|inf|infinity)$/i;
const BOOL_RE = /^(?:true|false)$/i;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Parses a float the way Fortran/CDS writes it (D exponent, 'inf', 'nan'). */
export function parseFloatCell(text: string): number {
  const t = text.trim();
  const n = Number(t);
  if (!Number.isNaN(n) || t.length === 0) return n;
  const lower = t.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return Number(t.replace(/[dD]/, 'e'));
}

function fitsInt64(text: string): boolean {
  // Up to 18 digits always fit; only longer ones need the exact check.
  if (text.length <= 18) return true;
  const v = BigInt(text);
  return v <= INT64_MAX && v >= INT64_MIN;
}

/** The narrowest type that holds every non-missing cell. */
export function inferType(cells: readonly (string | null)[]): ColumnType {
  let allInt = true;
  let allFloat = true;
  let allBool = true;
  let any = false;
  for (const c of cells) {
    if (c === null) continue;
    any = true;
    if (allInt && !(INT_RE.test(c) && fitsInt64(c))) allInt = false;
    if (allFloat && !FLOAT_RE.test(c)) allFloat = false;
    if (allBool && !BOOL_RE.test(c)) allBool = false;
    if (!allInt && !allFloat && !allBool) return 'string';
  }
  if (!any) return 'string';
  if (allInt) return 'int';
  if (allFloat) return 'float';
  return allBool ? 'bool' : 'string';
}

/** Decides whether a (trimmed, non-blank) cell is one of the configured missing-value markers. */
export function makeNullTest(nullValues: readonly (string | number)[] | undefined): (cell: string) => boolean {
  if (!nullValues || nullValues.length === 0) return () => false;
  const texts = new Set(nullValues.filter((v): v is string => typeof v === 'string').map((s) => s.trim()));
  const numbers = new Set(nullValues.filter((v): v is number => typeof v === 'number'));
  return (cell) => {
    if (texts.has(cell)) return true;
    if (numbers.size === 0 || !FLOAT_RE.test(cell)) return false;
    return numbers.has(parseFloatCell(cell));
  };
}

export interface TextColumnSpec {
  name: string;
  unit: string | null;
  description?: string;
  /** Declared by the format (MRT 'I8', VizieR '(F6.3)'); inferred from the cells when absent. */
  type?: ColumnType;
}

/**
 * Builds a typed column from trimmed text cells (null = missing). A cell that does not parse as
 * the declared type makes the whole column fall back to the inferred type rather than lose data.
 */
export function buildColumn(spec: TextColumnSpec, cells: (string | null)[]): CatalogColumn {
  let type = spec.type ?? inferType(cells);
  if (spec.type && spec.type !== 'string' && inferType(cells) === 'string') type = 'string';
  if (spec.type === 'int' && inferType(cells) === 'float') type = 'float';
  const n = cells.length;
  const nulls = new Uint8Array(n);
  const base = { name: spec.name, unit: spec.unit, nulls, ...(spec.description ? { description: spec.description } : {}) };
  switch (type) {
    case 'int': {
      const values = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const c = cells[i];
        if (c === null) nulls[i] = 1;
        // Number() is exact below 2^53 and much faster than BigInt(string).
        else values[i] = c.length < 16 ? BigInt(Number(c)) : BigInt(c);
      }
      return { ...base, type, values };
    }
    case 'float': {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const c = cells[i];
        if (c === null) {
          nulls[i] = 1;
          values[i] = NaN;
        } else values[i] = parseFloatCell(c);
      }
      return { ...base, type, values };
    }
    case 'bool': {
      const values = cells.map((c, i) => {
        if (c === null) {
          nulls[i] = 1;
          return null;
        }
        return c.toLowerCase() === 'true';
      });
      return { ...base, type, values };
    }
    default: {
      cells.forEach((c, i) => {
        if (c === null) nulls[i] = 1;
      });
      return { ...base, type: 'string', values: cells };
    }
  }
}

/** Trims a raw cell and maps blanks and configured null markers to null. */
export function cleanCell(raw: string, isNull: (cell: string) => boolean): string | null {
  const t = raw.trim();
  if (t.length === 0 || isNull(t)) return null;
  return t;
}
