import { describe, expect, it } from 'vitest';
import { lamostWavelengths, modelSpectrum, observeSpectrum } from '../../../src/main/synth/spectrum';
import { drawStar } from '../../../src/main/synth/star';
import { absoluteG, bpRpFromTeff } from '../../../src/main/synth/physics/photometry';
import { radialVelocities } from '../../../src/main/synth/physics/binaries';
import { Rng } from '../../../src/main/synth/random';
import type { ComponentTruth, SpectrumEpoch, StarTruth } from '../../../src/main/synth/truth';

const wave = lamostWavelengths();
const PIXEL_KMS = 299792.458 * (10 ** 1e-4 - 1);

function singleStar(teff: number, logg: number, feh: number): StarTruth {
  const base = drawStar(1, 0);
  const primary: ComponentTruth = { ...base.primary, teff, logg, stage: logg > 3.8 ? 'MS' : 'RGB', radius: 1, luminosity: (teff / 5772) ** 4, absG: absoluteG((teff / 5772) ** 4, teff), bpRp: bpRpFromTeff(teff) };
  return { ...base, primary, secondary: null, orbit: null, lightFraction2: 0, feh, av: 0, vsini: 2, flareRate: 0 };
}

const epoch = (rv1: number, rv2: number | null = null): SpectrumEpoch => ({
  obsid: 1, lmjd: 56000, bkjd: 1000, planId: 'KP000000N000000V01', spId: 1, fiberId: 1, layout: 'dr10', rv1, rv2, snrG: 100, heliocentricCorrection: 0,
});

/** Equivalent width (Å) of a feature against a straight line through two side bands, like a Lick index. */
function equivalentWidth(flux: ArrayLike<number>, [b0, b1]: number[], [l0, l1]: number[], [r0, r1]: number[]): number {
  const mean = (lo: number, hi: number) => {
    let s = 0, n = 0, w = 0;
    for (let i = 0; i < wave.length; i++) if (wave[i] >= lo && wave[i] <= hi) { s += flux[i]; w += wave[i]; n++; }
    return { f: s / n, w: w / n };
  };
  const l = mean(l0, l1);
  const r = mean(r0, r1);
  let ew = 0;
  for (let i = 1; i < wave.length; i++) {
    if (wave[i] < b0 || wave[i] > b1) continue;
    const cont = l.f + ((r.f - l.f) * (wave[i] - l.w)) / (r.w - l.w);
    ew += (1 - flux[i] / cont) * (wave[i] - wave[i - 1]);
  }
  return ew;
}

