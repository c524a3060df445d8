/**
 * Decoding one BINTABLE column from its packed cells (see cells.ts), following astropy:
 * - L: true for 'T', false for 'F', null for a 0 byte (astropy shows null as False);
 * - X: one Uint8Array element (0/1) per bit, most significant bit first, like astropy's bool array;
 * - A: one string per row (or per TDIM sub-array), trailing blanks and NULs removed;
 * - C/M: interleaved re/im float pairs, repeat counts numbers (2 per complex value);
 * - B/I/J/K with TSCAL/TZERO: unsigned conventions → Int8/Uint16/Uint32/BigUint64, else Float64;
 * - P/Q: one array per row read from the heap.
 */
import { decodeBigEndian, type ElementType } from './big-endian.js';
import type { BinaryColumn } from './columns.js';
import { applyUnsignedConvention, isIdentity, nullMask, scaleToFloat, type Scaling } from './scaling.js';
import type { ColumnData, NumericArray } from './types.js';

const NUMERIC_TYPES: Record<string, ElementType> = {
  B: 'uint8', I: 'int16', J: 'int32', K: 'int64', E: 'float32', D: 'float64', C: 'float32', M: 'float64',
};
const INTEGER_CODES = new Set(['B', 'I', 'J', 'K']);

export type CellValues = ColumnData['values'];

/** Decodes fixed-width column cells (nrows * width bytes) into ColumnData. */
export function decodeFixedColumn(column: BinaryColumn, cells: Uint8Array, nrows: number): ColumnData {
  const { code, repeat } = column.format;
  const name = column.info.name;
  switch (code) {
    case 'L':
      return { name, nrows, repeat, values: decodeLogicals(cells), nulls: null };
    case 'X':
      return { name, nrows, repeat, values: unpackBits(cells, nrows, repeat), nulls: null };
    case 'A': {
      const stringWidth = column.info.dim && column.info.dim.length > 1 ? column.info.dim[column.info.dim.length - 1] : repeat;
      const perRow = stringWidth > 0 ? Math.max(1, Math.floor(repeat / stringWidth)) : 1;
      return { name, nrows, repeat: perRow, values: decodeStrings(cells, nrows * perRow, stringWidth || 0), nulls: null };
    }
    default: {
      const raw = decodeBigEndian(cells, NUMERIC_TYPES[code]);
      const numbersPerRow = code === 'C' || code === 'M' ? repeat * 2 : repeat;
      return { name, nrows, repeat: numbersPerRow, ...scaleColumn(column, raw) };
    }
  }
}

/** Physical values and null mask of a numeric column's raw values. */
export function scaleColumn(column: BinaryColumn, raw: NumericArray): { values: NumericArray; nulls: Uint8Array | null } {
  const code = column.format.elementCode ?? column.format.code;
  const tnull = column.info.tnull;
  const nulls = INTEGER_CODES.has(code) && (typeof tnull === 'number' || typeof tnull === 'bigint') ? nullMask(raw, tnull) : null;
  const scaling: Scaling = { scale: column.info.tscal ?? 1, zero: column.zero };
  if (isIdentity(scaling) || code === 'C' || code === 'M') return { values: raw, nulls };
  const unsigned = INTEGER_CODES.has(code) ? applyUnsignedConvention(raw, scaling) : null;
  return { values: unsigned ?? scaleToFloat(raw, scaling, Float64Array), nulls };
}

export function decodeLogicals(bytes: Uint8Array): (boolean | null)[] {
  const out = new Array<boolean | null>(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] === 0x54 ? true : bytes[i] === 0x46 ? false : null;
  return out;
}

/** Bits of each row's ceil(bits/8) bytes, most significant first: nrows * bits values of 0/1. */
export function unpackBits(bytes: Uint8Array, nrows: number, bits: number): Uint8Array {
  const bytesPerRow = Math.ceil(bits / 8);
  const out = new Uint8Array(nrows * bits);
  for (let row = 0; row < nrows; row++) {
    for (let bit = 0; bit < bits; bit++) {
      const byte = bytes[row * bytesPerRow + (bit >> 3)];
      out[row * bits + bit] = (byte >> (7 - (bit & 7))) & 1;
    }
  }
  return out;
}

const latin1 = new TextDecoder('latin1');

/** `count` strings of `width` bytes each, trailing blanks and NULs removed (numpy/astropy). */
export function decodeStrings(bytes: Uint8Array, count: number, width: number): string[] {
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    let end = (i + 1) * width;
    const start = i * width;
    while (end > start && (bytes[end - 1] === 0 || bytes[end - 1] === 0x20)) end--;
    out[i] = latin1.decode(bytes.subarray(start, end));
  }
  return out;
}

/** Array descriptors of a P (32-bit) or Q (64-bit) column: element count and heap offset per row. */
export function decodeDescriptors(cells: Uint8Array, code: string, nrows: number): { counts: number[]; offsets: number[] } {
  const raw = decodeBigEndian(cells, code === 'P' ? 'int32' : 'int64');
  const counts = new Array<number>(nrows);
  const offsets = new Array<number>(nrows);
  for (let row = 0; row < nrows; row++) {
    counts[row] = Number(raw[2 * row]);
    offsets[row] = Number(raw[2 * row + 1]);
  }
  return { counts, offsets };
}

/** Bytes one element of a variable-length array occupies in the heap (X counts bits). */
export function heapElementBytes(elementCode: string, count: number): number {
  if (elementCode === 'X') return Math.ceil(count / 8);
  const sizes: Record<string, number> = { L: 1, B: 1, A: 1, I: 2, J: 4, K: 8, E: 4, D: 8, C: 8, M: 16 };
  return count * sizes[elementCode];
}

/** Decodes one row's heap bytes of a P/Q column. */
export function decodeHeapArray(column: BinaryColumn, bytes: Uint8Array, count: number): NumericArray | string {
  const elementCode = column.format.elementCode as string;
  switch (elementCode) {
    case 'A':
      return decodeStrings(bytes, 1, bytes.length)[0];
    case 'L':
      // Logical heap arrays as 1 (true) / 0 (false or null) bytes, to stay a typed array.
      return Uint8Array.from(bytes, (b) => (b === 0x54 ? 1 : 0));
    case 'X':
      return unpackBits(bytes, 1, count);
    default:
      return scaleColumn(column, decodeBigEndian(bytes, NUMERIC_TYPES[elementCode])).values;
  }
}
