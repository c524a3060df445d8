/**
 * The public shape of our FITS module (src/main/fits). Everything else in the app reads and
 * writes FITS only through these types, so readers (src/main/survey), export and the synthetic
 * survey can be written against them.
 *
 * Conventions (same as astropy.io.fits, so values compare one to one):
 * - Image shape is given in numpy order (slowest axis first): a LAMOST DR1 5x3904 image has
 *   NAXIS1=3904, NAXIS2=5 and shape [5, 3904]. Data are row-major in that order.
 * - Scaled images (BSCALE/BZERO) come back physical: Float32Array for BITPIX 8/16/-32 with scaling,
 *   Float64Array for 32/64/-64 with scaling; unscaled integer images keep their integer type,
 *   and the unsigned conventions (BITPIX 16 + BZERO 32768 etc.) come back as Uint16/Uint32/BigUint64.
 * - 64-bit integers are BigInt64Array / BigUint64Array / bigint, never a JS number.
 * - Undefined header values (keyword present, no value) are `null`.
 */

export type HeaderValue = string | number | bigint | boolean | null;

export interface Card {
  keyword: string;
  value: HeaderValue;
  comment: string;
}

export interface FitsHeader {
  readonly cards: readonly Card[];
  has(keyword: string): boolean;
  /** The value of the first card with this keyword (HIERARCH keys without the 'HIERARCH ' prefix); undefined if absent. */
  get(keyword: string): HeaderValue | undefined;
  getString(keyword: string): string | null;
  getNumber(keyword: string): number | null;
}

export type HduKind = 'PRIMARY' | 'IMAGE' | 'BINTABLE' | 'TABLE';

export type NumericArray =
  | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

export interface ImageData {
  shape: number[];
  data: NumericArray;
}

export interface ColumnInfo {
  name: string;
  /** Raw TFORMn, e.g. '3909E', '1PE(120)', 'F12.7'. */
  tform: string;
  /** Binary table type code (L X B I J K A E D C M P Q) or ASCII table code (A I F E D). */
  code: string;
  repeat: number;
  unit: string | null;
  /** TDIMn as numpy-order shape, when given. */
  dim: number[] | null;
  tnull: number | bigint | string | null;
  tscal: number | null;
  tzero: number | null;
  /** True for P/Q variable-length columns. */
  variableLength: boolean;
}

/**
 * A column read in full. Scalar numeric columns are one typed array of nrows; vector columns are a
 * typed array of nrows*repeat (row-major) with `repeat` set; strings are string[]; logicals are
 * (boolean|null)[]; complex columns are interleaved re/im; variable-length columns are an array of
 * typed arrays, one per row. Null cells: NaN for floats, null in `nulls` mask for integers with TNULL.
 */
export interface ColumnData {
  name: string;
  nrows: number;
  repeat: number;
  values: NumericArray | string[] | (boolean | null)[] | NumericArray[];
  /** For integer columns with TNULL: true where the stored value equals TNULL. */
  nulls: Uint8Array | null;
}

export interface Hdu {
  index: number;
  kind: HduKind;
  /** EXTNAME, or 'PRIMARY' for HDU 0. */
  name: string;
  header: FitsHeader;
  /** Byte offset of the data unit in the (decompressed) file and its unpadded size. */
  dataOffset: number;
  dataSize: number;
}

export interface ImageHdu extends Hdu {
  kind: 'PRIMARY' | 'IMAGE';
  shape: number[];
  bitpix: number;
  readImage(): Promise<ImageData>;
}

export interface TableHdu extends Hdu {
  kind: 'BINTABLE' | 'TABLE';
  nrows: number;
  columns: ColumnInfo[];
  /** Reads one column without reading the rest of the table. */
  readColumn(name: string): Promise<ColumnData>;
  /**
   * Reads several columns (all when `names` is omitted) with one pass over the rows, in the
   * order asked: cheaper than one readColumn per column when most of the row is wanted.
   */
  readColumns(names?: string[]): Promise<ColumnData[]>;
}

export interface FitsFile {
  path: string;
  /** True when the file was gzip-compressed (then it was decompressed into memory once). */
  gzipped: boolean;
  hdus: (ImageHdu | TableHdu)[];
  close(): Promise<void>;
}

/** Why a file could not be read: always names the file and, where known, the HDU and card. */
export class FitsError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly hdu?: number,
  ) {
    super(`${file}${hdu !== undefined ? ` [HDU ${hdu}]` : ''}: ${problem}`);
    this.name = 'FitsError';
  }
}

// ---- writing ----

export interface WriteCard {
  keyword: string;
  value: HeaderValue;
  comment?: string;
}

export interface WriteImageHdu {
  kind: 'image';
  /** numpy-order shape; empty for a header-only primary. */
  shape: number[];
  data: NumericArray | null;
  /** Needed when data is null or ambiguous; else inferred (-32 for Float32Array, ...). */
  bitpix?: 8 | 16 | 32 | 64 | -32 | -64;
  name?: string;
  cards?: WriteCard[];
}

export interface WriteColumn {
  name: string;
  /** TFORM, e.g. 'D', '3909E', 'K', '20A', 'J', 'L'. */
  format: string;
  unit?: string;
  /** TNULL for integer columns. */
  nullValue?: number | bigint;
  /** numpy-order shape of one cell, written as TDIMn (e.g. [5, 3909] → '(3909,5)'). */
  dim?: number[];
  /** Row values: typed array of nrows*repeat, or string[] / boolean[] for A / L. */
  values: NumericArray | string[] | (boolean | null)[];
}

export interface WriteTableHdu {
  kind: 'bintable';
  name?: string;
  nrows: number;
  columns: WriteColumn[];
  cards?: WriteCard[];
}

export type WriteHdu = WriteImageHdu | WriteTableHdu;
