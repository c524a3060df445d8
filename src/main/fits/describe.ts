/**
 * A JSON-able summary of a FITS file in the spirit of astropy's `HDUList.info()` /
 * `fitsinfo`, plus every header card and, for tables, the columns. Used by `desa info`.
 */
import { imageScaling, scaledImageType } from './image.js';
import type { ColumnInfo, FitsFile, HeaderValue, ImageHdu, TableHdu } from './types.js';

/** Header values as JSON: 64-bit integers become decimal strings. */
export type JsonHeaderValue = string | number | boolean | null;

export interface FitsHduDescription {
  index: number;
  name: string;
  /** EXTVER (1 when absent), astropy's 'Ver' column. */
  version: number;
  /** astropy class name: PrimaryHDU, ImageHDU, BinTableHDU or TableHDU. */
  type: 'PrimaryHDU' | 'ImageHDU' | 'BinTableHDU' | 'TableHDU';
  /** Number of header cards (CONTINUE cards joined into one). */
  cards: number;
  /** astropy's Dimensions column: image axes NAXIS1, NAXIS2, ... (FITS order), or [rows, columns]. */
  dimensions: number[];
  /** astropy's Format column: numpy dtype of images ('' without data, "int16 (rescales to uint16)" when scaled), TFORMs of tables. */
  format: string;
  dataOffset: number;
  dataSize: number;
  header: { keyword: string; value: JsonHeaderValue; comment: string }[];
  columns?: { name: string; format: string; unit: string | null; dim: number[] | null; null: JsonHeaderValue }[];
}

export interface FitsDescription {
  path: string;
  gzipped: boolean;
  hdus: FitsHduDescription[];
}

const IMAGE_FORMATS: Record<number, string> = { 8: 'uint8', 16: 'int16', 32: 'int32', 64: 'int64', [-32]: 'float32', [-64]: 'float64' };

function jsonValue(value: HeaderValue): JsonHeaderValue {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Describes every HDU of an open file (headers only; no data are read). */
export function describeFits(file: FitsFile): FitsDescription {
  return {
    path: file.path,
    gzipped: file.gzipped,
    hdus: file.hdus.map((hdu) => {
      const isTable = hdu.kind === 'BINTABLE' || hdu.kind === 'TABLE';
      const table = hdu as TableHdu;
      const image = hdu as ImageHdu;
      const description: FitsHduDescription = {
        index: hdu.index,
        name: hdu.name,
        version: hdu.header.getNumber('EXTVER') ?? 1,
        type: hdu.kind === 'PRIMARY' ? 'PrimaryHDU' : hdu.kind === 'IMAGE' ? 'ImageHDU' : hdu.kind === 'BINTABLE' ? 'BinTableHDU' : 'TableHDU',
        cards: hdu.header.cards.length,
        dimensions: isTable ? [table.nrows, table.columns.length] : [...image.shape].reverse(),
        format: isTable ? `[${table.columns.map((c) => c.tform).join(', ')}]` : imageFormat(image),
        dataOffset: hdu.dataOffset,
        dataSize: hdu.dataSize,
        header: hdu.header.cards.map((card) => ({ keyword: card.keyword, value: jsonValue(card.value), comment: card.comment })),
      };
      if (isTable) description.columns = table.columns.map(describeColumn);
      return description;
    }),
  };
}

/** astropy's (header-based) image format: '' without data, else dtype plus what scaling gives. */
function imageFormat(hdu: ImageHdu): string {
  if (hdu.shape.length === 0 || hdu.shape.some((n) => n === 0)) return '';
  const stored = IMAGE_FORMATS[hdu.bitpix];
  const { scale, zero } = imageScaling(hdu.header);
  if (scale === 1 && Number(zero) === 0) return stored;
  return `${stored} (rescales to ${scaledImageType(hdu.bitpix, { scale, zero })})`;
}

function describeColumn(column: ColumnInfo): NonNullable<FitsHduDescription['columns']>[number] {
  return { name: column.name, format: column.tform, unit: column.unit, dim: column.dim, null: column.tnull === null ? null : jsonValue(column.tnull) };
}

/** A human-readable table like astropy's `HDUList.info()`, followed by each table's columns. */
export function formatFitsInfo(description: FitsDescription): string {
  const rows = description.hdus.map((hdu) => [
    String(hdu.index),
    hdu.name,
    String(hdu.version),
    hdu.type,
    String(hdu.cards),
    hdu.type.includes('Table') ? `${hdu.dimensions[0]}R x ${hdu.dimensions[1]}C` : `(${hdu.dimensions.join(', ')})`,
    hdu.format,
  ]);
  const lines = [`Filename: ${description.path}${description.gzipped ? ' (gzip)' : ''}`, ...alignColumns([['No.', 'Name', 'Ver', 'Type', 'Cards', 'Dimensions', 'Format'], ...rows])];
  for (const hdu of description.hdus) {
    if (!hdu.columns) continue;
    lines.push('', `HDU ${hdu.index} ${hdu.name} columns:`);
    lines.push(...alignColumns([['name', 'format', 'unit', 'dim'], ...hdu.columns.map((c) => [c.name, c.format, c.unit ?? '', c.dim ? `(${[...c.dim].reverse().join(',')})` : ''])]).map((l) => `  ${l}`));
  }
  return lines.join('\n');
}

function alignColumns(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}
