/**
 * Decoding one ASCII TABLE column (XTENSION='TABLE') from its packed text cells.
 * Types follow astropy: Iw → Int16 (w ≤ 4), Int32 (w ≤ 9) or BigInt64; F/E/D → Float64;
 * A → trimmed-right strings. Unlike astropy, which turns blank numeric fields into 0, blank
 * (or TNULL) fields are NaN for reals and flagged in `nulls` for integers.
 */
import { decodeStrings } from './bintable.js';
import type { AsciiColumn } from './columns.js';
import { isIdentity, scaleToFloat } from './scaling.js';
import type { ColumnData, NumericArray } from './types.js';

const latin1 = new TextDecoder('latin1');

export function decodeAsciiColumn(column: AsciiColumn, cells: Uint8Array, nrows: number): ColumnData {
  const { code, width } = column.format;
  const name = column.info.name;
  if (code === 'A') return { name, nrows, repeat: 1, values: decodeStrings(cells, nrows, width), nulls: null };

  const tnull = column.info.tnull === null ? null : String(column.info.tnull).trim();
  const nulls = new Uint8Array(nrows);
  const texts = new Array<string>(nrows);
  for (let row = 0; row < nrows; row++) {
    const text = latin1.decode(cells.subarray(row * width, (row + 1) * width)).trim();
    texts[row] = text;
    if (text === '' || text === tnull) nulls[row] = 1;
  }
  const raw = code === 'I' ? parseIntegers(texts, nulls, width, column) : parseReals(texts, nulls, column);
  const scaling = { scale: column.info.tscal ?? 1, zero: column.zero };
  if (!isIdentity(scaling)) return { name, nrows, repeat: 1, values: scaleToFloat(raw, scaling, Float64Array, nulls), nulls };
  return { name, nrows, repeat: 1, values: raw, nulls: code === 'I' ? nulls : null };
}

function parseIntegers(texts: string[], nulls: Uint8Array, width: number, column: AsciiColumn): NumericArray {
  if (width > 9) {
    const out = new BigInt64Array(texts.length);
    texts.forEach((text, row) => {
      if (!nulls[row]) out[row] = BigInt(checkedInteger(text, row, column));
    });
    return out;
  }
  const out = width <= 4 ? new Int16Array(texts.length) : new Int32Array(texts.length);
  texts.forEach((text, row) => {
    if (!nulls[row]) out[row] = Number(checkedInteger(text, row, column));
  });
  return out;
}

function checkedInteger(text: string, row: number, column: AsciiColumn): string {
  const compact = text.replace(/^\+/, '');
  if (!/^-?\d+$/.test(compact)) throw new Error(`column ${column.info.name} row ${row}: '${text}' is not an integer`);
  return compact;
}

function parseReals(texts: string[], nulls: Uint8Array, column: AsciiColumn): Float64Array {
  const out = new Float64Array(texts.length);
  texts.forEach((text, row) => {
    if (nulls[row]) {
      out[row] = NaN;
      return;
    }
    const value = Number(text.replace(/[dD]/, 'E'));
    if (Number.isNaN(value)) throw new Error(`column ${column.info.name} row ${row}: '${text}' is not a number`);
    out[row] = value;
  });
  return out;
}
