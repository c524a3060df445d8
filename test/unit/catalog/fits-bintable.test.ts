/**
 * FITS binary-table catalogues (the real catalogues here are all ASCII tables): a table written
 * with our FITS writer and read back with readCatalog; astropy reads the same file for reference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFitsFile } from '../../../src/main/fits/index.js';
import { getColumn, idValues, readCatalog } from '../../../src/main/catalog/index.js';
import { requireAstropy, runPython } from '../../helpers/python.js';

let dir: string;
let file: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'catalog-bintable-'));
  file = path.join(dir, 'gaia-like.fits');
  await writeFitsFile(file, [
    { kind: 'image', shape: [], data: null, bitpix: 8 },
    {
      kind: 'bintable',
      name: 'CATALOG',
      nrows: 3,
      columns: [
        { name: 'source_id', format: 'K', values: BigInt64Array.from([4611686018427387905n, 2077138880290477696n, -1n]) },
        { name: 'teff', format: 'D', unit: 'K', values: Float64Array.from([5778, NaN, 3500.5]) },
        { name: 'kic', format: 'J', nullValue: -1, values: Int32Array.from([8098300, -1, 11442793]) },
        { name: 'name', format: '12A', values: ['Kepler-90', '', 'KIC 8098300'] },
        { name: 'binary', format: 'L', values: [true, false, null] },
        { name: 'flux', format: '3E', values: new Float32Array(9) },
      ],
    },
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FITS BINTABLE catalogues', () => {
  it('map K/D/J/A/L columns to int/float/string/bool with nulls, and skip vector columns', async () => {
    const t = await readCatalog(file);
    expect(t.format).toBe('fits-bintable');
    expect(t.nrows).toBe(3);
    expect(t.columns.map((c) => [c.name, c.type, c.unit])).toEqual([
      ['source_id', 'int', null],
      ['teff', 'float', 'K'],
      ['kic', 'int', null],
      ['name', 'string', null],
      ['binary', 'bool', null],
    ]);
    expect(t.notes.join(' ')).toMatch(/skipped column flux/);
    expect(idValues(getColumn(t, 'source_id'))).toEqual(['4611686018427387905', '2077138880290477696', '-1']);
    expect(Array.from(getColumn(t, 'teff').nulls)).toEqual([0, 1, 0]);
    expect(Array.from(getColumn(t, 'kic').nulls)).toEqual([0, 1, 0]);
    expect(getColumn(t, 'name').values).toEqual(['Kepler-90', null, 'KIC 8098300']);
    expect(getColumn(t, 'binary').values).toEqual([true, false, null]);
  });

  it('agrees with astropy on the same file', async () => {
    requireAstropy();
    const ref = JSON.parse(
      await runPython(
        `import sys, json
import numpy as np
from astropy.table import Table
t = Table.read(sys.argv[1])
print(json.dumps({'ids': [str(v) for v in t['source_id']], 'kic_masked': [bool(m) for m in t['kic'].mask],
                  'teff': [None if np.isnan(v) else float(v) for v in np.ma.filled(t['teff'], np.nan)], 'name': [str(v).strip() for v in t['name']]}))`,
        [file],
      ),
    ) as { ids: string[]; kic_masked: boolean[]; teff: (number | null)[]; name: string[] };
    const t = await readCatalog(file);
    expect(idValues(getColumn(t, 'source_id'))).toEqual(ref.ids);
    expect(Array.from(getColumn(t, 'kic').nulls, (v) => v === 1)).toEqual(ref.kic_masked);
    expect(Array.from(getColumn(t, 'teff').values as Float64Array, (v) => (Number.isNaN(v) ? null : v))).toEqual(ref.teff);
    expect(Array.from(getColumn(t, 'name').values as (string | null)[], (v) => v ?? '')).toEqual(ref.name);
  });
});
