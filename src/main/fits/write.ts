/**
 * Writing FITS: IMAGE HDUs from typed arrays (any BITPIX, unsigned types through the BZERO
 * convention) and BINTABLE HDUs (L B I J K A E D with repeat counts, TNULL, TUNIT, TDIM),
 * with mandatory keywords in the standard order and 2880-byte padding (headers with
 * blanks, data with zeros). Optional gzip output is byte-deterministic.
 */
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { encodeBigEndian } from './big-endian.js';
import { CardFormatError, formatCard } from './card-format.js';
import { BLOCK_LENGTH } from './header.js';
import { parseBinaryTform } from './tform.js';
import {
  FitsError,
  type HeaderValue,
  type NumericArray,
  type WriteCard,
  type WriteColumn,
  type WriteHdu,
  type WriteImageHdu,
  type WriteTableHdu,
} from './types.js';

/** Keywords the writer sets itself; user cards may not override them. */
const RESERVED = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|TFIELDS|BSCALE|BZERO|EXTNAME|END|T(TYPE|FORM|UNIT|NULL|DIM|SCAL|ZERO|BCOL)\d+|THEAP)$/;

const WRITE_NAME = 'writeFits';

type Bitpix = 8 | 16 | 32 | 64 | -32 | -64;

/** How a typed array is stored: BITPIX/TFORM code plus the BZERO/TZERO offset of unsigned conventions. */
interface Storage {
  bitpix: Bitpix;
  code: string;
  zero: number | bigint | null;
}

const TWO_63 = 9223372036854775808n;

function storageOf(values: NumericArray): Storage {
  if (values instanceof Uint8Array) return { bitpix: 8, code: 'B', zero: null };
  if (values instanceof Int8Array) return { bitpix: 8, code: 'B', zero: -128 };
  if (values instanceof Int16Array) return { bitpix: 16, code: 'I', zero: null };
  if (values instanceof Uint16Array) return { bitpix: 16, code: 'I', zero: 32768 };
  if (values instanceof Int32Array) return { bitpix: 32, code: 'J', zero: null };
  if (values instanceof Uint32Array) return { bitpix: 32, code: 'J', zero: 2147483648 };
  if (values instanceof BigInt64Array) return { bitpix: 64, code: 'K', zero: null };
  if (values instanceof BigUint64Array) return { bitpix: 64, code: 'K', zero: TWO_63 };
  if (values instanceof Float32Array) return { bitpix: -32, code: 'E', zero: null };
  return { bitpix: -64, code: 'D', zero: null };
}

/** Stored (big-endian) bytes of a typed array, applying the unsigned offset where needed. */
function storedBytes(values: NumericArray): Uint8Array {
  if (values instanceof Int8Array) return Uint8Array.from(values, (v) => v + 128);
  const bytes = encodeBigEndian(values);
  // Subtracting 2^(n-1) from an unsigned value flips its top bit: the big-endian first byte.
  const size = values.BYTES_PER_ELEMENT;
  if (values instanceof Uint16Array || values instanceof Uint32Array || values instanceof BigUint64Array) {
    for (let i = 0; i < bytes.length; i += size) bytes[i] ^= 0x80;
  }
  return bytes;
}

const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  B: [0n, 255n],
  I: [-(2n ** 15n), 2n ** 15n - 1n],
  J: [-(2n ** 31n), 2n ** 31n - 1n],
  K: [-(2n ** 63n), 2n ** 63n - 1n],
};

/**
 * Converts values into the typed array a BITPIX or TFORM code asks for. Integer targets
 * refuse fractions, NaN and out-of-range values rather than truncating or wrapping them.
 */
function coerce(values: NumericArray, code: string, what: string): NumericArray {
  const target = { B: Uint8Array, I: Int16Array, J: Int32Array, K: BigInt64Array, E: Float32Array, D: Float64Array }[code];
  if (!target) throw new Error(`${what}: no numeric storage for code ${code}`);
  if (storageOf(values).code === code && storageOf(values).zero === null) return values;
  const range = INTEGER_RANGES[code];
  if (range) {
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const integral = typeof value === 'bigint' || Number.isInteger(value);
      if (!integral || BigInt(value) < range[0] || BigInt(value) > range[1]) {
        throw new Error(`${what}: value ${value} at index ${i} does not fit format ${code} (integers ${range[0]}..${range[1]})`);
      }
    }
  }
  if (target === BigInt64Array) return BigInt64Array.from(values as ArrayLike<number | bigint>, (v) => BigInt(v));
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return (target as Float64ArrayConstructor).from(values, Number);
  return (target as Float64ArrayConstructor).from(values as ArrayLike<number>);
}

