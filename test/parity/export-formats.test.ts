/**
 * Catalogue export validated by the reference tools: astropy reads FITS, VOTable, ECSV and CSV
 * back to identical values (int64 exact, float32/64 bit-equal, NaN kept, strings), with units;
 * fitsverify reports 0 errors; `stilts votlint` reports no error; DuckDB reads the Parquet back
 * with the same types, values and row order.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTable, takeRows, type ExportColumn, type ExportTable } from '../../src/main/export/index';
import { gaussian, mulberry32 } from '../../src/main/map/random';
import { hasCommand, requireAstropy, runPython } from '../helpers/python';

const N = 400;
const rand = mulberry32(2026);
const g = gaussian(rand);
const names = ['KIC 757076', 'a, b', 'say "hi"', 'two  inner  spaces', 'x'];
const table: ExportTable = {
  name: 'selection',
  columns: [
    { name: 'star_id', kind: 'int64', values: BigInt64Array.from({ length: N }, (_, i) => (i === 0 ? -(2n ** 63n) : i === 1 ? 2n ** 63n - 1n : 2n ** 53n + BigInt(i) * 7919n)) },
    { name: 'ra', kind: 'float64', unit: 'deg', values: Float64Array.from({ length: N }, () => rand() * 360) },
    { name: 'dec', kind: 'float64', unit: 'deg', values: Float64Array.from({ length: N }, () => Math.asin(2 * rand() - 1) * (180 / Math.PI)) },
    { name: 'teff', kind: 'float32', unit: 'K', description: 'effective temperature', values: Float32Array.from({ length: N }, (_, i) => (i % 37 === 5 ? NaN : 5000 + 800 * g())) },
    { name: 'umap_x', kind: 'float32', values: Float32Array.from({ length: N }, () => g() * 1e-7) },
    { name: 'n_spectra', kind: 'int32', values: Int32Array.from({ length: N }, (_, i) => (i * 31) % 5 - 1) },
    { name: 'label', kind: 'string', values: Array.from({ length: N }, (_, i) => names[i % names.length]) },
  ],
};

const ASTROPY_READ = String.raw`
import json, sys, math
import numpy as np
from astropy.table import Table
out = {}
for path, fmt in zip(sys.argv[1::2], sys.argv[2::2]):
    t = Table.read(path, format=fmt)
    cols = {}
    for name in t.colnames:
        c = t[name]
        kind = c.dtype.kind
        vals = c.filled(np.nan) if (hasattr(c, 'mask') and kind == 'f') else c
        if kind in 'iu':
            v = [str(int(x)) for x in vals]
        elif kind == 'f':
            v = ['nan' if math.isnan(x) else repr(float(x)) for x in vals]
        elif fmt == 'fits':
            # FITS pads text fields with blanks, and trailing blanks carry no meaning there.
            v = [(x.decode('ascii') if isinstance(x, bytes) else str(x)).rstrip(' ') for x in vals]
        else:
            v = [str(x) for x in vals]
        cols[name] = {'dtype': c.dtype.name, 'unit': None if c.unit is None else str(c.unit), 'values': v}
    out[fmt] = cols
print(json.dumps(out))
`;

type Read = Record<string, Record<string, { dtype: string; unit: string | null; values: string[] }>>;

let dir = '';
const file = (ext: string): string => path.join(dir, `selection.${ext}`);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-export-'));
  for (const ext of ['fits', 'vot', 'ecsv', 'csv', 'parquet']) await exportTable(table, file(ext));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** True when astropy's text of a cell is the exact value we wrote. */
function sameValue(c: ExportColumn, row: number, text: string): boolean {
  if (c.kind === 'int64') return BigInt(text) === c.values[row];
  if (c.kind === 'string') return text === c.values[row];
  const v = c.values[row];
  return Number.isNaN(v) ? text === 'nan' : Number(text) === v;
}

