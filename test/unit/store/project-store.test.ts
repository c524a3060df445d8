import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightCurve, Spectrum } from '../../../src/shared/survey';
import { ProjectStore, type FileWrite } from '../../../src/main/store/index';
import { realDataPath } from '../../helpers/paths';
import { runPython } from '../../helpers/python';
import { readWithAstropy } from './real-records';

const DR7 = realDataPath('lamost/spec-58397-EG014118N254444M01_sp03-031.fits');
const DR6_KIC = realDataPath('lamost/spec-57287-KP193637N444141V03_sp10-161.fits.gz');
const DR10 = realDataPath('lamost/spec-59523-GACII337N54M1_sp15-199.fits.gz');
const KEPLER90 = [
  realDataPath('kepler/kplr011442793-2009350155506_llc.fits'),
  realDataPath('kepler/kplr011442793-2010009091648_llc.fits'),
  realDataPath('kepler/kplr011442793-2010174085026_llc.fits'),
];

let records: (Spectrum | LightCurve)[];
let dr7: Spectrum, dr6: Spectrum, dr10: Spectrum, quarters: LightCurve[];
beforeAll(async () => {
  records = await readWithAstropy([DR7, DR6_KIC, DR10, ...KEPLER90]);
  [dr7, dr6, dr10] = records.slice(0, 3) as Spectrum[];
  quarters = records.slice(3) as LightCurve[];
});

const dirs: string[] = [];
function tempProject(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-store-'));
  dirs.push(d);
  return path.join(d, 'project');
}
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

function write(rec: Spectrum | LightCurve, file = rec.sourcePath): FileWrite {
  const outcome = rec.kind === 'spectrum' ? { kind: 'spectrum' as const, spectrum: rec } : { kind: 'lightcurve' as const, lightCurve: rec };
  return { path: file, size: fs.existsSync(file) ? fs.statSync(file).size : 0, mtimeMs: 1, sha256: null, outcome };
}

