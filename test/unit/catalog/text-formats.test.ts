import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogError, getColumn, idValues, numericValues, readCatalog } from '../../../src/main/catalog/index.js';
import { repoRoot } from '../../helpers/paths.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'catalog-text-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('CSV and TSV', () => {
  it('reads quoted fields with commas, doubled quotes and newlines', async () => {
    const file = write('quoted.csv', 'id,name,note\r\n1,"Smith, J.","said ""hi"""\r\n2,plain,"two\nlines"\r\n');
    const t = await readCatalog(file);
    expect(t.format).toBe('csv');
    expect(t.nrows).toBe(2);
    expect(getColumn(t, 'name').values).toEqual(['Smith, J.', 'plain']);
    expect(getColumn(t, 'note').values).toEqual(['said "hi"', 'two\nlines']);
  });

  it('detects tabs, infers int/float/bool/string and keeps 64-bit ids exact', async () => {
    const file = write('types.txt', 'source_id\tmag\tflag\tname\n4611686018427387905\t12.5\tTrue\ta\n-3\t1e3\tfalse\tb\n');
    const t = await readCatalog(file);
    expect(t.format).toBe('tsv');
    expect(t.columns.map((c) => c.type)).toEqual(['int', 'float', 'bool', 'string']);
    expect(idValues(getColumn(t, 'source_id'))).toEqual(['4611686018427387905', '-3']);
    expect(Array.from(numericValues(getColumn(t, 'mag')))).toEqual([12.5, 1000]);
  });

  it('blank cells are missing; nullValues adds -9999 (numerically) and text markers', async () => {
    const file = write('nulls.csv', 'a,b,c\n1,-9999.0,x\n,2.5,NA\n3,-9999,y\n');
    const plain = await readCatalog(file);
    expect(Array.from(getColumn(plain, 'a').nulls)).toEqual([0, 1, 0]);
    expect(Array.from(getColumn(plain, 'b').nulls)).toEqual([0, 0, 0]);
    const t = await readCatalog(file, { nullValues: [-9999, 'NA'] });
    expect(Array.from(getColumn(t, 'b').nulls)).toEqual([1, 0, 1]);
    expect(Number.isNaN(numericValues(getColumn(t, 'b'))[0])).toBe(true);
    expect(getColumn(t, 'c').values).toEqual(['x', null, 'y']);
  });

  it('drops a leading pandas index column unless asked to keep it', async () => {
    const file = write('indexed.csv', ',obsid,teff\n0,605006,4945.4\n1,605015,5620.9\n');
    const t = await readCatalog(file);
    expect(t.columns.map((c) => c.name)).toEqual(['obsid', 'teff']);
    expect(t.notes.join(' ')).toMatch(/index column/);
    const kept = await readCatalog(file, { keepIndexColumn: true });
    expect(kept.columns.map((c) => c.name)).toEqual(['col0', 'obsid', 'teff']);
  });

  it('reads gzip-compressed text', async () => {
    const file = write('small.csv.gz', gzipSync('kic,prot\n8098300,3.5\n'));
    const t = await readCatalog(file);
    expect(idValues(getColumn(t, 'kic'))).toEqual(['8098300']);
  });

  it('VizieR TSV: comment block, units row and dashes row; #Column formats fix the types', async () => {
    const file = write(
      'vizier.tsv',
      [
        '#Column\tKIC\t(I8)\tKepler Input Catalog ID',
        '#Column\tQ\t(A5)\tquarters',
        '#Column\tProt\t(F6.2)\tRotation period',
        '',
        'KIC\tQ\tProt',
        ' \t \td',
        '--------\t-----\t------',
        '  892834\t 1-17\t 13.61',
        ' 1026146\t   17\t      ',
        '',
      ].join('\n'),
    );
    const t = await readCatalog(file);
    expect(t.format).toBe('vizier-tsv');
    expect(t.nrows).toBe(2);
    expect(t.columns.map((c) => [c.name, c.type, c.unit])).toEqual([
      ['KIC', 'int', null],
      ['Q', 'string', null],
      ['Prot', 'float', 'd'],
    ]);
    // '17' would be inferred as an int; the (A5) format keeps it text.
    expect(getColumn(t, 'Q').values).toEqual(['1-17', '17']);
    expect(getColumn(t, 'Prot').description).toBe('Rotation period');
    expect(Array.from(getColumn(t, 'Prot').nulls)).toEqual([0, 1]);
  });

  it('a row with the wrong number of fields is an error naming file and line', async () => {
    const file = write('ragged.csv', 'a,b\n1,2\n3\n');
    await expect(readCatalog(file)).rejects.toThrow(CatalogError);
    await expect(readCatalog(file)).rejects.toThrow(/ragged\.csv: line 3 has 1 fields but the header names 2 columns/);
  });

  it('missing and empty files are errors naming the file', async () => {
    await expect(readCatalog(path.join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: file not found/);
    await expect(readCatalog(write('empty.csv', '\n\n'))).rejects.toThrow(/empty\.csv: the file is empty/);
  });

  it('a gzip-compressed FITS catalogue with a misleading name is still read as FITS', async () => {
    const berger = path.resolve(repoRoot(), '../shared/data/real/other/Berger_2020_AJ_160_108_table1_planet_radii.fits');
    const file = write('berger.csv.gz', gzipSync(readFileSync(berger)));
    const t = await readCatalog(file);
    expect(t.format).toBe('fits-ascii');
    expect(t.nrows).toBe(3898); // SOURCES.md: 3,898 KOIs
  });

  it('a text file forced to FITS is refused', async () => {
    await expect(readCatalog(write('text.fits', 'a,b\n1,2\n'), { format: 'fits-ascii' })).rejects.toThrow(/no FITS signature/);
  });
});

describe('CDS / AAS MRT', () => {
  const mrt = [
    'Title: test',
    '================================================================================',
    'Byte-by-byte Description of file: test.txt',
    '--------------------------------------------------------------------------------',
    '   Bytes Format Units    Label     Explanations',
    '--------------------------------------------------------------------------------',
    '   1-  9 I9     ---      KIC ID    Kepler Input Catalog identifier',
    '  11- 15 F5.3   [cm/s2]  log g     ?=-9.99 log surface gravity',
    '      17 A1     ---      Flag      Flag, explained over',
    '                                   two lines',
    '--------------------------------------------------------------------------------',
    'Note (1): a note',
    '--------------------------------------------------------------------------------',
    '  7905458 4.353 A',
    ' 11495571 -9.99',
    '  2852961       B',
    '',
  ].join('\r\n');

  it('keeps labels with spaces, units, descriptions, ?= null markers and short rows', async () => {
    const t = await readCatalog(write('table.dat', mrt));
    expect(t.format).toBe('mrt');
    expect(t.nrows).toBe(3);
    expect(t.columns.map((c) => [c.name, c.type, c.unit])).toEqual([
      ['KIC ID', 'int', null],
      ['log g', 'float', '[cm/s2]'],
      ['Flag', 'string', null],
    ]);
    expect(idValues(getColumn(t, 'KIC ID'))).toEqual(['7905458', '11495571', '2852961']);
    const logg = getColumn(t, 'log g');
    expect(Array.from(logg.nulls)).toEqual([0, 1, 1]);
    expect(numericValues(logg)[0]).toBe(4.353);
    expect(getColumn(t, 'Flag').values).toEqual(['A', null, 'B']);
    expect(getColumn(t, 'Flag').description).toBe('Flag, explained over two lines');
  });

  it('an unknown column name is an error listing the columns', async () => {
    const t = await readCatalog(write('table2.dat', mrt));
    expect(() => getColumn(t, 'Teff')).toThrow(/no column 'Teff' \(columns: KIC ID, log g, Flag\)/);
  });
});
