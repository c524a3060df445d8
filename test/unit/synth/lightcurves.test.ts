import path from 'node:path';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openFits, type TableHdu } from '../../../src/main/fits/index';
import { drawStar } from '../../../src/main/synth/star';
import { FLUX_KP12, lightCurveModel, quarterLightCurve, type QuarterLightCurve } from '../../../src/main/synth/lightcurve';
import { KEPLER_QUARTERS } from '../../../src/main/synth/kepler-schedule';
import { eclipseFlux } from '../../../src/main/synth/physics/binaries';
import type { StarTruth } from '../../../src/main/synth/truth';
import { sharedDir } from '../../helpers/paths';

const SEED = 4;

function findStar(predicate: (s: StarTruth) => boolean, seed = SEED, limit = 30000): StarTruth {
  for (let i = 0; i < limit; i++) {
    const s = drawStar(seed, i);
    if (predicate(s)) return s;
  }
  throw new Error('no star matching the predicate');
}

function quarters(star: StarTruth, numbers: number[], seed = SEED): QuarterLightCurve[] {
  const model = lightCurveModel(seed, star);
  return numbers.map((q) => quarterLightCurve(seed, star, model, KEPLER_QUARTERS[q - 1]));
}

/** Finite (time, relative flux) pairs of stitched quarters, each normalised by its median. */
function stitched(lcs: QuarterLightCurve[]): { t: number[]; f: number[] } {
  const t: number[] = [];
  const f: number[] = [];
  for (const lc of lcs) {
    const finite = Array.from(lc.pdcsapFlux).filter(Number.isFinite).sort((a, b) => a - b);
    const med = finite[finite.length >> 1];
    lc.time.forEach((x, i) => {
      if (Number.isFinite(x) && Number.isFinite(lc.pdcsapFlux[i])) {
        t.push(x);
        f.push(lc.pdcsapFlux[i] / med - 1);
      }
    });
  }
  return { t, f };
}

