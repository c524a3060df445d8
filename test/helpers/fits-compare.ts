/**
 * Comparing what our FITS reader returns with what astropy returns for the same file.
 * The astropy side comes from fits_astropy_dump.py (one JSON per file); every mismatch is
 * reported as a readable line so a failing test says exactly which HDU/card/column differs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ColumnData, FitsFile, HeaderValue, ImageHdu, NumericArray, TableHdu } from '../../src/main/fits/index.js';
import { runPython } from './python.js';

export const ASTROPY_DUMP_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fits_astropy_dump.py');

type DumpValue = ['b', boolean] | ['i', string] | ['f', number | string] | ['s', string] | ['c', [number, number]] | ['u', null];
interface Blob { dtype: string; shape: number[]; b64: string }
interface DumpColumn { name: string; format: string; array?: Blob; strings?: string[]; rows?: (Blob | { string: string })[]; blank?: number[] }
interface DumpHdu { type: string; name: string; cards: [string, DumpValue, string][]; image?: Blob | null; nrows?: number; columns?: DumpColumn[] }
export interface AstropyDump { path: string; error?: string; hdus: DumpHdu[] }

/** Runs astropy once over all `files`, writing `<outDir>/<k>.json`; returns a loader by index. */
export async function dumpWithAstropy(files: string[], outDir: string): Promise<(k: number) => Promise<AstropyDump>> {
  await runPython(ASTROPY_DUMP_SCRIPT, [outDir, ...files]);
  return async (k) => JSON.parse(await readFile(path.join(outDir, `${k}.json`), 'utf8')) as AstropyDump;
}

const HDU_TYPES: Record<string, string> = { PRIMARY: 'PrimaryHDU', IMAGE: 'ImageHDU', BINTABLE: 'BinTableHDU', TABLE: 'TableHDU' };

const TYPED_BY_DTYPE: Record<string, { new (buffer: ArrayBuffer): NumericArray }> = {
  uint8: Uint8Array, int8: Int8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  int64: BigInt64Array, uint64: BigUint64Array, float32: Float32Array, float64: Float64Array, bool: Uint8Array,
};

/** numpy dtype name of a typed array. */
export function dtypeOf(values: NumericArray): string {
  const names: [Function, string][] = [
    [Uint8Array, 'uint8'], [Int8Array, 'int8'], [Int16Array, 'int16'], [Uint16Array, 'uint16'], [Int32Array, 'int32'],
    [Uint32Array, 'uint32'], [BigInt64Array, 'int64'], [BigUint64Array, 'uint64'], [Float32Array, 'float32'], [Float64Array, 'float64'],
  ];
  return names.find(([ctor]) => values instanceof ctor)?.[1] ?? 'unknown';
}

/** The typed array a dump blob holds. */
export function blobArray(blob: Blob): NumericArray {
  const bytes = Buffer.from(blob.b64, 'base64');
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  return new TYPED_BY_DTYPE[blob.dtype](aligned.buffer);
}

/** Index of the first differing element (NaN equals NaN), or -1. `skip` marks positions not compared. */
export function firstDifference(ours: ArrayLike<number | bigint>, theirs: ArrayLike<number | bigint>, skip?: ArrayLike<number>): number {
  if (ours.length !== theirs.length) return Math.min(ours.length, theirs.length);
  for (let i = 0; i < ours.length; i++) {
    if (skip && skip[i]) continue;
    const a = ours[i];
    const b = theirs[i];
    if (a === b) continue;
    if (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) continue;
    return i;
  }
  return -1;
}

function sameHeaderValue(ours: HeaderValue, [type, value]: DumpValue): boolean {
  switch (type) {
    case 'b': return ours === value;
    case 'i': return (typeof ours === 'number' || typeof ours === 'bigint') && String(ours) === value;
    case 'f': return typeof ours === 'number' && (ours === value || (Number.isNaN(ours) && value === 'nan'));
    case 's': return ours === value;
    case 'c': {
      const match = typeof ours === 'string' ? /^\((.*), (.*)\)$/.exec(ours) : null;
      return match !== null && Number(match[1]) === value[0] && Number(match[2]) === value[1];
    }
    case 'u': return ours === null;
  }
}

/** Every difference between our reading of `file` and astropy's `dump`; empty when identical. */
export async function compareWithAstropy(file: FitsFile, dump: AstropyDump): Promise<string[]> {
  if (dump.error) return [`astropy could not read ${dump.path}: ${dump.error}`];
  const problems: string[] = [];
  if (file.hdus.length !== dump.hdus.length) return [`HDU count: ours ${file.hdus.length}, astropy ${dump.hdus.length}`];
  for (const [i, theirs] of dump.hdus.entries()) {
    const hdu = file.hdus[i];
    const where = `HDU ${i}`;
    if (HDU_TYPES[hdu.kind] !== theirs.type) problems.push(`${where} type: ours ${hdu.kind}, astropy ${theirs.type}`);
    if (hdu.name.toUpperCase() !== theirs.name.toUpperCase()) problems.push(`${where} name: ours '${hdu.name}', astropy '${theirs.name}'`);
    problems.push(...compareCards(hdu.header.cards, theirs.cards, where));
    if (theirs.columns) problems.push(...(await compareTable(hdu as TableHdu, theirs, where)));
    else problems.push(...(await compareImage(hdu as ImageHdu, theirs.image ?? null, where)));
  }
  return problems;
}

