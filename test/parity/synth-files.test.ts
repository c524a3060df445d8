/**
 * Parity of the synthetic survey's files with the reference tools: every FITS file passes
 * fitsverify with 0 errors, astropy reads the same arrays and header values as our readers
 * (src/main/survey, src/main/catalog), and those values agree with truth.csv.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSurvey, type SynthSummary } from '../../src/main/synth/index';
import { readSurveyFile } from '../../src/main/survey/index';
import { getColumn, idValues, numericValues, readCatalog, type CatalogTable } from '../../src/main/catalog/index';
import type { LightCurve, Spectrum } from '../../src/shared/survey';
import { hasCommand, requireAstropy, runPython } from '../helpers/python';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-synth-parity-'));
const outDir = path.join(tmp, 'survey');
const dumpDir = path.join(tmp, 'astropy');
let summary: SynthSummary;
let fitsFiles: string[];
let truth: CatalogTable;

const ASTROPY_DUMP = `
import sys, json, os
import numpy as np
from astropy.io import fits
out_dir = sys.argv[1]
files = sys.argv[2:]
meta = {}
for i, f in enumerate(files):
    with fits.open(f) as h:
        p = h[0].header
        m = {'hdus': [x.name for x in h]}
        if 'KEPLERID' in p:
            d = h[1].data
            m.update(kic=int(p['KEPLERID']), quarter=int(p['QUARTER']), ra=float(p['RA_OBJ']), dec=float(p['DEC_OBJ']),
                     kepmag=float(p['KEPMAG']), ncols=len(h[1].columns), rowbytes=int(h[1].header['NAXIS2'] and h[1].header['NAXIS1']))
            arrays = {'time': d['TIME'].astype('<f8'), 'pdcsap': d['PDCSAP_FLUX'].astype('<f4'), 'sap': d['SAP_FLUX'].astype('<f4'), 'quality': d['SAP_QUALITY'].astype('<i4')}
        else:
            if len(h) > 1 and h[1].name == 'COADD':
                row = h[1].data[0]
                flux, ivar, wave = row['FLUX'], row['IVAR'], row['WAVELENGTH'].astype('f8')
            else:
                img = h[0].data
                flux, ivar = img[0], img[1]
                if 'Subcontinuum' in p['EXTEN0']:
                    wave = 10 ** (p['COEFF0'] + p['COEFF1'] * np.arange(img.shape[1]))
                else:
                    wave = img[2].astype('f8')
            m.update(obsid=int(p['OBSID']) if 'OBSID' in p else None, z=float(p['Z']), helio=float(p['HELIO_RV']), ra=float(p['RA']), dec=float(p['DEC']),
                     snrg=float(p['SNRG'] if 'SNRG' in p else p['SN_G']), subclass=p['SUBCLASS'])
            arrays = {'flux': flux.astype('<f4'), 'ivar': ivar.astype('<f4'), 'wave': wave.astype('<f8')}
        for k, a in arrays.items():
            a.tofile(os.path.join(out_dir, f'{i}.{k}'))
        meta[f] = m
print(json.dumps(meta))
`;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function raw<T extends Float32Array | Float64Array | Int32Array>(ctor: { new (b: ArrayBuffer): T }, file: string): T {
  const b = fs.readFileSync(file);
  return new ctor(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Same bits, with every NaN counted equal to every NaN. */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) return false;
  return true;
}

