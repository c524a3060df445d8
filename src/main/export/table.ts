/**
 * The table every catalogue writer takes: named, typed columns of equal length in a fixed row
 * order (the order every format writes, so exports of the same table line up row for row).
 */

interface ColumnBase {
  name: string;
  /** Physical unit in the FITS/VOUnit convention, e.g. 'deg', 'K', 'dex'. */
  unit?: string;
  /** IVOA UCD; when absent the writers fill the usual ones for ids and RA/Dec (see ucdOf). */
  ucd?: string;
  description?: string;
}

/** Exact 64-bit integers (star ids, KIC, obsid). */
export interface Int64Column extends ColumnBase { kind: 'int64'; values: BigInt64Array }
export interface Int32Column extends ColumnBase { kind: 'int32'; values: Int32Array }
/** NaN means "no value" in every float column. */
export interface Float64Column extends ColumnBase { kind: 'float64'; values: Float64Array }
export interface Float32Column extends ColumnBase { kind: 'float32'; values: Float32Array }
/** ASCII text; FITS stores it padded to the longest value. */
export interface StringColumn extends ColumnBase { kind: 'string'; values: string[] }

export type ExportColumn = Int64Column | Int32Column | Float64Column | Float32Column | StringColumn;

export interface ExportTable {
  /** Table name (FITS EXTNAME, VOTable TABLE name). */
  name: string;
  columns: ExportColumn[];
}

/** Row count of a table. */
export function rowCountOf(t: ExportTable): number {
  return t.columns[0]?.values.length ?? 0;
}

/**
 * Checks a table before writing: at least one column, unique non-empty names, equal lengths,
 * ASCII strings without control characters.
 * @throws Error naming `what` (the output file) and the bad column
 */
export function validateTable(t: ExportTable, what: string): void {
  if (t.columns.length === 0) throw new Error(`${what}: the table has no columns`);
  const n = rowCountOf(t);
  const seen = new Set<string>();
  for (const c of t.columns) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c.name)) throw new Error(`${what}: column name '${c.name}' must be letters, digits and _ (not starting with a digit)`);
    if (seen.has(c.name.toLowerCase())) throw new Error(`${what}: column '${c.name}' appears twice`);
    seen.add(c.name.toLowerCase());
    if (c.values.length !== n) throw new Error(`${what}: column '${c.name}' has ${c.values.length} rows, '${t.columns[0].name}' has ${n}`);
    if (c.kind === 'string') {
      const bad = c.values.findIndex((s) => typeof s !== 'string' || !/^[\x20-\x7e]*$/.test(s));
      if (bad >= 0) throw new Error(`${what}: column '${c.name}' row ${bad} is not printable ASCII text`);
    }
  }
}

/** The rows `rows` (e.g. a selection or subset, sorted) of a table, in that order. */
export function takeRows(t: ExportTable, rows: Uint32Array): ExportTable {
  return {
    name: t.name,
    columns: t.columns.map((c): ExportColumn => {
      if (c.kind === 'string') return { ...c, values: Array.from(rows, (r) => c.values[r]) };
      const Ctor = c.values.constructor as { new (n: number): typeof c.values };
      const out = new Ctor(rows.length);
      rows.forEach((r, i) => { out[i] = c.values[r]; });
      return { ...c, values: out } as ExportColumn;
    }),
  };
}

/** The UCD of a column: its own, else the standard one for RA, Dec and star ids, else none. */
export function ucdOf(c: ExportColumn): string | undefined {
  if (c.ucd) return c.ucd;
  const name = c.name.toLowerCase();
  if (name === 'ra' || name === 'raj2000') return 'pos.eq.ra;meta.main';
  if (name === 'dec' || name === 'dej2000') return 'pos.eq.dec;meta.main';
  if (name === 'star_id' || name === 'kic' || name === 'kepid' || name === 'obsid' || name === 'epic') return 'meta.id';
  return undefined;
}

/** A float as text that reads back to the same value (shortest round-trip form; nan/inf spelled out). */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/** Cell `row` of a column as text for the text formats (floats round-trip; strings raw). */
export function cellText(c: ExportColumn, row: number): string {
  switch (c.kind) {
    case 'int64':
    case 'int32':
      return String(c.values[row]);
    case 'float64':
    case 'float32':
      return formatFloat(c.values[row]);
    case 'string':
      return c.values[row];
  }
}
