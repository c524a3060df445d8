import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTable, formatOfFile, takeRows, ucdOf, type ExportTable } from '../../../src/main/export/index';

const table: ExportTable = {
  name: 't',
  columns: [
    { name: 'kic', kind: 'int64', values: BigInt64Array.from([10n, 20n, 30n]) },
    { name: 'ra', kind: 'float64', unit: 'deg', values: Float64Array.from([1.5, 2.5, 3.5]) },
    { name: 'note', kind: 'string', values: ['plain', 'has,comma', 'say "x"'] },
  ],
};

describe('export tables', () => {
  it('picks the format from the file extension', () => {
    expect(['a.fits', 'a.FIT', 'a.vot', 'a.xml', 'a.ecsv', 'a.csv', 'a.parquet', 'a.txt'].map(formatOfFile))
      .toEqual(['fits', 'fits', 'votable', 'votable', 'ecsv', 'csv', 'parquet', null]);
  });

  it('fills standard UCDs for ids and positions only', () => {
    expect(table.columns.map(ucdOf)).toEqual(['meta.id', 'pos.eq.ra;meta.main', undefined]);
  });

  it('cuts rows in the order given, keeping int64 exact', () => {
    const sub = takeRows(table, Uint32Array.from([0, 2]));
    expect(Array.from(sub.columns[0].values as BigInt64Array)).toEqual([10n, 30n]);
    expect(sub.columns[2].values).toEqual(['plain', 'say "x"']);
  });

  it('writes CSV quoted by RFC 4180 (comma and quote fields quoted, quotes doubled)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-csv-'));
    try {
      await exportTable(table, path.join(dir, 'a.csv'));
      expect(fs.readFileSync(path.join(dir, 'a.csv'), 'utf8')).toBe('kic,ra,note\n10,1.5,plain\n20,2.5,"has,comma"\n30,3.5,"say ""x"""\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses non-ASCII text and duplicate names, naming the file', async () => {
    const bad: ExportTable = { name: 't', columns: [{ name: 's', kind: 'string', values: ['é'] }] };
    await expect(exportTable(bad, '/tmp/x.fits')).rejects.toThrow(/x\.fits: column 's' row 0 is not printable ASCII/);
    const dup: ExportTable = { name: 't', columns: [table.columns[0], { ...table.columns[1], name: 'KIC' }] };
    await expect(exportTable(dup, '/tmp/y.csv')).rejects.toThrow(/y\.csv: column 'KIC' appears twice/);
  });
});