beforeAll(async () => {
  requireAstropy();
  summary = await generateSurvey({ stars: 12, seed: 2024, outDir, quarters: 1 });
  fitsFiles = walk(outDir).filter((f) => /\.fits(\.gz)?$/.test(f)).sort();
  truth = await readCatalog(path.join(outDir, 'truth.csv'));
  fs.mkdirSync(dumpDir);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('synthetic survey files vs fitsverify, astropy and our readers', () => {
  it('passes fitsverify with 0 errors for every FITS file', () => {
    expect(hasCommand('fitsverify')).toBe(true);
    expect(fitsFiles.length).toBe(summary.spectra + summary.lightCurveFiles + 1);
    for (const f of fitsFiles) {
      const r = spawnSync('fitsverify', ['-q', '-e', f], { encoding: 'utf8' });
      const text = r.stdout + r.stderr;
      expect(text, f).toMatch(/verification OK|0 error/);
      expect(text, f).not.toMatch(/[1-9]\d* error/);
    }
  });

  it('reads identically with astropy and with our survey readers, and agrees with the truth', async () => {
    const data = fitsFiles.filter((f) => !f.includes(`${path.sep}catalogs${path.sep}`));
    const meta = JSON.parse(await runPython(ASTROPY_DUMP, [dumpDir, ...data])) as Record<string, Record<string, unknown>>;
    const kics = numericValues(getColumn(truth, 'kic'));
    const ras = numericValues(getColumn(truth, 'ra'));
    const obsidLists = idValues(getColumn(truth, 'obsids'));
    let spectra = 0;
    let lightCurves = 0;
    for (const [i, f] of data.entries()) {
      const m = meta[f];
      const rec = await readSurveyFile(f);
      const dump = (k: string) => path.join(dumpDir, `${i}.${k}`);
      if (rec.kind === 'lightcurve') {
        lightCurves++;
        const lc = rec as LightCurve;
        expect(m.ncols).toBe(20);
        expect(m.hdus).toEqual(['PRIMARY', 'LIGHTCURVE', 'APERTURE']);
        expect(sameValues(lc.time, raw(Float64Array, dump('time')))).toBe(true);
        expect(sameValues(lc.pdcsapFlux, raw(Float32Array, dump('pdcsap')))).toBe(true);
        expect(sameValues(lc.sapFlux, raw(Float32Array, dump('sap')))).toBe(true);
        expect(sameValues(lc.quality, raw(Int32Array, dump('quality')))).toBe(true);
        expect(lc.targetId).toBe(m.kic);
        expect(lc.quarter).toBe(m.quarter);
        const row = Array.from(kics).indexOf(lc.targetId);
        expect(row).toBeGreaterThanOrEqual(0);
        expect(Math.abs(lc.ra! - ras[row])).toBeLessThan(1e-5);
      } else {
        expect(rec.kind).toBe('spectrum');
        spectra++;
        const s = rec as Spectrum;
        expect(sameValues(s.flux, raw(Float32Array, dump('flux')))).toBe(true);
        expect(sameValues(s.ivar, raw(Float32Array, dump('ivar')))).toBe(true);
        const wave = raw(Float64Array, dump('wave'));
        expect(s.wavelength.length).toBe(wave.length);
        for (let k = 0; k < wave.length; k += 97) expect(Math.abs(s.wavelength[k] - wave[k])).toBeLessThan(1e-6 * wave[k]);
        expect(s.wavelength[0]).toBeCloseTo(10 ** 3.5682, 0);
        expect(s.z).toBeCloseTo(m.z as number, 12);
        expect(s.heliocentricCorrection).toBeCloseTo(m.helio as number, 9);
        expect(s.snr.g).toBeCloseTo(m.snrg as number, 6);
        if (m.obsid !== null) {
          expect(s.obsid).toBe(String(m.obsid));
          expect(obsidLists.some((l) => l!.split(';').includes(s.obsid!))).toBe(true);
        }
        // Noise consistent with IVAR in the data as written: finite, non-negative, zero where masked.
        expect(Array.from(s.ivar).every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      }
    }
    expect(spectra).toBe(summary.spectra);
    expect(lightCurves).toBe(summary.lightCurveFiles);
  });

  it('writes catalogs astropy reads like our catalog reader (CSV, FITS, MRT)', async () => {
    const cat = (n: string) => path.join(outDir, 'catalogs', n);
    const files = ['lamost_lrs_stellar.csv', 'kepler_stellar_properties.fits', 'rotation_periods_mrt.txt', 'cmd_binary_flags.csv'];
    const script = `
import sys, json
import numpy as np
from astropy.table import Table
out = {}
for f in sys.argv[1:]:
    fmt = 'ascii.mrt' if f.endswith('.txt') else ('fits' if f.endswith('.fits') else 'ascii.csv')
    t = Table.read(f, format=fmt)
    def cell(v):
        if v is np.ma.masked:
            return None
        v = v.item() if hasattr(v, 'item') else v
        # Integers travel as strings: Gaia ids exceed 2^53 and JSON numbers would round them.
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v
    out[f] = {c: [cell(v) for v in t[c]] for c in t.colnames}
print(json.dumps(out, default=str))
`;
    const ref = JSON.parse(await runPython(script, files.map(cat))) as Record<string, Record<string, unknown[]>>;
    for (const name of files) {
      const ours = await readCatalog(cat(name));
      const theirs = ref[cat(name)];
      expect(ours.columns.map((c) => c.name)).toEqual(Object.keys(theirs));
      for (const col of ours.columns) {
        const values = theirs[col.name];
        expect(values.length, `${name}:${col.name}`).toBe(ours.nrows);
        if (col.type === 'float') {
          const v = numericValues(col);
          values.forEach((x, r) => {
            if (x === null || Number.isNaN(Number(x))) expect(Number.isNaN(v[r])).toBe(true);
            else expect(Math.abs(v[r] - Number(x))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(Number(x))));
          });
        } else if (col.type === 'int') {
          const v = idValues(col);
          values.forEach((x, r) => expect(v[r]).toBe(x === null ? null : String(x)));
        }
      }
    }
  });
});
