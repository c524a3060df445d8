/**
 * Small accessors so that callers (cross-match, store import, CLI) never switch on column types
 * themselves.
 */
import { normaliseId } from './crossmatch.js';
import { CatalogError, type CatalogColumn, type CatalogTable } from './types.js';

/** The column with this name (exact match first, then case-insensitive); throws naming the file. */
export function getColumn(table: CatalogTable, name: string): CatalogColumn {
  const col = table.columns.find((c) => c.name === name) ?? table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!col) {
    throw new CatalogError(table.path, `no column '${name}' (columns: ${table.columns.map((c) => c.name).join(', ')})`);
  }
  return col;
}

/** Column values as float64, NaN where missing or not numeric (ints above 2^53 lose precision). */
export function numericValues(col: CatalogColumn): Float64Array {
  switch (col.type) {
    case 'float':
      return col.values;
    case 'int':
      return Float64Array.from(col.values, (v, i) => (col.nulls[i] ? NaN : Number(v)));
    case 'bool':
      return Float64Array.from(col.values, (v) => (v === null ? NaN : Number(v)));
    default:
      return Float64Array.from(col.values, (v) => (v === null ? NaN : Number(v)));
  }
}

/** Column values as canonical id strings (see normaliseId), null where missing. */
export function idValues(col: CatalogColumn): (string | null)[] {
  const out: (string | null)[] = new Array(col.values.length);
  for (let i = 0; i < out.length; i++) {
    const v = col.values[i];
    out[i] = col.nulls[i] || typeof v === 'boolean' ? null : normaliseId(v);
  }
  return out;
}
