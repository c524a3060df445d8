/**
 * Every FITS file under shared/data/real/{lamost,kepler,other} goes through readSurveyFile and
 * is compared with an independent astropy reading of the same file (one Python process for all):
 *
 * - LAMOST LRS: flux, ivar, wavelength (DR1: astropy computes 10**(COEFF0 + COEFF1*i)), and/or
 *   masks, and the header values; NaN in the same places.
 * - Kepler/K2: TIME, PDCSAP/SAP flux and errors, SAP_QUALITY, CADENCENO and the header values.
 * - LAMOST MRS, SDSS, APOGEE: RecognisedOther with the right product.
 * - The two FITS catalogues in other/ are no survey product: SurveyError naming the file.
 *
 * Expected products come from SOURCES.md's file naming (med-* = MRS, spec-PLATE-MJD-FIBER = SDSS,
 * aspcapStar/apStar = APOGEE), which the reader itself never looks at.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightCurve, Spectrum } from '../../src/shared/survey.js';
import { readSurveyFile, SurveyError } from '../../src/main/survey/index.js';
import { repoRoot } from '../helpers/paths.js';
import { requireAstropy, runPython } from '../helpers/python.js';

const realDir = path.resolve(repoRoot(), '../shared/data/real');
const files = ['lamost', 'kepler', 'other'].flatMap((d) =>
  readdirSync(path.join(realDir, d))
    .filter((f) => /\.fits(\.gz)?$/.test(f))
    .map((f) => path.join(d, f)),
);

type HeaderValue = string | number | boolean | null;
interface RefEntry {
  kind: 'lrs' | 'lc' | 'none';
  header: Record<string, HeaderValue>;
  arrays: Record<string, { dtype: 'f4' | 'f8' | 'i4'; file: string }>;
}

// astropy reads each file; arrays go to raw little-endian files, header values to JSON.
const ASTROPY_READER = String.raw`
import json, os, sys, warnings
import numpy as np
from astropy.io import fits
warnings.simplefilter('ignore')
root, out, listing = sys.argv[1], sys.argv[2], sys.argv[3]
names = [l for l in open(listing).read().split('\n') if l]
manifest = {}

def dump(key, name, arr, dtype):
    fn = '%d_%s.bin' % (len(manifest), name)
    np.ascontiguousarray(np.asarray(arr).astype('<' + dtype)).tofile(os.path.join(out, fn))
    return {'dtype': dtype, 'file': fn}

def card(h, k):
    if k not in h:
        return None
    v = h[k]
    if v is None or isinstance(v, fits.card.Undefined):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return float(v)
    return str(v)

LRS_KEYS = ['OBSID', 'DATA_V', 'VERSPIPE', 'DESIG', 'RA', 'DEC', 'LMJD', 'PLANID', 'SPID', 'FIBERID', 'HELIO_RV', 'Z', 'Z_ERR',
            'CLASS', 'SUBCLASS', 'TSOURCE', 'TCOMMENT', 'TFROM', 'OBJSOURC', 'T_INFO', 'T_FROM', 'COEFF0', 'COEFF1', 'EXTEN0']
LRS_KEYS += ['SNR' + b for b in 'UGRIZ'] + ['SN_' + b for b in 'UGRIZ']
LC_KEYS = ['KEPLERID', 'MISSION', 'QUARTER', 'CAMPAIGN', 'DATA_REL', 'RA_OBJ', 'DEC_OBJ', 'KEPMAG', 'TEFF', 'LOGG', 'FEH', 'RADIUS']

for name in names:
    hl = fits.open(os.path.join(root, name))
    h0 = hl[0].header
    tel = str(h0.get('TELESCOP', '')).strip()
    ext = [x.name for x in hl]
    entry = {'kind': 'none', 'header': {}, 'arrays': {}}
    if tel == 'LAMOST' and 'COADD_B' not in ext:
        entry['kind'] = 'lrs'
        entry['header'] = {k: card(h0, k) for k in LRS_KEYS}
        if 'COADD' in ext:
            row = hl['COADD'].data[0]
            cols = {c: row[c] for c in ['FLUX', 'IVAR', 'WAVELENGTH', 'ANDMASK', 'ORMASK']}
        else:
            img = hl[0].data
            third = str(h0.get('EXTEN0', '')).replace(',', ' ').split()[2].lower()
            wl = img[2] if third.startswith('wave') else 10 ** (h0['COEFF0'] + h0['COEFF1'] * np.arange(img.shape[1]))
            cols = {'FLUX': img[0], 'IVAR': img[1], 'WAVELENGTH': wl, 'ANDMASK': img[3], 'ORMASK': img[4]}
        for c, dt in [('FLUX', 'f4'), ('IVAR', 'f4'), ('WAVELENGTH', 'f8'), ('ANDMASK', 'i4'), ('ORMASK', 'i4')]:
            entry['arrays'][c] = dump(name, c, cols[c], dt)
    elif tel == 'Kepler':
        entry['kind'] = 'lc'
        entry['header'] = {k: card(h0, k) for k in LC_KEYS}
        d = hl['LIGHTCURVE'].data
        for c, dt in [('TIME', 'f8'), ('PDCSAP_FLUX', 'f4'), ('PDCSAP_FLUX_ERR', 'f4'), ('SAP_FLUX', 'f4'), ('SAP_FLUX_ERR', 'f4'),
                      ('SAP_QUALITY', 'i4'), ('CADENCENO', 'i4')]:
            entry['arrays'][c] = dump(name, c, d[c], dt)
    manifest[name] = entry
    hl.close()
json.dump(manifest, sys.stdout)
`;

function expectedProduct(file: string): 'LAMOST-MRS' | 'SDSS' | 'APOGEE' | 'catalogue' | null {
  const base = path.basename(file);
  if (base.startsWith('med-')) return 'LAMOST-MRS';
  if (/^spec-\d{4}-\d{5}-\d{4}\.fits$/.test(base)) return 'SDSS';
  if (/^(aspcapStar|apStar)-/.test(base)) return 'APOGEE';
  if (/^(Kirk|Berger)_/.test(base)) return 'catalogue';
  return null;
}

/** Compares element by element: NaN must sit where the reference has NaN. */
function expectSameArray(what: string, ours: ArrayLike<number>, ref: ArrayLike<number>, relTol = 0): void {
  expect(ours.length, `${what}: length`).toBe(ref.length);
  const bad: string[] = [];
  for (let i = 0; i < ref.length; i++) {
    const a = ours[i];
    const b = ref[i];
    const same = Number.isNaN(b) ? Number.isNaN(a) : relTol === 0 ? a === b : Math.abs(a - b) <= relTol * Math.abs(b);
    if (!same && bad.length < 3) bad.push(`[${i}] ours ${a}, astropy ${b}`);
  }
  expect(bad, what).toEqual([]);
}