describe('synthetic LAMOST spectra', () => {
  it('has H-alpha absorption strongest in A/F stars (Balmer maximum near A0-A2)', () => {
    const teffs = [3400, 4000, 4500, 5000, 5500, 6000, 6500, 7000, 7500, 8000, 8500, 9000, 9500, 10000];
    const ews = teffs.map((t) => equivalentWidth(modelSpectrum(singleStar(t, 4.2, 0), epoch(0), wave).flux, [6540, 6590], [6420, 6455], [6680, 6720]));
    const peak = teffs[ews.indexOf(Math.max(...ews))];
    expect(peak).toBeGreaterThanOrEqual(7500);
    expect(peak).toBeLessThanOrEqual(10000);
    // Solar Hα EW is ~3 Å (Moore et al. 1966 solar atlas); M dwarfs well below, A stars well above.
    const ewSun = ews[teffs.indexOf(6000)];
    expect(ewSun).toBeGreaterThan(1.5);
    expect(ewSun).toBeLessThan(5);
    expect(Math.max(...ews)).toBeGreaterThan(3 * ewSun);
    expect(ews[0]).toBeLessThan(ewSun);
  });

  it('shows TiO bands only in M dwarfs, a gravity-sensitive Ca triplet and metallicity-sensitive Fe lines', () => {
    const tioDepth = (teff: number) => {
      const f = modelSpectrum(singleStar(teff, 4.8, 0), epoch(0), wave).flux;
      return 1 - meanIn(f, 7060, 7150) / meanIn(f, 7020, 7045);
    };
    expect(tioDepth(3300)).toBeGreaterThan(0.2); // TiO λ7054 band: tens of per cent deep in M dwarfs
    expect(Math.abs(tioDepth(5500))).toBeLessThan(0.05);
    const caT = (logg: number) => equivalentWidth(modelSpectrum(singleStar(4800, logg, 0), epoch(0), wave).flux, [8530, 8560], [8500, 8515], [8575, 8600]);
    expect(caT(2.4)).toBeGreaterThan(caT(4.6));
    const fe = (feh: number) => equivalentWidth(modelSpectrum(singleStar(5500, 4.4, feh), epoch(0), wave).flux, [5265, 5275], [5250, 5260], [5282, 5292]);
    expect(fe(0.3)).toBeGreaterThan(1.5 * fe(-1.0));
  });

  it('has noise consistent with IVAR (DER_SNR estimate of the pixel noise, Stoehr et al. 2008)', () => {
    // A line-free model (flux = continuum) so the estimate sees only noise.
    const { continuum } = modelSpectrum(singleStar(5800, 4.4, 0), epoch(0), wave);
    const model = { flux: continuum, continuum };
    for (const snr of [20, 80]) {
      // DER_SNR's median of |2f_i − f_i−2 − f_i+2| scatters by ~5 % per spectrum: average 8 realisations.
      const ratios: number[] = [];
      let spec = observeSpectrum(new Rng(5, snr), model, wave, snr);
      for (let seed = 0; seed < 8; seed++) {
        spec = observeSpectrum(new Rng(seed, snr), model, wave, snr);
        const d: number[] = [];
        const sigma: number[] = [];
        for (let i = 2; i < wave.length - 2; i++) {
          if (wave[i] < 5900 || wave[i] > 6800) continue; // red arm, no telluric band
          d.push(Math.abs(2 * spec.flux[i] - spec.flux[i - 2] - spec.flux[i + 2]));
          sigma.push(1 / Math.sqrt(spec.ivar[i]));
        }
        ratios.push(((1.482602 / Math.sqrt(6)) * median(d)) / median(sigma));
      }
      const ratio = ratios.reduce((a, r) => a + r, 0) / ratios.length;
      expect(ratio).toBeGreaterThan(0.92);
      expect(ratio).toBeLessThan(1.08);
      expect(Math.abs(spec.snr.g - snr) / snr).toBeLessThan(0.25);
    }
  });

  it('shifts a binary between epochs by the primary RV difference (cross-correlation)', () => {
    // A single-lined binary: a bright G primary and a faint M companion with K1 of tens of km/s.
    let star: StarTruth | null = null;
    for (let i = 0; i < 20000 && !star; i++) {
      const s = drawStar(31, i);
      if (s.orbit && s.secondary && s.primary.stage === 'MS' && s.orbit.k1 > 40 && s.lightFraction2 < 0.05 && s.primary.teff < 6200 && s.primary.teff > 4800) star = s;
    }
    expect(star).not.toBeNull();
    const s = star!;
    const o = s.orbit!;
    // Two epochs at the extremes of the primary's velocity curve.
    const grid = Array.from({ length: 400 }, (_, k) => o.tPeri + (k / 400) * o.periodDays);
    const v1 = grid.map((t) => radialVelocities(o, t).v1);
    const times = [grid[v1.indexOf(Math.min(...v1))], grid[v1.indexOf(Math.max(...v1))]];
    const epochs = times.map((t) => {
      const v = radialVelocities(o, t);
      return { ...epoch(s.systemicRv + v.v1, s.systemicRv + v.v2), bkjd: t, snrG: 80 };
    });
    const spectra = epochs.map((e, k) => observeSpectrum(new Rng(77, k), modelSpectrum(s, e, wave), wave, e.snrG));
    const shiftPx = crossCorrelationShift(spectra[0].normalized, spectra[1].normalized, wave);
    const measured = shiftPx * PIXEL_KMS;
    const expected = epochs[1].rv1 - epochs[0].rv1;
    expect(Math.abs(expected)).toBeGreaterThan(30);
    // At R ≈ 1800 the faint companion's lines blend in: the shift is the light-weighted mean.
    const w = s.lightFraction2;
    const blended = (1 - w) * expected + w * (epochs[1].rv2! - epochs[0].rv2!);
    expect(Math.abs(measured - blended)).toBeLessThan(4);
    expect(Math.abs(measured - expected)).toBeLessThan(0.1 * Math.abs(expected));
  });
});

/** Shift (pixels) of b relative to a from the peak of their cross-correlation in 4000-6800 Å, parabolic refinement. */
function crossCorrelationShift(a: Float32Array, b: Float32Array, w: Float64Array): number {
  const idx: number[] = [];
  for (let i = 0; i < w.length; i++) if (w[i] > 4000 && w[i] < 6800) idx.push(i);
  const ma = idx.reduce((s, i) => s + a[i], 0) / idx.length;
  const mb = idx.reduce((s, i) => s + b[i], 0) / idx.length;
  const ccf = (lag: number) => idx.reduce((s, i) => s + (a[i] - ma) * ((b[i + lag] ?? mb) - mb), 0);
  let best = 0;
  let bestVal = -Infinity;
  const values = new Map<number, number>();
  for (let lag = -10; lag <= 10; lag++) {
    const v = ccf(lag);
    values.set(lag, v);
    if (v > bestVal) { bestVal = v; best = lag; }
  }
  const y0 = values.get(best - 1)!, y1 = values.get(best)!, y2 = values.get(best + 1)!;
  return best + (0.5 * (y0 - y2)) / (y0 - 2 * y1 + y2);
}

function meanIn(flux: ArrayLike<number>, lo: number, hi: number): number {
  let s = 0, n = 0;
  for (let i = 0; i < wave.length; i++) if (wave[i] >= lo && wave[i] <= hi) { s += flux[i]; n++; }
  return s / n;
}

function median(v: number[]): number {
  const s = [...v].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
}