function bytes(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

describe('ProjectStore arrays', () => {
  it('reads spectra and light curves back bit for bit after reopening the project', async () => {
    const dir = tempProject();
    const store = await ProjectStore.create(dir);
    await store.writeBatch(records.map((r) => write(r)));
    await store.close();

    const again = await ProjectStore.open(dir);
    try {
      for (const s of [dr7, dr6, dr10]) {
        const got = await again.getSpectrum(s.obsid as string);
        expect(got).not.toBeNull();
        for (const k of ['wavelength', 'flux', 'ivar', 'andMask', 'orMask'] as const) {
          expect(got?.[k].constructor).toBe(s[k].constructor);
          expect(bytes(got![k]).equals(bytes(s[k]))).toBe(true);
        }
        expect(got).toMatchObject({ obsid: s.obsid, designation: s.designation, ra: s.ra, dec: s.dec, snr: s.snr, kic: s.kic, layout: s.layout });
      }
      const lcs = await again.getLightCurves(11442793);
      expect(lcs.map((l) => l.quarter)).toEqual([3, 4, 5]);
      lcs.forEach((lc, i) => {
        for (const k of ['time', 'pdcsapFlux', 'pdcsapFluxErr', 'sapFlux', 'sapFluxErr', 'quality', 'cadenceNo'] as const) {
          expect(bytes(lc[k]).equals(bytes(quarters[i][k]))).toBe(true);
        }
      });
      // SOURCES.md: Q3 4370, Q4 (part) 1021, Q5 4634 cadences.
      const joined = await again.getLightCurve(11442793, { qualityMask: 'none', normalise: 'none' });
      expect(joined?.time.length).toBe(4370 + 1021 + 4634);
      expect(joined?.segments?.map((s) => [s.quarter, s.start, s.length])).toEqual([[3, 0, 4370], [4, 4370, 1021], [5, 5391, 4634]]);
      expect(bytes(joined!.pdcsapFlux.subarray(4370, 5391)).equals(bytes(quarters[1].pdcsapFlux))).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('lets two stores of one process share a project: reads see committed batches, closing one keeps the other', async () => {
    const dir = tempProject();
    const writer = await ProjectStore.create(dir);
    const reader = await ProjectStore.open(dir);
    try {
      await writer.writeBatch([write(dr7)]);
      expect((await reader.status()).counts.spectra).toBe(1);
      // Both append to the same array file; each record must still read back exactly.
      await reader.writeBatch([write(dr6)]);
      await writer.writeBatch([write(dr10)]);
      await reader.close();
      expect((await writer.status()).counts.spectra).toBe(3);
      for (const s of [dr7, dr6, dr10]) {
        expect(bytes((await writer.getSpectrum(s.obsid as string))!.flux).equals(bytes(s.flux))).toBe(true);
      }
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('refuses to open a folder that holds no project, naming it', async () => {
    const dir = tempProject();
    await expect(ProjectStore.open(dir)).rejects.toThrow(`${path.resolve(dir)} is not a DESA project`);
  });
});

describe('ProjectStore embeddings', () => {
  it('stores vectors per star and name, replaces them, and reads them back exactly', async () => {
    const store = await ProjectStore.create(tempProject());
    try {
      // Real values as stand-in vectors: slices of a real LAMOST flux array.
      const a = dr7.flux.slice(0, 64);
      const b = dr7.flux.slice(64, 128);
      await store.putEmbeddings('test/joint', [{ starId: 'KIC 11442793', vector: a }, { starId: 'KIC 8098300', vector: b }]);
      await store.putEmbeddings('test/joint', [{ starId: 'KIC 8098300', vector: a }]);
      expect(bytes((await store.getEmbedding('KIC 11442793', 'test/joint'))!).equals(bytes(a))).toBe(true);
      expect(bytes((await store.getEmbedding('KIC 8098300', 'test/joint'))!).equals(bytes(a))).toBe(true);
      expect(await store.getEmbedding('KIC 8098300', 'other')).toBeNull();
      await expect(store.putEmbeddings('test/joint', [{ starId: 'x', vector: a }, { starId: 'y', vector: dr7.flux.slice(0, 3) }]))
        .rejects.toThrow("embedding 'test/joint' of y has 3 values, expected 64");
    } finally {
      await store.close();
    }
  });
});

describe('ProjectStore stars and matching', () => {
  it('groups quarters into one star, ties a KIC-named spectrum by id and a nearby one by position', async () => {
    const [k90] = quarters;
    // Two copies of the DR7 spectrum placed 1.5" and 4.5" north of Kepler-90 (RA_OBJ/DEC_OBJ).
    const near: Spectrum = { ...dr7, obsid: '1', dec: (k90.dec as number) + 1.5 / 3600, ra: k90.ra as number, sourcePath: '/virtual/near.fits', designation: 'near' };
    const far: Spectrum = { ...dr7, obsid: '2', dec: (k90.dec as number) + 4.5 / 3600, ra: k90.ra as number, sourcePath: '/virtual/far.fits', designation: 'far' };
    const expected = JSON.parse(await runPython(String.raw`
import sys, json
from astropy.coordinates import SkyCoord
import astropy.units as u
ra, dec, d1 = map(float, sys.argv[1:4])
a = SkyCoord(ra*u.deg, dec*u.deg)
print(json.dumps(a.separation(SkyCoord(ra*u.deg, d1*u.deg)).arcsec))`, [String(k90.ra), String(k90.dec), String(near.dec)])) as number;

    const store = await ProjectStore.create(tempProject());
    try {
      await store.writeBatch([...records.map((r) => write(r)), write(near, near.sourcePath), write(far, far.sourcePath)]);
      await store.rebuildStars(3);
      const stars = await store.listStars();
      expect(stars.map((s) => s.starId).sort()).toEqual(
        ['KIC 11442793', 'KIC 8098300', dr7.designation, dr10.designation, 'far'].sort(),
      );
      expect(stars.find((s) => s.starId === 'KIC 11442793')).toMatchObject({ kic: 11442793, lightCurves: 3, spectra: 1 });
      expect(stars.find((s) => s.starId === 'KIC 8098300')).toMatchObject({ kic: 8098300, lightCurves: 0, spectra: 1 });

      const byId = await store.getSpectrumMatch(dr6.obsid as string);
      expect(byId).toMatchObject({ starId: 'KIC 8098300', method: 'id' });
      const byPos = await store.getSpectrumMatch('1');
      expect(byPos?.starId).toBe('KIC 11442793');
      expect(byPos?.method).toBe('position');
      expect(byPos?.distanceArcsec).toBeCloseTo(expected, 6);
      expect((await store.getSpectrumMatch('2'))?.method).toBeNull();

      const counts = (await store.status()).counts;
      expect(counts).toMatchObject({ stars: 5, spectra: 5, lightCurves: 3, lightCurveStars: 1, matchedPairs: 1, matchedStars: 1 });
      expect(await store.listStars({ hasLightCurve: true })).toHaveLength(1);
      expect(await store.listStars({ hasSpectrum: true, hasLightCurve: false })).toHaveLength(4);
    } finally {
      await store.close();
    }
  });

  it('records a second file holding the same spectrum as skipped, and replaces a re-written file', async () => {
    const store = await ProjectStore.create(tempProject());
    try {
      await store.writeBatch([write(dr7)]);
      const [dup] = await store.writeBatch([write(dr7, '/elsewhere/copy.fits')]);
      expect(dup.status).toBe('skipped');
      expect(dup.reason).toBe(`/elsewhere/copy.fits: same spectrum (677503031) as ${DR7}, which is already ingested`);
      await store.writeBatch([write(dr7)]);
      const st = await store.status();
      expect(st.counts.spectra).toBe(1);
      expect(st.skipped).toEqual([{ path: '/elsewhere/copy.fits', reason: dup.reason }]);
    } finally {
      await store.close();
    }
  });
});

describe('ProjectStore sky map and export', () => {
  it('returns star positions as columns and exports tables as Parquet that DuckDB reads back', async () => {
    const dir = tempProject();
    const store = await ProjectStore.create(dir);
    try {
      await store.writeBatch(records.map((r) => write(r)));
      await store.rebuildStars();
      const pos = await store.starPositions();
      const k90 = pos.starIds.indexOf('KIC 11442793');
      // Kepler-90's position is the mean RA_OBJ/DEC_OBJ of its quarters (identical headers).
      expect([pos.ra[k90], pos.dec[k90], pos.hasLightCurve[k90], pos.hasSpectrum[k90]]).toEqual([quarters[0].ra, quarters[0].dec, 1, 0]);
      const i6 = pos.starIds.indexOf('KIC 8098300');
      expect([pos.ra[i6], pos.dec[i6], pos.hasLightCurve[i6], pos.hasSpectrum[i6]]).toEqual([dr6.ra, dr6.dec, 0, 1]);
      expect(pos.starIds).toHaveLength((await store.status()).counts.stars);

      const file = path.join(dir, 'spectra.parquet');
      await store.exportParquet('spectra', file);
      const check = await runPython(
        'import sys,struct\nb=open(sys.argv[1],"rb").read()\nprint(b[:4]==b"PAR1" and b[-4:]==b"PAR1")', [file]);
      expect(check.trim()).toBe('True');
      const back = await store.database.all<{ n: bigint }>(`SELECT count(*) AS n FROM read_parquet('${file}')`);
      expect(Number(back[0].n)).toBe(3);
      await expect(store.exportParquet('meta; DROP TABLE stars', file)).rejects.toThrow(/is not a store table/);
    } finally {
      await store.close();
    }
  });
});

describe('ProjectStore crash safety', () => {
  it('keeps committed batches when the writing process dies mid-transaction', async () => {
    const dir = tempProject();
    const store = await ProjectStore.create(dir);
    await store.writeBatch([write(dr7)]);
    await store.close();
    // A separate process commits one more batch, then is killed inside an open transaction.
    const script = `
      import { ProjectStore } from ${JSON.stringify(path.resolve('src/main/store/index.ts'))};
      const s = await ProjectStore.open(${JSON.stringify(dir)});
      const base = { size: 1, mtimeMs: 1, sha256: null };
      await s.writeBatch([{ path: '/virtual/ok.fits', ...base, outcome: { kind: 'skipped', reason: 'committed' } }]);
      await s.database.run('BEGIN TRANSACTION');
      await s.database.run("INSERT INTO files (path, status, reason) VALUES ('/virtual/lost.fits', 'skipped', 'uncommitted')");
      process.kill(process.pid, 'SIGKILL');`;
    const { spawnSync } = await import('node:child_process');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');

    const after = await ProjectStore.open(dir);
    try {
      const st = await after.status();
      expect(st.counts.spectra).toBe(1);
      expect(st.skipped.map((s) => s.path)).toEqual(['/virtual/ok.fits']);
      expect((await after.getSpectrum('677503031'))?.flux.length).toBe(dr7.flux.length);
    } finally {
      await after.close();
    }
  });
});

describe('ProjectStore.importCatalog', () => {
  it('imports the Kirk 2016 EB catalogue and matches its Kepler stars by KIC and by position', async () => {
    const kirk = realDataPath('other/Kirk_2016_KEBC_2876_rows.fits');
    // SOURCES.md: Kepler-90 (KIC 11442793) and KIC 8098300 (our DR6 spectrum's TCOMMENT) are in Kirk 2016.
    // astropy gives their rows and the separations from the positions the store holds for them
    // (Kepler-90: light-curve RA_OBJ/DEC_OBJ; KIC 8098300: the spectrum's RA/DEC).
    const ref = JSON.parse(await runPython(String.raw`
import sys, json
from astropy.io import fits
from astropy.coordinates import SkyCoord
import astropy.units as u
d = fits.open(sys.argv[1])[1].data
out = {'n': len(d), 'matches': []}
for kic, ra, dec in [(11442793, sys.argv[2], sys.argv[3]), (8098300, sys.argv[4], sys.argv[5])]:
    for i, k in enumerate(d['KIC']):
        if int(k) == kic:
            sep = SkyCoord(float(d['_RA_icrs'][i])*u.deg, float(d['_DE_icrs'][i])*u.deg).separation(SkyCoord(float(ra)*u.deg, float(dec)*u.deg)).arcsec
            out['matches'].append([i, 'KIC %d' % kic, sep, float(d['Per'][i])])
out['matches'].sort()
print(json.dumps(out))`, [kirk, String(quarters[0].ra), String(quarters[0].dec), String(dr6.ra), String(dr6.dec)])) as { n: number; matches: [number, string, number, number][] };
    expect(new Set(ref.matches.map((m) => m[1]))).toEqual(new Set(['KIC 11442793', 'KIC 8098300']));

    const store = await ProjectStore.create(tempProject());
    try {
      await store.writeBatch(records.map((r) => write(r)));
      await store.rebuildStars();
      const byKic = await store.importCatalog(kirk, { key: 'kic' });
      expect(byKic).toMatchObject({ rows: ref.n, matchedRows: ref.matches.length, key: 'kic', column: 'KIC' });
      const byPos = await store.importCatalog(kirk, { key: 'position', name: 'Kirk by position' });
      expect(byPos.catalogId).toBe(byKic.catalogId); // same file: re-import replaces
      const x = await store.database.all<{ row_index: number; star_id: string; distance_arcsec: number }>(
        'SELECT row_index, star_id, distance_arcsec FROM crossmatch ORDER BY row_index');
      const within = ref.matches.filter((m) => m[2] <= 3);
      expect(x.map((r) => [r.row_index, r.star_id])).toEqual(within.map((m) => [m[0], m[1]]));
      x.forEach((r, i) => expect(r.distance_arcsec).toBeCloseTo(within[i][2], 6));
      const nPos = within.length;
      // Labels joined to stars: Kirk's orbital period of each matched star, as astropy reads it.
      const per = await store.catalogColumn(byPos.catalogId, 'Per');
      expect(per.map((p) => [p.row, p.starId])).toEqual([...within].sort((a, b) => a[1].localeCompare(b[1]) || a[0] - b[0]).map((m) => [m[0], m[1]]));
      for (const p of per) expect(p.value).toBe(within.find((m) => m[0] === p.row)?.[3]);

      const afg = await store.importCatalog(realDataPath('other/AFG_merged_params.csv'), { key: 'obsid' });
      // SOURCES.md: AFG_merged_params.csv holds labels for all 72 DR10 spectra; we stored one of them.
      expect(afg.matchedRows).toBe(1);
      const teff = await store.database.one<{ num_value: number }>(
        `SELECT v.num_value FROM catalog_values v JOIN crossmatch x USING (catalog_id, row_index)
         WHERE v.catalog_id = $1 AND v.column_name = 'teff'`, [afg.catalogId]);
      const expectedTeff = await runPython(`import csv,sys\nfor r in csv.DictReader(open(sys.argv[1])):\n  if r['obsid']==sys.argv[2]: print(r['teff'])`, [realDataPath('other/AFG_merged_params.csv'), dr10.obsid as string]);
      expect(teff?.num_value).toBeCloseTo(Number(expectedTeff), 9);
      expect((await store.status()).counts).toMatchObject({ catalogs: 2, crossmatches: nPos + 1 });
      await expect(store.importCatalog(kirk, { key: 'obsid' })).rejects.toThrow(/Kirk_2016_KEBC_2876_rows\.fits: no column named like 'obsid'/);
    } finally {
      await store.close();
    }
  });
});