const num = (v: HeaderValue | undefined): number | null => (v === null || v === undefined || v === '' ? null : Number(v));
const text = (v: HeaderValue | undefined): string | null => {
  const s = v === null || v === undefined ? '' : String(v).trim();
  return ['', 'NULL', '-'].includes(s) ? null : s;
};

describe('readSurveyFile on every real FITS file, against astropy', () => {
  let outDir: string;
  let reference: Record<string, RefEntry>;

  beforeAll(async () => {
    requireAstropy();
    outDir = mkdtempSync(path.join(tmpdir(), 'survey-parity-'));
    // runPython feeds the script itself on stdin, so the file list travels in a file.
    const listFile = path.join(outDir, 'files.txt');
    writeFileSync(listFile, files.join('\n'));
    reference = JSON.parse(await runPython(ASTROPY_READER, [realDir, outDir, listFile])) as Record<string, RefEntry>;
  });

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  function refArray(entry: RefEntry, name: string): Float32Array | Float64Array | Int32Array {
    const { dtype, file } = entry.arrays[name];
    const buf = readFileSync(path.join(outDir, file));
    const bytes = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    return dtype === 'f4' ? new Float32Array(bytes) : dtype === 'f8' ? new Float64Array(bytes) : new Int32Array(bytes);
  }

  it('covers every FITS file listed in SOURCES.md', () => {
    // lamost 119 + kepler 54 + other (3 K2, 3 SDSS, 3 APOGEE, 2 FITS catalogues) = 184.
    expect(files.length).toBe(119 + 54 + 11);
  });

  for (const file of files) {
    it(file, async () => {
      const full = path.join(realDir, file);
      const product = expectedProduct(file);
      if (product === 'catalogue') {
        const err = await readSurveyFile(full).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SurveyError);
        expect((err as SurveyError).message).toContain(full);
        expect((err as SurveyError).message).toMatch(/wrong survey/);
        return;
      }
      const record = await readSurveyFile(full);
      if (product) {
        expect(record.kind).toBe('other');
        expect(record.kind === 'other' && record.product).toBe(product);
        expect(record.sourcePath).toBe(full);
        return;
      }
      const ref = reference[file];
      if (ref.kind === 'lrs') checkSpectrum(file, record as Spectrum, ref);
      else if (ref.kind === 'lc') checkLightCurve(file, record as LightCurve, ref);
      else throw new Error(`${file}: astropy did not recognise it as LAMOST or Kepler`);
    });
  }

  function checkSpectrum(file: string, s: Spectrum, ref: RefEntry): void {
    const h = ref.header;
    expect(s.kind).toBe('spectrum');
    expectSameArray(`${file} flux`, s.flux, refArray(ref, 'FLUX'));
    expectSameArray(`${file} ivar`, s.ivar, refArray(ref, 'IVAR'));
    // DR1's grid is computed on both sides (10**x); allow for pow() rounding, exact otherwise.
    const computedGrid = !String(h.EXTEN0 ?? '').toLowerCase().includes('wave');
    expectSameArray(`${file} wavelength`, s.wavelength, refArray(ref, 'WAVELENGTH'), computedGrid ? 1e-13 : 0);
    expectSameArray(`${file} andMask`, s.andMask, refArray(ref, 'ANDMASK'));
    expectSameArray(`${file} orMask`, s.orMask, refArray(ref, 'ORMASK'));
    expect(s.wavelength[0]).toBeGreaterThan(3690);
    expect(s.wavelength[s.wavelength.length - 1]).toBeLessThan(9110);

    const dataV = text(h.DATA_V);
    // Without DATA_V, SOURCES.md: pipeline v2.6.4 = DR1, 2.7.5 = DR2.
    const release = dataV ? dataV.replace('LAMOST ', '') : String(h.VERSPIPE).includes('2.6') ? 'DR1' : 'DR2';
    expect(s.dataRelease).toBe(release);
    expect(s.layout).toBe(file.endsWith('.gz') && release === 'DR10' ? 'coadd-table' : 'image');
    const obsid = h.OBSID === null ? null : String(h.OBSID);
    expect(s.obsid).toBe(obsid !== null && BigInt(obsid) > 0n ? obsid : null);
    if (obsid !== null && BigInt(obsid) <= 0n) expect(s.rawObsid).toBe(obsid);
    expect(s.designation).toBe(text(h.DESIG));
    expect(s.ra).toBe(h.RA);
    expect(s.dec).toBe(h.DEC);
    expect(s.lmjd).toBe(num(h.LMJD));
    expect(s.planId).toBe(text(h.PLANID));
    expect(s.spId).toBe(num(h.SPID));
    expect(s.fiberId).toBe(num(h.FIBERID));
    expect(s.heliocentricCorrection).toBe(num(h.HELIO_RV));
    expect(s.z).toBe(num(h.Z) === -9999 ? null : num(h.Z));
    expect(s.zErr).toBe(num(h.Z_ERR) === -9999 ? null : num(h.Z_ERR));
    for (const band of ['u', 'g', 'r', 'i', 'z'] as const) {
      const B = band.toUpperCase();
      const raw = h[`SNR${B}`] !== null ? num(h[`SNR${B}`]) : num(h[`SN_${B}`]);
      // -9999 is LAMOST's "unknown"; DR1/DR2 also write 99.00 in SN_* where the catalogue has -9999.
      const missing = raw === -9999 || (h[`SNR${B}`] === null && raw === 99);
      expect(s.snr[band], `${file} snr ${band}`).toBe(missing ? null : raw);
    }
    expect(s.objectClass).toBe(text(h.CLASS));
    expect(s.subclass).toBe(text(h.SUBCLASS));
    expect(s.targetSource).toBe(text(h.TSOURCE) ?? text(h.OBJSOURC));
    expect(s.targetComment).toBe(text(h.TCOMMENT) ?? text(h.T_INFO));
    expect(s.targetFrom).toBe(text(h.TFROM) ?? text(h.T_FROM));
    // SOURCES.md: only the DR6 Kepler-field file names a KIC (kplr008098300); DR10 Kepler plates carry Gaia ids.
    expect(s.kic).toBe(file.includes('spec-57287-KP193637N444141V03_sp10-161') ? 8098300 : null);
    expect(s.sourcePath).toBe(path.join(realDir, file));
  }

  function checkLightCurve(file: string, lc: LightCurve, ref: RefEntry): void {
    const h = ref.header;
    expect(lc.kind).toBe('lightcurve');
    expectSameArray(`${file} time`, lc.time, refArray(ref, 'TIME'));
    expectSameArray(`${file} pdcsapFlux`, lc.pdcsapFlux, refArray(ref, 'PDCSAP_FLUX'));
    expectSameArray(`${file} pdcsapFluxErr`, lc.pdcsapFluxErr, refArray(ref, 'PDCSAP_FLUX_ERR'));
    expectSameArray(`${file} sapFlux`, lc.sapFlux, refArray(ref, 'SAP_FLUX'));
    expectSameArray(`${file} sapFluxErr`, lc.sapFluxErr, refArray(ref, 'SAP_FLUX_ERR'));
    expectSameArray(`${file} quality`, lc.quality, refArray(ref, 'SAP_QUALITY'));
    expectSameArray(`${file} cadenceNo`, lc.cadenceNo, refArray(ref, 'CADENCENO'));
    const k2 = text(h.MISSION) === 'K2';
    expect(k2).toBe(file.includes('ktwo'));
    expect(lc.survey).toBe(k2 ? 'K2' : 'Kepler');
    expect(lc.targetId).toBe(num(h.KEPLERID));
    expect(lc.quarter).toBe(k2 ? null : num(h.QUARTER));
    expect(lc.campaign).toBe(k2 ? num(h.CAMPAIGN) : null);
    expect(lc.dataRelease).toBe(num(h.DATA_REL));
    expect(lc.ra).toBe(num(h.RA_OBJ));
    expect(lc.dec).toBe(num(h.DEC_OBJ));
    expect(lc.kepmag).toBe(num(h.KEPMAG));
    expect(lc.teff).toBe(num(h.TEFF));
    expect(lc.logg).toBe(num(h.LOGG));
    expect(lc.feh).toBe(num(h.FEH));
    expect(lc.radius).toBe(num(h.RADIUS));
    if (k2) expect([lc.teff, lc.logg, lc.feh, lc.radius]).toEqual([null, null, null, null]);
  }
});
