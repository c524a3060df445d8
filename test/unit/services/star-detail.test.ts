/**
 * `star.detail` on a project ingested from real survey files (shared/data/real): KIC 2556081's
 * seventeen Kepler long-cadence quarters, one LAMOST DR1 spectrum, and a small label catalogue.
 * Expected values come from the reference tools reading the same files or the same series:
 * - time stamps and quarter spans from astropy (TIME, QUARTER of each file);
 * - relative flux = the stitched PDCSAP series over its median (numpy);
 * - ACF of the DESA chain's smoothed series from scipy.signal.correlate (demeaned, over lag 0),
 *   FFT as numpy's log1p|rfft| (amplitudes within 1e-12 of the largest), each at the lags /
 *   frequencies the panel keeps, with the lag and
 *   frequency axes from numpy's median cadence;
 * - the spectrum's wavelengths (10^(COEFF0 + i·COEFF1)) and flux from astropy;
 * - the catalogue value, and a not-found error naming the star.
 * The ACF by real-input FFTs also equals preprocess's complex-FFT autocorrelation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../../src/main/ingest/index';
import { autocorrelation, fillNaNs, LIGHT_CURVE_DEFAULTS, movingAverage, stitchQuarters } from '../../../src/main/preprocess/index';
import { autocorrelationByRealFft, finiteMedian, readStarDetail } from '../../../src/main/services/star-detail';
import { plannedRfft } from '../../../src/main/services/star-detail-fft';
import { ProjectStore } from '../../../src/main/store/index';
import { gaussian, mulberry32 } from '../../../src/main/map/random';
import { repoRoot } from '../../helpers/paths';
import { runPython } from '../../helpers/python';

const real = path.resolve(repoRoot(), '../shared/data/real');
const KIC = 2556081;
const SPECTRUM = 'spec-55862-B6212_sp06-003.fits';
let work: string;
let store: ProjectStore;
let keplerFiles: string[];

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-star-detail-'));
  const survey = path.join(work, 'survey');
  fs.mkdirSync(path.join(survey, 'kepler'), { recursive: true });
  fs.mkdirSync(path.join(survey, 'lamost'), { recursive: true });
  keplerFiles = fs.readdirSync(path.join(real, 'kepler')).filter((f) => f.startsWith(`kplr${String(KIC).padStart(9, '0')}-`)).sort();
  for (const f of keplerFiles) fs.symlinkSync(path.join(real, 'kepler', f), path.join(survey, 'kepler', f));
  fs.symlinkSync(path.join(real, 'lamost', SPECTRUM), path.join(survey, 'lamost', SPECTRUM));
  const project = path.join(work, 'project');
  await ingest([survey], project);
  fs.writeFileSync(path.join(work, 'labels.csv'), `kic,prot\n${KIC},12.5\n`);
  store = await ProjectStore.open(project);
  await store.importCatalog(path.join(work, 'labels.csv'), { key: 'kic', name: 'labels.csv' });
}, 300_000);

afterAll(async () => {
  await store?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('star detail', () => {
  it('light curve, quarters, ACF and FFT agree with astropy, numpy and scipy', async () => {
    expect(keplerFiles).toHaveLength(17);
    const starId = (await store.listStars()).find((s) => s.kic === KIC)!.starId;
    const detail = await readStarDetail(store, starId);
    expect(detail.star.kic).toBe(KIC);
    expect(detail.star.lightCurves).toBe(17);
    expect(detail.catalog).toEqual([{ catalog: 'labels.csv', column: 'kic', value: KIC }, { catalog: 'labels.csv', column: 'prot', value: 12.5 }]);
    const lc = detail.lightCurve!;
    // The DESA chain's smoothed series (these steps are checked against the authors' code in test/parity).
    const parts = await store.getLightCurves(KIC, 'Kepler');
    const { stitched } = stitchQuarters(parts.map((p) => p.pdcsapFlux));
    const smoothed = movingAverage(fillNaNs(stitched).filled, LIGHT_CURVE_DEFAULTS.movingAverageWindow);
    const input = path.join(work, 'series.json');
    fs.writeFileSync(input, JSON.stringify({ files: keplerFiles.map((f) => path.join(real, 'kepler', f)), stitched: Array.from(stitched, (v) => (Number.isNaN(v) ? null : v)), smoothed: Array.from(smoothed) }));
    const ref = JSON.parse(await runPython(`
import sys, json
import numpy as np
from astropy.io import fits
from scipy.signal import correlate
d = json.load(open(sys.argv[1]))
times, quarters = [], []
for f in d['files']:
    with fits.open(f) as h:
        t = np.array(h[1].data['TIME'], dtype=np.float64)
        times.append(t)
        ok = t[np.isfinite(t)]
        quarters.append({'quarter': int(h[0].header['QUARTER']), 'start': float(ok[0]), 'end': float(ok[-1])})
time = np.concatenate(times)
stitched = np.array([np.nan if v is None else v for v in d['stitched']], dtype=np.float32).astype(np.float64)
x = np.array(d['smoothed'], dtype=np.float64)
c = correlate(x - x.mean(), x - x.mean(), mode='full', method='fft')[len(x) - 1:]
print(json.dumps({'time': np.where(np.isfinite(time), time, None).tolist(), 'quarters': quarters,
  'flux': (stitched / np.nanmedian(stitched)).tolist(), 'cadence': float(np.nanmedian(np.diff(time))),
  'acf': (c / c[0]).tolist(), 'fft': np.log1p(np.abs(np.fft.rfft(x))).tolist()}).replace('NaN', 'null'))
`, [input])) as { time: (number | null)[]; quarters: { quarter: number; start: number; end: number }[]; flux: (number | null)[]; cadence: number; acf: number[]; fft: number[] };

    expect(lc.quarters).toEqual(ref.quarters);
    // Every kept sample is a real (time, flux) pair of the stitched series; thinning keeps both ends of the range.
    const indexOfTime = new Map(ref.time.map((t, i) => [t, i]));
    expect(lc.time.length).toBeLessThanOrEqual(4000);
    lc.time.forEach((t, j) => {
      if (Number.isNaN(t)) return; // a cadence without a time stamp (as in the files) cannot be placed on the plot
      const i = indexOfTime.get(t);
      expect(i, `time ${t} is one of the files' time stamps`).toBeDefined();
      const want = ref.flux[i!];
      if (want === null) expect(Number.isNaN(lc.flux[j])).toBe(true);
      else expect(lc.flux[j]).toBeCloseTo(want, 6);
    });
    const finiteFlux = ref.flux.filter((v): v is number => v !== null);
    expect(Math.max(...lc.flux.filter(Number.isFinite))).toBeCloseTo(Math.max(...finiteFlux), 6);
    expect(Math.min(...lc.flux.filter(Number.isFinite))).toBeCloseTo(Math.min(...finiteFlux), 6);

    const n = smoothed.length;
    expect(lc.acf.lagDays.length).toBeLessThanOrEqual(4000);
    lc.acf.lagDays.forEach((lag, j) => {
      const k = Math.round(lag / ref.cadence);
      expect(lag).toBeCloseTo(k * ref.cadence, 9);
      expect(Math.abs(lc.acf.value[j] - ref.acf[k])).toBeLessThan(1e-9);
    });
    // FFT round-off scales with the signal's norm (the zero-frequency bin), not with each bin.
    const largest = Math.max(...ref.fft.map(Math.expm1));
    lc.fft.frequencyPerDay.forEach((f, j) => {
      const k = Math.round(f * n * ref.cadence);
      expect(f).toBeCloseTo(k / (n * ref.cadence), 12);
      expect(Math.abs(Math.expm1(lc.fft.log1pAmplitude[j]) - Math.expm1(ref.fft[k]))).toBeLessThan(1e-12 * largest);
    });
    // The global extremes of the ACF after lag 0 survive the thinning.
    const tailMin = Math.min(...ref.acf.slice(1));
    expect(Math.min(...lc.acf.value)).toBeCloseTo(tailMin, 12);
  });

  it('spectrum raw values agree with astropy and the preprocessed spectrum is there', async () => {
    const stars = await store.listStars();
    const star = stars.find((s) => s.kic === null)!;
    const detail = await readStarDetail(store, star.starId);
    const sp = detail.spectrum!;
    expect(detail.lightCurve).toBeNull();
    const ref = JSON.parse(await runPython(`
import sys, json
import numpy as np
from astropy.io import fits
with fits.open(sys.argv[1]) as h:
    n = h[0].data.shape[1]
    print(json.dumps({'wavelength': (10 ** (h[0].header['COEFF0'] + np.arange(n) * h[0].header['COEFF1'])).tolist(), 'flux': h[0].data[0].astype(float).tolist()}))
`, [path.join(real, 'lamost', SPECTRUM)])) as { wavelength: number[]; flux: number[] };
    expect(Array.from(sp.flux)).toEqual(ref.flux);
    sp.wavelength.forEach((w, i) => expect(Math.abs(w - ref.wavelength[i]) / ref.wavelength[i]).toBeLessThan(1e-12));
    expect(sp.preprocessed!.flux.length).toBeGreaterThan(1000);
    expect(sp.preprocessed!.flux.every(Number.isFinite)).toBe(true);
    // A second click returns the same detail (now from the per-store cache).
    expect(await readStarDetail(store, star.starId)).toEqual(detail);
  });

  it('names a star the project does not have', async () => {
    await expect(readStarDetail(store, 'KIC 42')).rejects.toThrow(/no star 'KIC 42' in the project/);
  });
});

describe('ACF by real-input FFTs', () => {
  it('equals the complex-FFT autocorrelation for odd, even and power-of-two lengths', () => {
    const g = gaussian(mulberry32(4));
    for (const n of [5, 64, 1000, 4097]) {
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 7) + 0.3 * g());
      const a = autocorrelationByRealFft(x);
      const b = autocorrelation(x);
      for (let k = 0; k < n; k++) expect(Math.abs(a[k] - b[k])).toBeLessThan(1e-12);
    }
  });

  it('the planned rfft equals numpy.fft.rfft for odd, power-of-two and Bluestein lengths', async () => {
    const g = gaussian(mulberry32(5));
    const lengths = [1, 2, 7, 64, 1000, 4098, 69302]; // 4098/2 = 3·683 and 69302/2 = 34651 go through Bluestein
    const signals = lengths.map((n) => Array.from({ length: n }, (_, i) => Math.cos(i / 5) + g()));
    const input = path.join(os.tmpdir(), `desa-rfft-${process.pid}.json`);
    fs.writeFileSync(input, JSON.stringify(signals));
    try {
      const ref = JSON.parse(await runPython(`
import sys, json
import numpy as np
out = []
for x in json.load(open(sys.argv[1])):
    s = np.fft.rfft(np.array(x, dtype=np.float64))
    out.append({'re': s.real.tolist(), 'im': s.imag.tolist()})
print(json.dumps(out))
`, [input])) as { re: number[]; im: number[] }[];
      signals.forEach((x, t) => {
        const got = plannedRfft(x);
        expect(got.re.length).toBe(ref[t].re.length);
        const scale = Math.max(...ref[t].re.map((r, k) => Math.hypot(r, ref[t].im[k])));
        got.re.forEach((r, k) => expect(Math.hypot(r - ref[t].re[k], got.im[k] - ref[t].im[k])).toBeLessThan(1e-12 * scale));
      });
    } finally {
      fs.rmSync(input, { force: true });
    }
  });

  it('median of finite values equals the sorted middle', () => {
    expect(finiteMedian([3, NaN, 1, 2, Infinity])).toBe(2);
    expect(finiteMedian([4, 1, 3, 2])).toBe(2.5);
    expect(finiteMedian([NaN])).toBeNaN();
    const u = mulberry32(9);
    for (const n of [1, 2, 7, 100, 1001, 5000]) {
      // Random values with many ties, sorted runs and reversed runs (like time steps).
      const x = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? Math.floor(u() * 5) : i % 3 === 1 ? i : n - i));
      const sorted = Float64Array.from(x).sort();
      const want = n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      expect(finiteMedian(x)).toBe(want);
    }
  });
});