describe('synthetic Kepler light curves', () => {
  it('matches the flux and per-cadence precision of real DR25 files at the same Kepler magnitude', async () => {
    const dir = path.join(sharedDir(), 'data/real/kepler');
    const seen = new Set<number>();
    let checked = 0;
    const fluxRatios: number[] = [];
    const errRatios: number[] = [];
    for (const name of fs.readdirSync(dir).sort()) {
      const file = await openFits(path.join(dir, name));
      const kic = file.hdus[0].header.getNumber('KEPLERID')!;
      const kepmag = file.hdus[0].header.getNumber('KEPMAG')!;
      const lcHdu = file.hdus[1] as TableHdu;
      if (seen.has(kic) || lcHdu.nrows < 1000) continue;
      seen.add(kic);
      const flux = (await lcHdu.readColumn('PDCSAP_FLUX')).values as Float32Array;
      const err = (await lcHdu.readColumn('PDCSAP_FLUX_ERR')).values as Float32Array;
      const realFlux = medianOf(Array.from(flux).filter(Number.isFinite));
      const realRelErr = medianOf(Array.from(flux, (f, i) => err[i] / f).filter(Number.isFinite));
      await file.close();
      fluxRatios.push((FLUX_KP12 * 10 ** (-0.4 * (kepmag - 12))) / realFlux);
      // A synthetic star of the same magnitude has the same photon + read noise within 40 %.
      const twin = { ...drawStar(SEED, checked), kepmag };
      const [lc] = quarters(twin, [3]);
      const synthRelErr = medianOf(Array.from(lc.pdcsapFluxErr, (e, i) => e / lc.pdcsapFlux[i]).filter(Number.isFinite));
      errRatios.push(synthRelErr / realRelErr);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
    // Our flux scale FLUX_KP12 · 10^(−0.4 (Kp − 12)) and noise model match the typical real star;
    // single stars differ by their aperture, crowding and KIC magnitude errors.
    expect(Math.abs(medianOf(fluxRatios) - 1)).toBeLessThan(0.15);
    expect(Math.abs(medianOf(errRatios) - 1)).toBeLessThan(0.3);
    for (const r of [...fluxRatios, ...errRatios]) {
      expect(r).toBeGreaterThan(0.5);
      expect(r).toBeLessThan(2);
    }
  });

  it('has the real cadence grid, gaps and quality-flag rates', () => {
    const star = drawStar(SEED, 0);
    for (const lc of quarters(star, [2, 8, 16])) {
      const q = lc.quarter;
      expect(lc.cadenceNo.length).toBe(q.cadences);
      expect(lc.cadenceNo[0]).toBe(q.firstCadence);
      const gapCadences = q.gaps.reduce((s, [, n]) => s + n, 0);
      expect(Array.from(lc.time).filter(Number.isNaN).length).toBe(gapCadences);
      // Real DR25 files: SAP_QUALITY != 0 on 5-41 % of cadences (SOURCES.md).
      const flagged = Array.from(lc.quality).filter((x) => x !== 0).length / q.cadences;
      expect(flagged).toBeGreaterThan(0.05);
      expect(flagged).toBeLessThan(0.41);
      const dt = lc.time[1] - lc.time[0];
      expect(dt * 1440).toBeCloseTo(29.4244, 3);
    }
  });

  it('shows eclipses at the orbital period (box least squares on an eclipsing binary)', () => {
    const star = findStar((s) => s.eclipsing && s.orbit!.periodDays > 0.8 && s.orbit!.periodDays < 12 && minFlux(s) < 0.97);
    const { t, f } = stitched(quarters(star, [2, 3]));
    const period = star.orbit!.periodDays;
    const best = boxLeastSquares(t, f, 0.5, 20);
    const ratio = best / period;
    // BLS locks on P, or on P/2 when the two eclipses have similar depths.
    expect(Math.min(Math.abs(ratio - 1), Math.abs(ratio - 0.5))).toBeLessThan(0.005);
    // Folding at the true period puts the deepest bin where the orbit predicts the deepest eclipse.
    const bins = 100;
    const sum = new Float64Array(bins);
    const cnt = new Float64Array(bins);
    t.forEach((x, i) => {
      const b = Math.floor((((x - star.orbit!.tPeri) / period) % 1 + 1) % 1 * bins);
      sum[b] += f[i];
      cnt[b]++;
    });
    const mean = Array.from(sum, (s, i) => s / Math.max(1, cnt[i]));
    const observedBin = mean.indexOf(Math.min(...mean));
    const model = Array.from({ length: bins }, (_, b) => eclipseFlux(star.orbit!, star.orbit!.tPeri + ((b + 0.5) / bins) * period, star.primary.radius, star.secondary!.radius, star.lightFraction2));
    const predictedBin = model.indexOf(Math.min(...model));
    const d = Math.abs(observedBin - predictedBin);
    expect(Math.min(d, bins - d)).toBeLessThanOrEqual(2);
  });

  it('lets an autocorrelation function recover the spot rotation period (McQuillan et al. 2013 method)', () => {
    const star = findStar((s) => !s.secondary && s.primary.stage === 'MS' && s.spotAmplitude > 0.005 && s.rotationPeriod > 3 && s.rotationPeriod < 25 && s.kepmag < 15);
    const lcs = quarters(star, [2, 3, 4]);
    // Uniform grid over cadences (gaps as zeros), as in McQuillan et al. 2013.
    const first = lcs[0].cadenceNo[0];
    const last = lcs[lcs.length - 1].cadenceNo[lcs[lcs.length - 1].cadenceNo.length - 1];
    const grid = new Float64Array(last - first + 1);
    for (const lc of lcs) {
      const finite = Array.from(lc.pdcsapFlux).filter(Number.isFinite).sort((a, b) => a - b);
      const med = finite[finite.length >> 1];
      lc.cadenceNo.forEach((c, i) => { if (Number.isFinite(lc.pdcsapFlux[i])) grid[c - first] = lc.pdcsapFlux[i] / med - 1; });
    }
    const maxLag = Math.round(70 / 0.0204336);
    const acf = new Float64Array(maxLag);
    for (let lag = 0; lag < maxLag; lag++) {
      let s = 0;
      for (let i = 0; i + lag < grid.length; i++) s += grid[i] * grid[i + lag];
      acf[lag] = s;
    }
    // Smooth with a Gaussian (σ = 9 lags) and take the highest local maximum after the first zero crossing.
    const smooth = new Float64Array(maxLag);
    for (let i = 0; i < maxLag; i++) {
      let s = 0, w = 0;
      for (let k = -27; k <= 27; k++) if (i + k >= 0 && i + k < maxLag) { const g = Math.exp(-0.5 * (k / 9) ** 2); s += g * acf[i + k]; w += g; }
      smooth[i] = s / w;
    }
    let i0 = 1;
    while (i0 < maxLag && smooth[i0] > 0) i0++;
    let bestLag = -1;
    for (let i = i0 + 1; i < maxLag - 1; i++) if (smooth[i] > smooth[i - 1] && smooth[i] >= smooth[i + 1] && (bestLag < 0 || smooth[i] > smooth[bestLag])) bestLag = i;
    const found = bestLag * 0.0204336;
    expect(Math.abs(found / star.rotationPeriod - 1)).toBeLessThan(0.1);
  });

  it('puts flares on active M dwarfs: brief positive outliers far above the noise', () => {
    const mDwarf = findStar((s) => s.primary.stage === 'MS' && s.primary.teff < 3900 && !s.secondary);
    const star = { ...mDwarf, flareRate: 1 };
    const lcs = quarters(star, [2, 3]);
    const { f } = stitched(lcs);
    const center = medianOf(f);
    const sigma = 1.4826 * medianOf(f.map((x) => Math.abs(x - center)));
    const outliers = f.filter((x) => x > 8 * sigma).length;
    expect(outliers).toBeGreaterThan(0);
    // No comparable negative outliers (flares brighten, they never dim).
    expect(f.filter((x) => x < -8 * sigma).length).toBeLessThan(outliers);
  });
});

function minFlux(s: StarTruth): number {
  let min = 1;
  for (let k = 0; k < 2000; k++) min = Math.min(min, eclipseFlux(s.orbit!, s.orbit!.tPeri + (k / 2000) * s.orbit!.periodDays, s.primary.radius, s.secondary!.radius, s.lightFraction2));
  return min;
}

/** Box least squares (Kovács, Zucker & Mazeh 2002): the trial period with the most significant dip. */
function boxLeastSquares(t: number[], f: number[], pMin: number, pMax: number): number {
  const span = t[t.length - 1] - t[0];
  const df = 0.02 / span; // frequency step ≪ 1 / baseline
  const bins = 200;
  let best = { power: -Infinity, period: 0 };
  const sum = new Float64Array(bins);
  const cnt = new Float64Array(bins);
  const mean = f.reduce((a, x) => a + x, 0) / f.length;
  for (let freq = 1 / pMax; freq <= 1 / pMin; freq += df) {
    sum.fill(0);
    cnt.fill(0);
    for (let i = 0; i < t.length; i++) {
      const b = Math.floor(((t[i] * freq) % 1) * bins);
      sum[b] += f[i] - mean;
      cnt[b]++;
    }
    for (const width of [1, 2, 4, 8]) {
      for (let b = 0; b < bins; b++) {
        let s = 0, n = 0;
        for (let k = 0; k < width; k++) { s += sum[(b + k) % bins]; n += cnt[(b + k) % bins]; }
        if (n < 3) continue;
        const power = (s * s) / (n * (1 - n / t.length));
        if (s < 0 && power > best.power) best = { power, period: 1 / freq };
      }
    }
  }
  return best.period;
}

function medianOf(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
}
