/**
 * The in-memory shape of a label catalogue (McQuillan 2014, Santos 2019, LAMOST parameter tables,
 * ...), whatever text or FITS format it was read from. Columns are typed arrays so that joining a
 * million-row catalogue against our spectra and light curves stays cheap.
 */

/** Which reader produced the table. */
export type CatalogFormat = 'csv' | 'tsv' | 'vizier-tsv' | 'mrt' | 'fits-bintable' | 'fits-ascii';

interface ColumnBase {
  name: string;
  /** Unit as written in the source ('K', 'd', '[cm/s2]'); null when none is given. */
  unit: string | null;
  /** Free-text description where the format carries one (MRT byte-by-byte, VizieR #Column lines). */
  description?: string;
  /**
   * 1 where the cell is missing (blank, a configured null value, a FITS TNULL). Always present so
   * consumers never need to guess whether a 0 or a NaN is data.
   */
  nulls: Uint8Array;
}

/** Integers are kept as 64-bit so that ids (obsid, Gaia source_id) stay exact; 0 where null. */
export interface IntColumn extends ColumnBase {
  type: 'int';
  values: BigInt64Array;
}

/** Floating point values; NaN where null. */
export interface FloatColumn extends ColumnBase {
  type: 'float';
  values: Float64Array;
}

/** Text values, trimmed of surrounding blanks; null where missing. */
export interface StringColumn extends ColumnBase {
  type: 'string';
  values: (string | null)[];
}

export interface BoolColumn extends ColumnBase {
  type: 'bool';
  values: (boolean | null)[];
}

export type CatalogColumn = IntColumn | FloatColumn | StringColumn | BoolColumn;
export type ColumnType = CatalogColumn['type'];

export interface CatalogTable {
  /** The file the table was read from. */
  path: string;
  format: CatalogFormat;
  nrows: number;
  columns: CatalogColumn[];
  /** Things the reader did that a user may want to know (dropped index column, skipped vector columns). */
  notes: string[];
}

/** Options shared by every catalogue reader. */
export interface ReadCatalogOptions {
  /** Force a format instead of detecting it from the content. */
  format?: CatalogFormat;
  /**
   * Cell values that mean "missing", in addition to blank cells. Numbers are compared by value
   * (so -9999 also matches '-9999.0'), strings by their trimmed text. LAMOST tables use -9999.
   */
  nullValues?: (string | number)[];
  /** Keep a leading unnamed pandas index column (dropped by default). */
  keepIndexColumn?: boolean;
  /** FITS only: which HDU holds the table (default: the first table HDU). */
  hdu?: number;
}

/** A catalogue that cannot be read: names the file and what is wrong with it. */
export class CatalogError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'CatalogError';
  }
}