const CODE_FOR_BITPIX: Record<Bitpix, string> = { 8: 'B', 16: 'I', 32: 'J', 64: 'K', [-32]: 'E', [-64]: 'D' } as Record<Bitpix, string>;

/**
 * Encodes HDUs into a complete FITS file. A table first gets an empty primary HDU in front.
 * @throws FitsError (file 'writeFits') naming the HDU and the problem for invalid input.
 */
export function writeFits(hdus: WriteHdu[]): Uint8Array {
  const list: WriteHdu[] = hdus.length === 0 || hdus[0].kind !== 'image' ? [{ kind: 'image', shape: [], data: null }, ...hdus] : hdus;
  const parts = list.map((hdu, index) => {
    try {
      return hdu.kind === 'image' ? encodeImage(hdu, index) : encodeTable(hdu);
    } catch (error) {
      if (error instanceof FitsError) throw error;
      throw new FitsError(WRITE_NAME, (error as Error).message, index);
    }
  });
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Writes HDUs to `path`; with `gzip: true` the file is gzip-compressed at a fixed level with
 * no timestamp, so the same HDUs always give the same bytes.
 */
export async function writeFitsFile(path: string, hdus: WriteHdu[], options: { gzip?: boolean } = {}): Promise<void> {
  const bytes = writeFits(hdus);
  await writeFile(path, options.gzip ? gzipFits(bytes) : bytes);
}

/** Deterministic gzip (fixed level; Node writes a zero mtime in the gzip header). */
export function gzipFits(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes, { level: 6 }));
}

function encodeImage(hdu: WriteImageHdu, index: number): Uint8Array {
  const elements = hdu.shape.reduce((product, n) => product * n, 1);
  let data = hdu.data;
  let storage: Storage;
  if (data === null) {
    if (hdu.shape.length > 0 && elements > 0) throw new Error(`image of shape [${hdu.shape}] has no data`);
    storage = { bitpix: hdu.bitpix ?? 8, code: '', zero: null };
  } else {
    if (data.length !== elements) throw new Error(`image data has ${data.length} values but shape [${hdu.shape}] needs ${elements}`);
    if (hdu.bitpix !== undefined && hdu.bitpix !== storageOf(data).bitpix) data = coerce(data, CODE_FOR_BITPIX[hdu.bitpix], 'image');
    storage = storageOf(data);
  }
  const axes = data === null ? [] : [...hdu.shape].reverse();
  const cards: string[] = [];
  const add = (keyword: string, value: HeaderValue, comment = '') => cards.push(...formatCard(keyword, value, comment));
  if (index === 0) add('SIMPLE', true, 'conforms to FITS standard');
  else add('XTENSION', 'IMAGE', 'image extension');
  add('BITPIX', storage.bitpix, 'array data type');
  add('NAXIS', axes.length, 'number of array dimensions');
  axes.forEach((length, i) => add(`NAXIS${i + 1}`, length));
  if (index === 0) add('EXTEND', true);
  else {
    add('PCOUNT', 0, 'number of parameters');
    add('GCOUNT', 1, 'number of groups');
  }
  if (storage.zero !== null) {
    add('BSCALE', 1);
    add('BZERO', storage.zero);
  }
  if (hdu.name) add('EXTNAME', hdu.name, 'extension name');
  addUserCards(cards, hdu.cards);
  return concatPadded(cards, data === null ? new Uint8Array(0) : storedBytes(data));
}

function encodeTable(hdu: WriteTableHdu): Uint8Array {
  const columns = hdu.columns.map((column) => encodeColumn(column, hdu.nrows));
  const rowWidth = columns.reduce((sum, c) => sum + c.width, 0);
  const cards: string[] = [];
  const add = (keyword: string, value: HeaderValue, comment = '') => cards.push(...formatCard(keyword, value, comment));
  add('XTENSION', 'BINTABLE', 'binary table extension');
  add('BITPIX', 8, 'array data type');
  add('NAXIS', 2, 'number of array dimensions');
  add('NAXIS1', rowWidth, 'length of dimension 1');
  add('NAXIS2', hdu.nrows, 'length of dimension 2');
  add('PCOUNT', 0, 'number of group parameters');
  add('GCOUNT', 1, 'number of groups');
  add('TFIELDS', columns.length, 'number of table fields');
  columns.forEach((column, i) => {
    const n = i + 1;
    add(`TTYPE${n}`, column.source.name);
    add(`TFORM${n}`, column.tform);
    if (column.source.unit) add(`TUNIT${n}`, column.source.unit);
    if (column.source.nullValue !== undefined) add(`TNULL${n}`, column.source.nullValue);
    if (column.zero !== null) {
      add(`TSCAL${n}`, 1);
      add(`TZERO${n}`, column.zero);
    }
    if (column.source.dim) add(`TDIM${n}`, `(${[...column.source.dim].reverse().join(',')})`);
  });
  if (hdu.name) add('EXTNAME', hdu.name, 'extension name');
  addUserCards(cards, hdu.cards);

  const data = new Uint8Array(rowWidth * hdu.nrows);
  let offset = 0;
  for (const column of columns) {
    for (let row = 0; row < hdu.nrows; row++) {
      data.set(column.bytes.subarray(row * column.width, (row + 1) * column.width), row * rowWidth + offset);
    }
    offset += column.width;
  }
  return concatPadded(cards, data);
}