describe('catalogue export read back by astropy', () => {
  it('gives identical values, types and units in FITS, VOTable, ECSV and CSV', async () => {
    requireAstropy();
    const formats: [string, string][] = [['fits', 'fits'], ['vot', 'votable'], ['ecsv', 'ascii.ecsv'], ['csv', 'ascii.csv']];
    const read = JSON.parse(await runPython(ASTROPY_READ, formats.flatMap(([ext, fmt]) => [file(ext), fmt]))) as Read;
    for (const [, fmt] of formats) {
      const cols = read[fmt];
      expect(Object.keys(cols), fmt).toEqual(table.columns.map((c) => c.name));
      for (const c of table.columns) {
        const got = cols[c.name];
        expect(got.values.length, `${fmt} ${c.name}`).toBe(N);
        const bad = got.values.findIndex((text, row) => !sameValue(c, row, text));
        expect(bad, `${fmt} ${c.name} row ${bad}: ${got.values[bad]}`).toBe(-1);
        if (fmt !== 'ascii.csv') {
          // CSV carries neither units nor types beyond what astropy infers.
          expect(got.unit ?? undefined, `${fmt} ${c.name} unit`).toBe(c.unit);
          const dtype = { int64: /int64/, int32: /int32/, float64: /float64/, float32: /float32/, string: /^(str|bytes|object)/ }[c.kind];
          expect(got.dtype, `${fmt} ${c.name}`).toMatch(dtype);
        }
      }
    }
  });
});

describe('catalogue export validators', () => {
  it('FITS passes fitsverify with 0 errors', () => {
    expect(hasCommand('fitsverify')).toBe(true);
    const r = spawnSync('fitsverify', ['-e', file('fits')], { encoding: 'utf8' });
    const text = r.stdout + r.stderr;
    expect(text).toMatch(/0 error/);
    expect(text).not.toMatch(/[1-9]\d* error/);
  });

  it('VOTable passes stilts votlint, with int64 as long and ucds for ids and RA/Dec', () => {
    expect(hasCommand('stilts')).toBe(true);
    const r = spawnSync('stilts', ['votlint', `votable=${file('vot')}`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/ERROR/i);
    const xml = fs.readFileSync(file('vot'), 'utf8');
    expect(xml).toContain('<FIELD name="star_id" datatype="long" ucd="meta.id"/>');
    expect(xml).toContain('<FIELD name="ra" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main"/>');
  });

  it('Parquet reads back in DuckDB with the same types, values and row order', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const types = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file('parquet')}')`)).getRowObjectsJS() as { column_name: string; column_type: string }[];
      expect(types.map((t) => `${t.column_name}:${t.column_type}`)).toEqual(
        ['star_id:BIGINT', 'ra:DOUBLE', 'dec:DOUBLE', 'teff:FLOAT', 'umap_x:FLOAT', 'n_spectra:INTEGER', 'label:VARCHAR']);
      const cols = (await conn.runAndReadAll(`SELECT * FROM read_parquet('${file('parquet')}')`)).getColumnsJS() as unknown[][];
      table.columns.forEach((c, j) => {
        const bad = cols[j].findIndex((v, row) => {
          if (c.kind === 'int64' || c.kind === 'string') return v !== c.values[row];
          const want = c.values[row];
          return Number.isNaN(want) ? !Number.isNaN(v as number) : v !== want;
        });
        expect(bad, `${c.name} row ${bad}`).toBe(-1);
      });
      const meta = (await conn.runAndReadAll(`SELECT decode(value) AS v FROM parquet_kv_metadata('${file('parquet')}') WHERE key::VARCHAR = 'desa:columns'`)).getRowObjectsJS() as { v: string }[];
      expect(JSON.parse(meta[0].v)[1]).toEqual({ name: 'ra', unit: 'deg', ucd: 'pos.eq.ra;meta.main' });
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it('exports a selection in row order and refuses bad tables naming the file', async () => {
    const rows = Uint32Array.from([3, 10, 399]);
    const sub = takeRows(table, rows);
    await exportTable(sub, file('sub.csv'));
    const lines = fs.readFileSync(file('sub.csv'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(4);
    expect(lines[3].split(',')[0]).toBe(String(table.columns[0].values[399]));
    await expect(exportTable(table, file('txt'))).rejects.toThrow(/selection\.txt: unknown export format/);
    const ragged: ExportTable = { name: 't', columns: [{ name: 'a', kind: 'int32', values: new Int32Array(2) }, { name: 'b', kind: 'int32', values: new Int32Array(3) }] };
    await expect(exportTable(ragged, file('bad.csv'))).rejects.toThrow(/bad\.csv: column 'b' has 3 rows, 'a' has 2/);
  });
});
