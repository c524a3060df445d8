/**
 * Column descriptions of BINTABLE and ASCII TABLE extensions, from TTYPEn/TFORMn/TBCOLn/
 * TUNITn/TDIMn/TNULLn/TSCALn/TZEROn.
 */
import { parseAsciiTform, parseBinaryTform, parseTdim, type AsciiFormat, type BinaryFormat } from './tform.js';
import { FitsError, type ColumnInfo, type FitsHeader } from './types.js';

export interface BinaryColumn {
  info: ColumnInfo;
  format: BinaryFormat;
  /** Byte offset of the column inside a row. */
  offset: number;
  /** Exact TZEROn (a bigint when beyond 2^53) for lossless unsigned conversions. */
  zero: number | bigint;
}

export interface AsciiColumn {
  info: ColumnInfo;
  format: AsciiFormat;
  /** 0-based byte offset (TBCOLn - 1) inside a row. */
  offset: number;
  zero: number | bigint;
}

interface Context {
  file: string;
  hdu: number;
}

/** Columns of a binary table; checks that they fit in NAXIS1 bytes per row. */
export function binaryColumns(header: FitsHeader, context: Context): BinaryColumn[] {
  const rowWidth = header.getNumber('NAXIS1') ?? 0;
  const columns: BinaryColumn[] = [];
  let offset = 0;
  for (let n = 1; n <= fieldCount(header, context); n++) {
    const tform = requireTform(header, n, context);
    const format = parseBinaryTform(tform);
    if (!format) throw new FitsError(context.file, `unsupported or malformed TFORM${n} = '${tform}'`, context.hdu);
    columns.push({ info: commonInfo(header, n, tform, format.code, format.repeat, format.elementCode !== null), format, offset, zero: exactZero(header, n) });
    offset += format.width;
  }
  if (offset > rowWidth) {
    throw new FitsError(context.file, `columns need ${offset} bytes per row but NAXIS1 is ${rowWidth}`, context.hdu);
  }
  return columns;
}

/** Columns of an ASCII table; checks that every field lies inside the row. */
export function asciiColumns(header: FitsHeader, context: Context): AsciiColumn[] {
  const rowWidth = header.getNumber('NAXIS1') ?? 0;
  const columns: AsciiColumn[] = [];
  for (let n = 1; n <= fieldCount(header, context); n++) {
    const tform = requireTform(header, n, context);
    const format = parseAsciiTform(tform);
    if (!format) throw new FitsError(context.file, `malformed ASCII-table TFORM${n} = '${tform}'`, context.hdu);
    const tbcol = header.getNumber(`TBCOL${n}`);
    if (tbcol === null || tbcol < 1 || tbcol - 1 + format.width > rowWidth) {
      throw new FitsError(context.file, `TBCOL${n} = ${String(tbcol)} does not place column ${n} inside a ${rowWidth}-byte row`, context.hdu);
    }
    columns.push({ info: commonInfo(header, n, tform, format.code, 1, false), format, offset: tbcol - 1, zero: exactZero(header, n) });
  }
  return columns;
}

function fieldCount(header: FitsHeader, context: Context): number {
  const tfields = header.getNumber('TFIELDS');
  if (tfields === null) throw new FitsError(context.file, 'missing mandatory keyword TFIELDS', context.hdu);
  return tfields;
}

function requireTform(header: FitsHeader, n: number, context: Context): string {
  const tform = header.getString(`TFORM${n}`);
  if (tform === null) throw new FitsError(context.file, `missing mandatory keyword TFORM${n}`, context.hdu);
  return tform;
}

function commonInfo(header: FitsHeader, n: number, tform: string, code: string, repeat: number, variableLength: boolean): ColumnInfo {
  const tnull = header.get(`TNULL${n}`);
  return {
    name: header.getString(`TTYPE${n}`)?.trim() ?? `COL${n}`,
    tform: tform.trim(),
    code,
    repeat,
    unit: header.getString(`TUNIT${n}`),
    dim: parseTdim(header.getString(`TDIM${n}`)),
    tnull: typeof tnull === 'number' || typeof tnull === 'bigint' || typeof tnull === 'string' ? tnull : null,
    tscal: header.getNumber(`TSCAL${n}`),
    tzero: header.getNumber(`TZERO${n}`),
    variableLength,
  };
}

function exactZero(header: FitsHeader, n: number): number | bigint {
  const zero = header.get(`TZERO${n}`);
  return typeof zero === 'number' || typeof zero === 'bigint' ? zero : 0;
}

/** Finds a column by exact name, else case-insensitively (astropy's rule). */
export function findColumn<T extends { info: ColumnInfo }>(columns: T[], name: string): T | undefined {
  return columns.find((c) => c.info.name === name) ?? columns.find((c) => c.info.name.toLowerCase() === name.toLowerCase());
}
