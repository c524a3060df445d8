/**
 * Every label catalogue in shared/data/real/other, read by readCatalog and by astropy
 * (astropy.io.ascii for CSV / MRT / VizieR TSV, astropy.table for FITS ASCII tables), compared
 * column by column and cell by cell: names, types, units, missing cells and values.
 * Where the two disagree by design it is said next to the reference code (blank FITS ASCII fields).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/main/catalog/index.js';
import type { CatalogColumn, CatalogTable } from '../../src/main/catalog/index.js';
import { repoRoot } from '../helpers/paths.js';
import { requireAstropy, runPython } from '../helpers/python.js';

const otherDir = path.resolve(repoRoot(), '../shared/data/real/other');

interface RefColumn {
  name: string;
  type: 'int' | 'float' | 'string' | 'bool';
  unit: string | null;
  /** ints as decimal strings, non-finite floats as 'nan'/'inf', null where astropy masks. */
  values: (string | number | boolean | null)[];
}
interface RefTable {
  nrows: number;
  columns: RefColumn[];
}

// One Python process reads every catalogue. Blank VizieR cells are missing; astropy's tab reader
// keeps them as text, so the reference re-types those columns itself (int, else float, else text).
const ASTROPY_READER = String.raw`
import json, sys, os, warnings
import numpy as np
from astropy.io import ascii, fits
from astropy.table import Table
warnings.simplefilter('ignore')
d = sys.argv[1]

def encode(col):
    kind = col.dtype.kind
    mask = np.ma.getmaskarray(col)
    out = []
    for v, m in zip(np.asarray(col).tolist(), mask.tolist()):
        if m:
            out.append(None)
        elif kind in 'iu':
            out.append(str(v))
        elif kind == 'f':
            out.append(v if np.isfinite(v) else ('nan' if np.isnan(v) else ('inf' if v > 0 else '-inf')))
        elif kind in 'SU':
            s = (v.decode('ascii') if isinstance(v, bytes) else v).strip()
            out.append(s if s != '' else None)
        else:
            out.append(bool(v))
    return {'i': 'int', 'u': 'int', 'f': 'float', 'S': 'string', 'U': 'string', 'b': 'bool'}[kind], out

def table_json(t, units):
    cols = []
    for name, unit in zip(t.colnames, units):
        typ, values = encode(t[name])
        cols.append({'name': name, 'type': typ, 'unit': unit, 'values': values})
    return {'nrows': len(t), 'columns': cols}

def retype(col):
    s = np.char.strip(np.asarray(col, dtype=str))
    mask = s == ''
    for conv in (np.int64, np.float64):
        try:
            return np.ma.array(np.array([conv(x) if not m else 0 for x, m in zip(s, mask)], dtype=conv), mask=mask)
        except ValueError:
            pass
    return np.ma.array(s, mask=mask)

out = {}
for f in sorted(os.listdir(d)):
    p = os.path.join(d, f)
    if f.endswith('.csv'):
        t = ascii.read(p, format='csv')
        if t.colnames[0] == 'col0' and np.array_equal(np.asarray(t['col0']), np.arange(len(t))):
            t.remove_column('col0')
        out[f] = table_json(t, [None] * len(t.colnames))
    elif f.endswith('.tsv'):
        lines = [l for l in open(p).read().split('\n') if not l.startswith('#') and l.strip() != '']
        units = [u.strip() or None for u in lines[1].split('\t')]
        t = ascii.read(p, format='tab', comment='#', data_start=3, converters={'*': [ascii.convert_numpy(str)]})
        out[f] = table_json(Table([retype(t[c]) for c in t.colnames], names=t.colnames), units)
    elif f.endswith('.txt'):
        t = ascii.read(p, format='cds')
        out[f] = table_json(t, [None] * len(t.colnames))
    elif f.endswith('.fits') and fits.getheader(p, 1).get('XTENSION') == 'TABLE':
        t = Table.read(p, hdu=1, mask_invalid=False)
        with fits.open(p) as hl:
            h = hl[1].header
            start = hl[1].fileinfo()['datLoc']
        raw = np.frombuffer(open(p, 'rb').read()[start:start + h['NAXIS1'] * h['NAXIS2']], dtype='S%d' % h['NAXIS1'])
        cols = []
        for i, name in enumerate(t.colnames):
            # astropy reads an all-blank numeric field as 0; VizieR writes blanks for missing values.
            c0 = h['TBCOL%d' % (i + 1)] - 1
            width = int(''.join(ch for ch in h['TFORM%d' % (i + 1)].split('.')[0] if ch.isdigit()))
            blank = np.array([r[c0:c0 + width].strip() == b'' for r in raw])
            cols.append(np.ma.array(np.asarray(t[name]), mask=blank))
        out[f] = table_json(Table(cols, names=t.colnames), [h.get('TUNIT%d' % (i + 1)) for i in range(len(t.colnames))])
json.dump(out, sys.stdout)
`;

