import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JobProgress } from '../../../src/shared/jobs';
import type { IngestSummary } from '../../../src/shared/project';
import { ingest, IngestCancelledError } from '../../../src/main/ingest/index';
import { ProjectStore } from '../../../src/main/store/index';
import { JobRegistry } from '../../../src/main/jobs/index';
import { realDataPath } from '../../helpers/paths';
import { runPython } from '../../helpers/python';

const REAL = realDataPath();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-ingest-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/**
 * Expected project contents computed by astropy from the files themselves (the rules of
 * docs/decisions/store.md): light-curve stars by KEPLERID, spectra tied to a star when TCOMMENT
 * names its KIC or when within 3" of its RA_OBJ/DEC_OBJ, other spectra one star per DESIG.
 */
const EXPECT_PY = String.raw`
import sys, os, json, glob
from astropy.io import fits
from astropy.coordinates import SkyCoord
import astropy.units as u
root = sys.argv[1]
lc = {}
for f in sorted(glob.glob(os.path.join(root, '**', 'k*_llc.fits'), recursive=True)):
    h = fits.getheader(f, 0)
    key = ('EPIC %d' if h.get('MISSION') == 'K2' else 'KIC %d') % h['KEPLERID']
    lc.setdefault(key, []).append((h['RA_OBJ'], h['DEC_OBJ']))
keys = list(lc)
pos = [(sum(p[0] for p in lc[k]) / len(lc[k]), sum(p[1] for p in lc[k]) / len(lc[k])) for k in keys]
cat = SkyCoord([p[0] for p in pos] * u.deg, [p[1] for p in pos] * u.deg)
stars = set(keys); pairs = []; n_lrs = 0
for f in sorted(glob.glob(os.path.join(root, '**', 'spec-*.fits*'), recursive=True)):
    h = fits.getheader(f, 0)
    if h.get('TELESCOP') != 'LAMOST': continue
    n_lrs += 1
    tc = h.get('TCOMMENT')
    if isinstance(tc, str) and tc.startswith('kplr'):
        key = 'KIC %d' % int(tc[4:]); stars.add(key)
        if key in lc: pairs.append([os.path.basename(f), key, 'id'])
        continue
    sep = SkyCoord(h['RA'] * u.deg, h['DEC'] * u.deg).separation(cat).arcsec
    i = int(sep.argmin())
    if sep[i] <= 3: pairs.append([os.path.basename(f), keys[i], 'position', float(sep[i])])
    else: stars.add(h['DESIG'])
print(json.dumps({'spectra': n_lrs, 'lightCurves': sum(len(v) for v in lc.values()), 'lightCurveStars': len(lc), 'stars': len(stars), 'pairs': pairs}))
`;
interface Expected { spectra: number; lightCurves: number; lightCurveStars: number; stars: number; pairs: [string, string, string, number?][] }
async function expectedFor(dir: string): Promise<Expected> {
  return JSON.parse(await runPython(EXPECT_PY, [dir])) as Expected;
}