function compareCards(ours: readonly { keyword: string; value: HeaderValue; comment: string }[], theirs: DumpHdu['cards'], where: string): string[] {
  if (ours.length !== theirs.length) {
    return [`${where} card count: ours ${ours.length}, astropy ${theirs.length} (ours ${ours.map((c) => c.keyword).join(',')})`];
  }
  const problems: string[] = [];
  theirs.forEach(([keyword, value, comment], k) => {
    const card = ours[k];
    if (card.keyword !== keyword) problems.push(`${where} card ${k} keyword: ours ${card.keyword}, astropy ${keyword}`);
    else if (!sameHeaderValue(card.value, value)) problems.push(`${where} card ${keyword} value: ours ${String(card.value)}, astropy ${JSON.stringify(value)}`);
    else if (card.comment !== comment) problems.push(`${where} card ${keyword} comment: ours '${card.comment}', astropy '${comment}'`);
  });
  return problems;
}

async function compareImage(hdu: ImageHdu, theirs: Blob | null, where: string): Promise<string[]> {
  const image = await hdu.readImage();
  if (theirs === null) return image.data.length === 0 ? [] : [`${where}: astropy has no data, ours has ${image.data.length} values`];
  const problems: string[] = [];
  if (dtypeOf(image.data) !== theirs.dtype) problems.push(`${where} image dtype: ours ${dtypeOf(image.data)}, astropy ${theirs.dtype}`);
  if (image.shape.join(',') !== theirs.shape.join(',')) problems.push(`${where} image shape: ours [${image.shape}], astropy [${theirs.shape}]`);
  const expected = blobArray(theirs);
  const at = firstDifference(image.data, expected);
  if (at >= 0) problems.push(`${where} image pixel ${at}: ours ${image.data[at]}, astropy ${expected[at]}`);
  return problems;
}

async function compareTable(hdu: TableHdu, theirs: DumpHdu, where: string): Promise<string[]> {
  const problems: string[] = [];
  if (hdu.nrows !== theirs.nrows) problems.push(`${where} rows: ours ${hdu.nrows}, astropy ${theirs.nrows}`);
  const columns = theirs.columns ?? [];
  if (hdu.columns.length !== columns.length) return [...problems, `${where} column count: ours ${hdu.columns.length}, astropy ${columns.length}`];
  for (const [k, column] of columns.entries()) {
    const info = hdu.columns[k];
    const at = `${where} column ${k} '${column.name}'`;
    if (info.name !== column.name) problems.push(`${at}: our name '${info.name}'`);
    const data = await hdu.readColumn(info.name);
    problems.push(...compareColumn(info.code, data, column, at));
  }
  return problems;
}

function compareColumn(code: string, data: ColumnData, theirs: DumpColumn, at: string): string[] {
  if (theirs.strings) {
    const ours = data.values as string[];
    const k = ours.findIndex((s, i) => s !== theirs.strings![i]);
    if (ours.length !== theirs.strings.length || k >= 0) return [`${at} strings differ at ${k}: ours '${ours[k]}', astropy '${theirs.strings[k]}'`];
    return [];
  }
  if (theirs.rows) {
    const rows = data.values as (NumericArray | string)[];
    for (const [r, row] of theirs.rows.entries()) {
      if ('string' in row) {
        if (rows[r] !== row.string) return [`${at} row ${r}: ours '${String(rows[r])}', astropy '${row.string}'`];
        continue;
      }
      const ours = rows[r] as NumericArray;
      const expected = blobArray(row);
      if (row.dtype !== 'bool' && dtypeOf(ours) !== row.dtype) return [`${at} row ${r} dtype: ours ${dtypeOf(ours)}, astropy ${row.dtype}`];
      const d = firstDifference(ours, expected);
      if (d >= 0) return [`${at} row ${r} element ${d}: ours ${ours[d]}, astropy ${expected[d]}`];
    }
    return [];
  }
  const blob = theirs.array as Blob;
  const expected = blobArray(blob);
  let ours: ArrayLike<number | bigint>;
  // By design B + TZERO -128 gives Int8Array where astropy gives float64: values must still agree.
  if (blob.dtype === 'bool') {
    ours = code === 'L' ? Uint8Array.from(data.values as (boolean | null)[], (v) => (v ? 1 : 0)) : (data.values as Uint8Array);
  } else {
    ours = data.values as NumericArray;
    const signedBytes = dtypeOf(ours as NumericArray) === 'int8' && blob.dtype === 'float64';
    if (signedBytes) ours = Float64Array.from(ours as Int8Array);
    else if (dtypeOf(data.values as NumericArray) !== blob.dtype) return [`${at} dtype: ours ${dtypeOf(data.values as NumericArray)}, astropy ${blob.dtype}`];
  }
  const problems: string[] = [];
  if (theirs.blank) {
    // ASCII tables: astropy turns blank fields into 0; we give NaN (reals) or a null flag (integers).
    const oursBlank = data.nulls ?? Uint8Array.from(ours as Float64Array, (v) => (Number.isNaN(v) ? 1 : 0));
    const b = firstDifference(oursBlank, theirs.blank);
    if (b >= 0) problems.push(`${at} blank field ${b}: ours ${oursBlank[b]}, astropy raw field blank ${theirs.blank[b]}`);
  }
  const d = firstDifference(ours, expected, theirs.blank);
  if (d >= 0) problems.push(`${at} value ${d}: ours ${ours[d]}, astropy ${expected[d]}`);
  return problems;
}