interface EncodedColumn {
  source: WriteColumn;
  tform: string;
  width: number;
  zero: number | bigint | null;
  /** nrows * width stored bytes. */
  bytes: Uint8Array;
}

function encodeColumn(column: WriteColumn, nrows: number): EncodedColumn {
  const what = `column ${column.name}`;
  const format = parseBinaryTform(column.format);
  if (!format || !'LBIJKAED'.includes(format.code) || format.elementCode !== null) {
    throw new Error(`${what}: format '${column.format}' is not writable (use L B I J K A E D with an optional repeat count)`);
  }
  const { code, repeat, width } = format;
  const tform = `${repeat}${code}`;
  if (code === 'A') {
    const strings = column.values as string[];
    checkLength(strings.length, nrows, what);
    const bytes = new Uint8Array(nrows * width).fill(0x20);
    strings.forEach((text, row) => {
      if (text.length > width) throw new Error(`${what}: row ${row} has ${text.length} characters, more than ${width}`);
      if (/[^\x20-\x7e]/.test(text)) throw new Error(`${what}: row ${row} has characters outside printable ASCII`);
      for (let k = 0; k < text.length; k++) bytes[row * width + k] = text.charCodeAt(k);
    });
    return { source: column, tform, width, zero: null, bytes };
  }
  if (code === 'L') {
    const flags = column.values as (boolean | null)[];
    checkLength(flags.length, nrows * repeat, what);
    const bytes = Uint8Array.from(flags, (flag) => (flag === null ? 0 : flag ? 0x54 : 0x46));
    return { source: column, tform, width, zero: null, bytes };
  }
  if (!ArrayBuffer.isView(column.values)) throw new Error(`${what}: format ${code} needs a typed array of values`);
  let values = column.values as NumericArray;
  checkLength(values.length, nrows * repeat, what);
  // Unsigned arrays keep their type and get the TZERO convention; anything else is converted.
  const natural = storageOf(values);
  if (!(natural.code === code && natural.zero !== null)) values = coerce(values, code, what);
  const zero = storageOf(values).zero;
  if (column.nullValue !== undefined && !'BIJK'.includes(code)) throw new Error(`${what}: TNULL is only allowed for integer formats`);
  return { source: column, tform, width, zero, bytes: storedBytes(values) };
}

function checkLength(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new Error(`${what}: has ${actual} values, expected ${expected}`);
}

function addUserCards(cards: string[], user: WriteCard[] | undefined): void {
  const formatted = (user ?? []).map((card) => {
    const keyword = card.keyword.trim().toUpperCase();
    if (RESERVED.test(keyword)) throw new Error(`card ${keyword} is set by the writer and cannot be given`);
    try {
      return { keyword, images: formatCard(keyword, card.value, card.comment ?? '') };
    } catch (error) {
      if (error instanceof CardFormatError) throw new Error(error.message);
      throw error;
    }
  });
  // fitsverify expects LONGSTRN to announce the CONTINUE long-string convention.
  const usesContinue = formatted.some((card) => card.images.length > 1 && card.images[1].startsWith('CONTINUE'));
  if (usesContinue && !formatted.some((card) => card.keyword === 'LONGSTRN')) {
    cards.push(...formatCard('LONGSTRN', 'OGIP 1.0', 'The OGIP long string convention may be used'));
  }
  for (const card of formatted) cards.push(...card.images);
}

/** Header cards + END padded with blanks, then data padded with zeros, each to 2880 bytes. */
function concatPadded(cards: string[], data: Uint8Array): Uint8Array {
  const header = [...cards, 'END'.padEnd(80)].join('');
  const headerLength = Math.ceil(header.length / BLOCK_LENGTH) * BLOCK_LENGTH;
  const dataLength = Math.ceil(data.length / BLOCK_LENGTH) * BLOCK_LENGTH;
  const out = new Uint8Array(headerLength + dataLength);
  out.fill(0x20, 0, headerLength);
  for (let i = 0; i < header.length; i++) out[i] = header.charCodeAt(i);
  out.set(data, headerLength);
  return out;
}