describe('ingest of the real data set', () => {
  let first: IngestSummary;
  let expected: Expected;
  const project = path.join(root, 'real');

  beforeAll(async () => {
    expected = await expectedFor(REAL);
    first = await ingest([REAL], project);
  });

  it('holds what SOURCES.md and astropy say is there', async () => {
    // SOURCES.md: 116 LRS spectra; 54 Kepler quarter files of 8 stars + 3 K2 light curves.
    expect(expected).toMatchObject({ spectra: 116, lightCurves: 54 + 3, lightCurveStars: 8 + 3 });
    expect(first.totals).toMatchObject({
      spectra: expected.spectra,
      lightCurves: expected.lightCurves,
      lightCurveStars: expected.lightCurveStars,
      stars: expected.stars,
      matchedPairs: expected.pairs.length,
    });
    // 184 FITS files: every one is used, recognised or skipped with a reason.
    expect(first.filesSeen).toBe(184);
    expect(first.filesRead).toBe(184);
    expect(first.spectraRead).toBe(116);
    expect(first.lightCurvesRead).toBe(57);
    // SOURCES.md: 3 LAMOST MRS, 3 SDSS and 3 APOGEE spectra are known products we do not train on.
    const products = first.recognised.map((r) => r.product).sort();
    expect(products).toEqual([...Array(3).fill('APOGEE'), ...Array(3).fill('LAMOST-MRS'), ...Array(3).fill('SDSS')]);
    // The two FITS catalogues (Kirk 2016, Berger 2020) are no survey product.
    expect(first.skipped.map((s) => path.basename(s.path)).sort()).toEqual([
      'Berger_2020_AJ_160_108_table1_planet_radii.fits', 'Kirk_2016_KEBC_2876_rows.fits',
    ]);
    for (const s of first.skipped) expect(s.reason).toMatch(new RegExp(`^${escape(s.path)}: .*wrong survey`));
    expect(first.filesSkipped).toBe(2);
    expect(first.cancelled).toBe(false);
  });

  it('groups all quarters of a KIC into one star and keeps the arrays readable', async () => {
    const store = await ProjectStore.open(project);
    try {
      // SOURCES.md: KIC 7660594 has Q0-Q17 (18 files).
      const star = (await store.listStars({ hasLightCurve: true })).find((s) => s.kic === 7660594);
      expect(star?.lightCurves).toBe(18);
      const quarters = await store.getLightCurves(7660594);
      expect(quarters.map((q) => q.quarter)).toEqual(Array.from({ length: 18 }, (_, i) => i));
      // SOURCES.md: Q0 has 476 cadences, Q17 1556.
      expect(quarters[0].time.length).toBe(476);
      expect(quarters[17].time.length).toBe(1556);
      // SOURCES.md: the DR6 spectrum names KIC 8098300, which has no light curve here.
      const dr6 = await store.getSpectrumMatch('359910161');
      expect(dr6).toMatchObject({ starId: 'KIC 8098300', method: 'id' });
      // SOURCES.md: the DR3 file (LMJD 55939, plan GAC_061N46_V3, sp07, fibre 078) has the bogus OBSID -28762,
      // so it is keyed by its observation coordinates and keeps the raw card.
      const dr3 = await store.getSpectrum('55939-GAC_061N46_V3-7-78');
      expect(dr3).toMatchObject({ obsid: null, rawObsid: '-28762', dataRelease: 'DR3', lmjd: 55939, spId: 7, fiberId: 78 });
    } finally {
      await store.close();
    }
  });

  it('re-ingest reads no file', async () => {
    const again = await ingest([REAL], project);
    expect(again).toMatchObject({ filesSeen: 184, filesRead: 0, filesUnchanged: 184, filesSkipped: 0 });
    expect(again.totals).toEqual(first.totals);
  });
});

describe('re-ingest of changed files', () => {
  it('does not re-read a touched but identical file, and re-reads a file whose content changed', async () => {
    const dir = path.join(root, 'changing');
    fs.mkdirSync(dir);
    const q3 = realDataPath('kepler/kplr011442793-2009350155506_llc.fits');
    const q4 = realDataPath('kepler/kplr011442793-2010009091648_llc.fits');
    const q5 = realDataPath('kepler/kplr011442793-2010174085026_llc.fits');
    fs.copyFileSync(q3, path.join(dir, 'a.fits'));
    fs.copyFileSync(q5, path.join(dir, 'b.fits'));
    const project = path.join(root, 'changing-project');
    expect((await ingest([dir], project)).filesRead).toBe(2);

    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(dir, 'a.fits'), later, later);
    const touched = await ingest([dir], project);
    expect(touched).toMatchObject({ filesRead: 0, filesUnchanged: 2 });

    fs.copyFileSync(q4, path.join(dir, 'b.fits'));
    const changed = await ingest([dir], project);
    expect(changed).toMatchObject({ filesRead: 1, filesUnchanged: 1, lightCurvesRead: 1 });
    expect(changed.totals).toMatchObject({ lightCurves: 2, lightCurveStars: 1 });
    const store = await ProjectStore.open(project);
    try {
      // SOURCES.md: the Q3 file has 4370 cadences, the Q4 file 1021.
      const lcs = await store.getLightCurves(11442793);
      expect(lcs.map((l) => [path.basename(l.sourcePath), l.quarter, l.time.length])).toEqual([['a.fits', 3, 4370], ['b.fits', 4, 1021]]);
    } finally {
      await store.close();
    }
  });
});

