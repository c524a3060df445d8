/**
 * Our FITS writer, checked by the reference tools: astropy must read back exactly the values
 * we wrote (NaN in the same places, 64-bit integers exact), fitsverify must report 0 errors
 * and 0 warnings, and our own reader must round-trip them. Missing tools fail the test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FitsError,
  openFits,
  writeFits,
  writeFitsFile,
  type ImageHdu,
  type NumericArray,
  type TableHdu,
  type WriteColumn,
  type WriteHdu,
} from '../../src/main/fits/index.js';
import { compareWithAstropy, dumpWithAstropy, firstDifference, type AstropyDump } from '../helpers/fits-compare.js';
import { hasCommand, requireAstropy } from '../helpers/python.js';

const n = 7;
const images: Record<string, NumericArray> = {
  U8: Uint8Array.from({ length: 12 }, (_, i) => i * 21),
  I16: Int16Array.from([-32768, -1, 0, 1, 32767, 1234]),
  I32: Int32Array.from([-(2 ** 31), -1, 0, 2 ** 31 - 1, 99, 100]),
  I64: BigInt64Array.from([-(2n ** 63n), 2n ** 53n + 1n, 9007199254740993n, 0n, -1n, 2n ** 63n - 1n]),
  F32: Float32Array.from([1.5, NaN, -Infinity, 3.4e38, -0, 1e-38]),
  F64: Float64Array.from([NaN, 1 / 3, -2.5e300, 7, Infinity, 5e-324]),
  S8: Int8Array.from([-128, -1, 0, 127, 5, 6]),
  U16: Uint16Array.from([0, 1, 40000, 65535, 32768, 7]),
  U32: Uint32Array.from([0, 1, 3_000_000_000, 4294967295, 5, 6]),
  U64: BigUint64Array.from([0n, 1n, 2n ** 63n + 5n, 2n ** 64n - 1n, 5n, 6n]),
};
const imageShape = (name: string) => (name === 'U8' ? [3, 4] : [2, 3]);

const tableColumns = {
  FLAG: { format: 'L', values: [true, false, null, true, false, true, true] },
  FLAGS: { format: '2L', values: Array.from({ length: 2 * n }, (_, i) => i % 3 === 0) },
  BYTE: { format: 'B', values: Uint8Array.from({ length: n }, (_, i) => i * 30) },
  SHORT: { format: 'I', values: Int16Array.from([-32768, -1, 0, 1, 32767, 9, -999]), nullValue: -999 },
  INT: { format: 'J', unit: 'count', values: Int32Array.from({ length: n }, (_, i) => (i - 3) * 100_000_007) },
  LONG: { format: 'K', values: BigInt64Array.from([2n ** 62n + 1n, -(2n ** 53n) - 1n, 9007199254740993n, 0n, -1n, 2n ** 63n - 1n, -(2n ** 63n)]) },
  NAME: { format: '12A', values: ['KIC 11442793', '', "it's", 'a b', 'x', 'LAMOST J0', 'z'] },
  FLUX: { format: 'E', unit: 'e-/s', values: Float32Array.from([1.5, NaN, -Infinity, 0, 2, NaN, 3]) },
  TIME: { format: 'D', unit: 'd', values: Float64Array.from([NaN, 1 / 3, 1e-300, -2, 5, 6, 7]) },
  SPEC: { format: '6E', dim: [2, 3], values: Float32Array.from({ length: 6 * n }, (_, i) => Math.sqrt(i)) },
  IDS: { format: '3K', values: BigInt64Array.from({ length: 3 * n }, (_, i) => BigInt(i) * 10_000_000_000_000_007n) },
  U16: { format: 'I', values: Uint16Array.from([0, 1, 40000, 65535, 32768, 7, 8]) },
  U32: { format: 'J', values: Uint32Array.from([0, 1, 3_000_000_000, 4294967295, 5, 6, 7]) },
  U64: { format: 'K', values: BigUint64Array.from([0n, 1n, 2n ** 63n + 5n, 2n ** 64n - 1n, 5n, 6n, 7n]) },
  S8: { format: 'B', values: Int8Array.from([-128, -1, 0, 127, 5, 6, 7]) },
} as const;

const hdus: WriteHdu[] = [
  {
    kind: 'image',
    shape: [],
    data: null,
    cards: [
      { keyword: 'OBJECT', value: "KIC 11442793 (Kepler-90's host)", comment: 'target' },
      { keyword: 'LONGDESC', value: 'a long description that does not fit on one card, '.repeat(4) + 'end', comment: 'continued' },
      { keyword: 'BIGINT', value: 2n ** 62n + 1n },
      { keyword: 'RA_OBJ', value: 291.0436, comment: '[deg]' },
      { keyword: 'FLAG', value: false },
      { keyword: 'HISTORY', value: 'written by the DESA Studio FITS writer' },
    ],
  },
  ...Object.entries(images).map(([name, data]): WriteHdu => ({ kind: 'image', name, shape: imageShape(name), data })),
  {
    kind: 'bintable',
    name: 'EVERYFORMAT',
    nrows: n,
    columns: Object.entries(tableColumns).map(([name, column]) => ({ name, ...column }) as unknown as WriteColumn),
  },
];

describe('FITS writer checked by astropy and fitsverify', () => {
  let dir: string;
  let file: string;
  let gzFile: string;
  let load: (k: number) => Promise<AstropyDump>;

  beforeAll(async () => {
    requireAstropy();
    dir = mkdtempSync(path.join(tmpdir(), 'fits-write-'));
    file = path.join(dir, 'written.fits');
    gzFile = path.join(dir, 'written.fits.gz');
    await writeFitsFile(file, hdus);
    await writeFitsFile(gzFile, hdus, { gzip: true });
    load = await dumpWithAstropy([file, gzFile], dir);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fitsverify reports no errors and no warnings', () => {
    if (!hasCommand('fitsverify')) throw new Error('fitsverify is not installed (apt-get install fitsverify): cannot check written FITS files');
    const run = spawnSync('fitsverify', [file], { encoding: 'utf8' });
    const summary = /Verification found (\d+) warning\(s\) and (\d+) error\(s\)/.exec(run.stdout);
    expect(summary, run.stdout).not.toBeNull();
    expect({ warnings: Number(summary![1]), errors: Number(summary![2]) }, run.stdout).toEqual({ warnings: 0, errors: 0 });
  });

  it.each([0, 1])('astropy reads file %i (plain, gzip) with the values our reader returns', async (k) => {
    const written = await openFits(k === 0 ? file : gzFile);
    try {
      expect(written.gzipped).toBe(k === 1);
      expect(await compareWithAstropy(written, await load(k))).toEqual([]);
    } finally {
      await written.close();
    }
  });

  it('our reader returns exactly the values written (so astropy does too)', async () => {
    const written = await openFits(file);
    try {
      expect(written.hdus.map((h) => h.name)).toEqual(['PRIMARY', ...Object.keys(images), 'EVERYFORMAT']);
      const header = written.hdus[0].header;
      for (const card of (hdus[0] as { cards: { keyword: string; value: unknown }[] }).cards.filter((c) => c.keyword !== 'HISTORY')) {
        expect(header.get(card.keyword)).toEqual(card.value);
      }
      for (const [name, data] of Object.entries(images)) {
        const hdu = written.hdus.find((h) => h.name === name) as ImageHdu;
        const image = await hdu.readImage();
        expect(image.shape).toEqual(imageShape(name));
        expect(image.data.constructor).toBe(data.constructor);
        expect(firstDifference(image.data, data)).toBe(-1);
      }
      const table = written.hdus.at(-1) as TableHdu;
      for (const [name, column] of Object.entries(tableColumns)) {
        const read = await table.readColumn(name);
        if (ArrayBuffer.isView(column.values)) {
          expect(read.values.constructor, name).toBe(column.values.constructor);
          expect(firstDifference(read.values as NumericArray, column.values as NumericArray), name).toBe(-1);
        } else {
          expect(read.values, name).toEqual(column.values);
        }
      }
      expect(Array.from((await table.readColumn('SHORT')).nulls!)).toEqual([0, 0, 0, 0, 0, 0, 1]);
      expect(table.columns.find((c) => c.name === 'SPEC')?.dim).toEqual([2, 3]);
      expect(table.columns.find((c) => c.name === 'FLUX')?.unit).toBe('e-/s');
    } finally {
      await written.close();
    }
  });

  it('gzip output is byte-deterministic with no timestamp', async () => {
    const again = path.join(dir, 'again.fits.gz');
    await writeFitsFile(again, hdus, { gzip: true });
    const first = readFileSync(gzFile);
    expect(first.equals(readFileSync(again))).toBe(true);
    expect([first[0], first[1]]).toEqual([0x1f, 0x8b]);
    expect(first.readUInt32LE(4)).toBe(0); // MTIME
  });

  it('every HDU is padded to 2880-byte blocks: headers with blanks, data with zeros', () => {
    const bytes = writeFits([{ kind: 'image', shape: [3], data: Int16Array.from([1, 2, 3]) }]);
    expect(bytes.length).toBe(2 * 2880);
    const header = new TextDecoder('latin1').decode(bytes.subarray(0, 2880));
    expect(header.slice(header.indexOf('END     '))).toMatch(/^END +$/);
    expect(bytes.subarray(2880 + 6).every((b) => b === 0)).toBe(true);
  });

  it('invalid input gives a FitsError naming the HDU and problem', () => {
    expect(() => writeFits([{ kind: 'image', shape: [2, 2], data: new Float32Array(3) }])).toThrow(FitsError);
    expect(() => writeFits([{ kind: 'image', shape: [2, 2], data: new Float32Array(3) }])).toThrow(/\[HDU 0\]: image data has 3 values but shape \[2,2\] needs 4/);
    expect(() => writeFits([{ kind: 'bintable', nrows: 1, columns: [{ name: 'P', format: 'PJ()', values: new Int32Array(1) }] }])).toThrow(/\[HDU 1\]: column P: format 'PJ\(\)' is not writable/);
    expect(() => writeFits([{ kind: 'bintable', nrows: 1, columns: [{ name: 'S', format: '2A', values: ['abc'] }] }])).toThrow(/row 0 has 3 characters, more than 2/);
    expect(() => writeFits([{ kind: 'image', shape: [], data: null, cards: [{ keyword: 'NAXIS', value: 3 }] }])).toThrow(/NAXIS is set by the writer/);
    expect(() => writeFits([{ kind: 'image', shape: [2], data: Float64Array.from([1, 2.5]), bitpix: 16 }])).toThrow(/value 2.5 at index 1 does not fit format I/);
    expect(() => writeFits([{ kind: 'bintable', nrows: 1, columns: [{ name: 'B', format: 'B', values: Int16Array.from([300]) }] }])).toThrow(/value 300 .* does not fit format B/);
  });
});