function expectColumnEqual(file: string, ours: CatalogColumn, ref: RefColumn): void {
  const where = `${file} column ${ours.name}`;
  // astropy's CDS reader keeps only the first word of a label with spaces ('KIC ID' -> 'KIC').
  expect(ours.name === ref.name || ours.name.startsWith(ref.name + ' '), `${where}: astropy calls it ${ref.name}`).toBe(true);
  expect(ours.type, `${where}: type`).toBe(ref.type);
  expect(ours.values.length, `${where}: length`).toBe(ref.values.length);
  let mismatches = 0;
  const firstBad: string[] = [];
  for (let i = 0; i < ref.values.length; i++) {
    const r = ref.values[i];
    const isNull = ours.nulls[i] === 1;
    let ok: boolean;
    if (r === null) ok = isNull;
    else if (isNull) ok = false;
    else if (ours.type === 'int') ok = ours.values[i].toString() === r;
    else if (ours.type === 'float') {
      const v = ours.values[i];
      ok = typeof r === 'number' ? v === r : r === 'nan' ? Number.isNaN(v) : v === (r === 'inf' ? Infinity : -Infinity);
    } else ok = ours.values[i] === r;
    if (!ok) {
      mismatches++;
      if (firstBad.length < 5) firstBad.push(`row ${i}: ours ${String(ours.values[i])} (null ${isNull}), astropy ${String(r)}`);
    }
  }
  expect(firstBad, `${where}: ${mismatches} cells differ`).toEqual([]);
}

describe('label catalogues read like astropy reads them', () => {
  let reference: Record<string, RefTable>;
  const files = readdirSync(otherDir).filter((f) => /\.(csv|tsv|txt)$/.test(f) || /^(Kirk|Berger)_.*\.fits$/.test(f));

  beforeAll(async () => {
    requireAstropy();
    reference = JSON.parse(await runPython(ASTROPY_READER, [otherDir])) as Record<string, RefTable>;
  });

  it('finds all eight catalogues of SOURCES.md', () => {
    expect(files.sort()).toEqual([
      'AFG_merged_params.csv',
      'Berger_2020_AJ_160_108_table1_planet_radii.fits',
      'Kirk_2016_KEBC_2876_rows.fits',
      'Santos_2019_K_M_Prot.tsv',
      'apjs492452t1_mrt.txt',
      'flare_star_param.txt',
      'my_data3.csv',
      'test_lamost_dr3_catalog_part.csv',
    ]);
    expect(Object.keys(reference).sort()).toEqual(files.sort());
  });

  for (const file of files) {
    it(`${file}: every column and cell`, async () => {
      const table: CatalogTable = await readCatalog(path.join(otherDir, file));
      const ref = reference[file];
      expect(table.nrows).toBe(ref.nrows);
      expect(table.columns.map((c) => c.name).length).toBe(ref.columns.length);
      table.columns.forEach((col, c) => {
        expectColumnEqual(file, col, ref.columns[c]);
        // MRT units are canonicalised by astropy ('solMass' -> 'Msun'), so only compare TSV and FITS units.
        if (!file.endsWith('.txt')) expect(col.unit, `${file} column ${col.name}: unit`).toBe(ref.columns[c].unit);
      });
    });
  }

  it('my_data3.csv with nullValues [-9999]: missing exactly where the catalogue says -9999', async () => {
    const table = await readCatalog(path.join(otherDir, 'my_data3.csv'), { nullValues: [-9999] });
    const ref = reference['my_data3.csv'];
    let sentinels = 0;
    table.columns.forEach((col, c) => {
      ref.columns[c].values.forEach((r, i) => {
        const isSentinel = r === -9999 || r === '-9999';
        if (isSentinel) sentinels++;
        expect(col.nulls[i] === 1, `${col.name} row ${i}`).toBe(isSentinel || r === null);
      });
    });
    expect(sentinels).toBeGreaterThan(0);
  });
});