describe('ingest matching on real files', () => {
  it('pairs a spectrum naming the KIC and one within 3 arcsec, keeping the distance', async () => {
    const dir = path.join(root, 'match-data');
    fs.mkdirSync(dir);
    // Real files re-headed by astropy: a DR7 spectrum whose TCOMMENT names Kepler-90, and one moved
    // to 1.2" south-west of Kepler-90's RA_OBJ/DEC_OBJ.
    await runPython(String.raw`
import sys, os, shutil
from astropy.io import fits
src_lc, src_sp, out = sys.argv[1:4]
shutil.copy(src_lc, os.path.join(out, os.path.basename(src_lc)))
ra, dec = fits.getheader(src_lc, 0)['RA_OBJ'], fits.getheader(src_lc, 0)['DEC_OBJ']
import numpy as np
for name, obsid, edit in [('spec-byid.fits', 1000000001, {'TCOMMENT': 'kplr011442793'}),
                          ('spec-bypos.fits', 1000000002, {'RA': ra - 0.9 / 3600 / np.cos(np.radians(dec)), 'DEC': dec - 0.8 / 3600, 'DESIG': 'LAMOST J185744.04+491818.2'})]:
    with fits.open(src_sp) as h:
        h[0].header['OBSID'] = obsid
        for k, v in edit.items(): h[0].header[k] = v
        h.writeto(os.path.join(out, name))
`, [realDataPath('kepler/kplr011442793-2009350155506_llc.fits'), realDataPath('lamost/spec-58397-EG014118N254444M01_sp03-031.fits'), dir]);
    const expected = await expectedFor(dir);
    const summary = await ingest([dir], path.join(root, 'match-project'));
    expect(summary.totals).toMatchObject({ spectra: 2, lightCurves: 1, matchedPairs: expected.pairs.length, matchedStars: 1 });
    expect(expected.pairs.map((p) => p[2]).sort()).toEqual(['id', 'position']);

    const store = await ProjectStore.open(path.join(root, 'match-project'));
    try {
      expect(await store.getSpectrumMatch('1000000001')).toMatchObject({ starId: 'KIC 11442793', method: 'id' });
      const byPos = await store.getSpectrumMatch('1000000002');
      expect(byPos).toMatchObject({ starId: 'KIC 11442793', method: 'position' });
      const ref = expected.pairs.find((p) => p[2] === 'position')?.[3] as number;
      expect(byPos?.distanceArcsec).toBeCloseTo(ref, 6);
      expect((await store.spectrumIdsOfStar('KIC 11442793')).sort()).toEqual(['1000000001', '1000000002']);
    } finally {
      await store.close();
    }
  });
});

describe('ingest of bad files', () => {
  it('skips each bad file with a reason naming it and the problem, and ingests the good ones', async () => {
    const dir = path.join(root, 'bad-data');
    fs.mkdirSync(dir);
    const kepler = realDataPath('kepler/kplr011442793-2010009091648_llc.fits');
    fs.writeFileSync(path.join(dir, 'empty.fits'), '');
    // Cut inside the LIGHTCURVE table's data (SOURCES.md: this file is 132480 bytes), and a cut .gz.
    fs.writeFileSync(path.join(dir, 'truncated.fits'), fs.readFileSync(kepler).subarray(0, 100_000));
    fs.writeFileSync(path.join(dir, 'truncated.fits.gz'), fs.readFileSync(realDataPath('lamost/spec-57287-KP193637N444141V03_sp10-161.fits.gz')).subarray(0, 30_000));
    fs.writeFileSync(path.join(dir, 'readme.fits'), 'These are my LAMOST notes, not a FITS file.\n');
    const corrupt = Buffer.from(fs.readFileSync(realDataPath('lamost/spec-58397-EG014118N254444M01_sp03-031.fits')));
    // Card 2 is BITPIX; give it a value no FITS reader accepts.
    expect(corrupt.subarray(80, 88).toString('latin1')).toBe('BITPIX  ');
    corrupt.write('BITPIX  =                  abc'.padEnd(80, ' '), 80, 'latin1');
    fs.writeFileSync(path.join(dir, 'corrupt-header.fits'), corrupt);
    fs.copyFileSync(realDataPath('other/Kirk_2016_KEBC_2876_rows.fits'), path.join(dir, 'kirk-catalogue.fits'));
    fs.copyFileSync(realDataPath('other/spec-3128-54776-0008.fits'), path.join(dir, 'sdss.fits'));
    fs.copyFileSync(realDataPath('kepler/kplr011442793-2010174085026_llc.fits'), path.join(dir, 'good-lc.fits'));
    fs.copyFileSync(realDataPath('lamost/spec-57287-KP193637N444141V03_sp10-161.fits.gz'), path.join(dir, 'good-spec.fits.gz'));

    const s = await ingest([dir], path.join(root, 'bad-project'));
    expect(s.totals).toMatchObject({ spectra: 1, lightCurves: 1 });
    expect(s.recognised).toEqual([{ path: path.join(dir, 'sdss.fits'), product: 'SDSS', reason: expect.stringMatching(/SDSS/) }]);
    const reasons = Object.fromEntries(s.skipped.map((k) => [path.basename(k.path), k.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['corrupt-header.fits', 'empty.fits', 'kirk-catalogue.fits', 'readme.fits', 'truncated.fits', 'truncated.fits.gz']);
    for (const k of s.skipped) expect(k.reason.startsWith(`${k.path}: `)).toBe(true);
    expect(reasons['empty.fits']).toMatch(/empty file \(0 bytes\)/);
    expect(reasons['readme.fits']).toMatch(/not a FITS file/);
    expect(reasons['truncated.fits']).toMatch(/truncated data unit.*ends at 100000/);
    expect(reasons['truncated.fits.gz']).toMatch(/gzip.*unexpected end/);
    expect(reasons['corrupt-header.fits']).toMatch(/BITPIX must be an integer, found abc/);
    expect(reasons['kirk-catalogue.fits']).toMatch(/wrong survey/);
  });
});

describe('ingest cancel and resume', () => {
  it('keeps what was committed when cancelled and a later ingest ends with the same counts as one run', async () => {
    const project = path.join(root, 'cancelled');
    // Run as the app does: a JobRegistry job, cancelled from outside once 40 files are read.
    const jobs = new JobRegistry();
    const events: JobProgress[] = [];
    const job = jobs.start('ingest', (ctx) => ingest([REAL], project, { signal: ctx.signal, onProgress: ctx.onProgress, batchSize: 8 }));
    jobs.subscribe((e) => {
      if (e.type !== 'progress') return;
      events.push(e.progress);
      if (e.progress.phase === 'reading files' && e.progress.done >= 40) jobs.cancel(job.jobId);
    });
    const error = await job.result.catch((e: unknown) => e);
    expect(jobs.get(job.jobId)?.state).toBe('cancelled');
    expect(error).toBeInstanceOf(IngestCancelledError);
    const partial = (error as IngestCancelledError).summary;
    expect(partial.cancelled).toBe(true);
    expect(partial.filesRead).toBeGreaterThanOrEqual(40);
    expect(partial.filesRead).toBeLessThan(184);
    expect(events.some((e) => e.phase === 'reading files' && e.total === 184)).toBe(true);

    const resumed = await ingest([REAL], project);
    expect(resumed.filesUnchanged).toBe(partial.filesRead);
    expect(resumed.filesRead).toBe(184 - partial.filesRead);
    // The same final counts as one uninterrupted ingest (the first describe checks those against
    // SOURCES.md and astropy with the same expectations).
    const expected = await expectedFor(REAL);
    expect(resumed.totals).toMatchObject({
      spectra: expected.spectra, lightCurves: expected.lightCurves, lightCurveStars: expected.lightCurveStars,
      stars: expected.stars, matchedPairs: expected.pairs.length, skippedFiles: 2, recognisedFiles: 9,
    });
  });
});

describe('ingest after a crash', () => {
  it('a process killed mid-ingest loses nothing committed, and the next ingest completes the project', async () => {
    const project = path.join(root, 'crashed');
    const script = `
      import { ingest } from ${JSON.stringify(path.resolve('src/main/ingest/index.ts'))};
      await ingest([${JSON.stringify(REAL)}], ${JSON.stringify(project)}, { batchSize: 8, onProgress: (p) => {
        if (p.phase === 'reading files' && p.done >= 40) process.kill(process.pid, 'SIGKILL');
      } });`;
    const { spawnSync } = await import('node:child_process');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');

    const store = await ProjectStore.open(project);
    let committed: number;
    try {
      committed = (await store.fileRecords()).size;
      // Batches of 8 were committed before the kill. In scan order the first files are KIC 2556081's
      // quarters, the first being Q1 with 1639 cadences (SOURCES.md); it reads back whole.
      expect(committed).toBeGreaterThanOrEqual(8);
      const [q1] = await store.getLightCurves(2556081);
      expect([q1.quarter, q1.time.length, q1.pdcsapFlux.length]).toEqual([1, 1639, 1639]);
    } finally {
      await store.close();
    }
    const expected = await expectedFor(REAL);
    const resumed = await ingest([REAL], project);
    expect(resumed.filesUnchanged).toBe(committed);
    expect(resumed.filesRead).toBe(184 - committed);
    expect(resumed.totals).toMatchObject({
      spectra: expected.spectra, lightCurves: expected.lightCurves, lightCurveStars: expected.lightCurveStars,
      stars: expected.stars, matchedPairs: expected.pairs.length, skippedFiles: 2, recognisedFiles: 9,
    });
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
