/**
 * Parity of the Kepler light-curve preprocessing with the authors' fixtures
 * (shared/fixtures/reference/preprocessing/kepler, README §2): every star, every crop length,
 * stage-wise (each stage fed the fixture's own input), with the README's tolerances.
 */
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { loadFixture, maxAbsDiff, countMismatches, sharedRoot } from '../helpers/fixtures.js';
import { readSurveyFile } from '../../src/main/survey/index.js';
import {
  acfChannel, autocorrelation, crop, fftChannel, fillNaNs, logAmplitudeSpectrum, movingAverage,
  padWithLast, preprocessFiles, preprocessLightCurve, stitchQuarters, zScoreFloat32, type QuarterInput,
} from '../../src/main/preprocess/index.js';

const fx = loadFixture('preprocessing/kepler');
type Case = { id: string; KIC: number; crop_lengths: number[]; sources: string[] };
const cases = fx.manifest.cases as Case[];

/** The per-quarter PDCSAP arrays of a case, split from the fixture's raw concatenation. */
function quarters(id: string): QuarterInput[] {
  const raw = fx.f32(`${id}/raw_concat`);
  const lengths = Array.from(fx.asF64(`${id}/quarter_lengths`));
  const qs = Array.from(fx.asF64(`${id}/quarters`));
  let at = 0;
  return lengths.map((n, k) => {
    const q = { pdcsapFlux: raw.subarray(at, at + n), quarter: qs[k] };
    at += n;
    return q;
  });
}

function row(final: Float32Array, L: number, r: number): Float32Array {
  return final.subarray(r * L, (r + 1) * L);
}

describe.each(cases.map((c) => [c.id, c] as const))('Kepler %s', (id, c) => {
  it('stitching is bit-exact (float32 nanmean offsets) and the offsets match', () => {
    const { stitched, offsets } = stitchQuarters(quarters(id).map((q) => q.pdcsapFlux));
    expect(countMismatches(stitched, fx.f32(`${id}/stitched`))).toBe(0);
    expect(countMismatches(offsets, fx.f32(`${id}/quarter_offsets`))).toBe(0);
  });

  it('NaN filling is bit-exact', () => {
    const { filled, nanCount } = fillNaNs(fx.f32(`${id}/stitched`));
    expect(nanCount).toBe((fx.manifest.cases as { id: string; n_nan_before_fill: number }[]).find((k) => k.id === id)!.n_nan_before_fill);
    expect(countMismatches(filled, fx.f32(`${id}/stitched_filled`))).toBe(0);
  });

  it.each(c.crop_lengths)('L=%i: every row of the (4, L) input, stage-wise', (L) => {
    const final = fx.f32(`${id}/L${L}/final`);
    expect(fx.shape(`${id}/L${L}/final`)).toEqual([4, L]);
    const cropped = crop(fx.f32(`${id}/stitched_filled`), 0, L);
    const n = cropped.length;
    // Row 0: the moving average, bit-exact (then last-value padding).
    const smoothed = movingAverage(cropped, 13);
    expect(countMismatches(padWithLast(smoothed, L), row(final, L, 0))).toBe(0);
    // Row 1: the float32 z-score, bit-exact with NumPy's float32 pairwise reductions.
    const z = zScoreFloat32(row(final, L, 0).slice(0, n));
    expect(countMismatches(padWithLast(z, L), row(final, L, 1))).toBe(0);
    // Rows 2 and 3 from the float32 moving average: ≤ 2e-6 against the float32 final.
    const fixtureSmoothed = row(final, L, 0).slice(0, n);
    const acf = acfChannel(autocorrelation(fixtureSmoothed), L);
    expect(maxAbsDiff(Float32Array.from(acf), row(final, L, 2))).toBeLessThanOrEqual(2e-6);
    const fftCh = fftChannel(logAmplitudeSpectrum(fixtureSmoothed), L);
    expect(maxAbsDiff(Float32Array.from(fftCh), row(final, L, 3))).toBeLessThanOrEqual(2e-6);

    // Float64 intermediates, where stored: ≤ 1e-12 (README observes ≤ 1e-14 with NumPy's own FFT).
    if (fx.has(`${id}/L${L}/acf_statsmodels`)) {
      expect(maxAbsDiff(autocorrelation(fixtureSmoothed), fx.f64(`${id}/L${L}/acf_statsmodels`))).toBeLessThanOrEqual(1e-12);
    }
    if (fx.has(`${id}/L${L}/acf`)) {
      expect(maxAbsDiff(acfChannel(fx.f64(`${id}/L${L}/acf_statsmodels`), L), fx.f64(`${id}/L${L}/acf`))).toBeLessThanOrEqual(1e-12);
    }
    if (fx.has(`${id}/L${L}/fft_log1p_abs`)) {
      const ref = fx.f64(`${id}/L${L}/fft_log1p_abs`);
      // Two float64 FFTs agree to about eps·Σ|x| in |X| (≈1e-7 here: flux ~1e5 over 1e4 samples);
      // at the faintest bins (|X| ≈ 5) that is ~1e-9 in log1p|X|.
      expect(maxAbsDiff(logAmplitudeSpectrum(fixtureSmoothed), ref)).toBeLessThanOrEqual(1e-8);
      if (fx.has(`${id}/L${L}/fft`)) expect(maxAbsDiff(fftChannel(ref, L), fx.f64(`${id}/L${L}/fft`))).toBeLessThanOrEqual(1e-13);
    }
  });

  it.each(c.crop_lengths)('L=%i: the whole chain from the raw quarters (code options, crop at 0)', (L) => {
    const out = preprocessLightCurve(quarters(id), { length: L, crop: 0, views: 1, channelA: 'raw' });
    expect(out.views).toHaveLength(1);
    const final = fx.f32(`${id}/L${L}/final`);
    const got = out.views[0].modelInput;
    for (const r of [0, 1]) expect(countMismatches(row(got, L, r), row(final, L, r))).toBe(0);
    for (const r of [2, 3]) expect(maxAbsDiff(row(got, L, r), row(final, L, r))).toBeLessThanOrEqual(2e-6);
  });
});

describe.each(cases.map((c) => [c.id, c] as const))('Kepler %s read from the real files with our readers', (id, c) => {
  it('per-quarter PDCSAP equals raw_concat; stitched and final follow bit for bit / within tolerance', async () => {
    const curves = await Promise.all(c.sources.map((s) => readSurveyFile(path.join(sharedRoot, s))));
    const lcs = curves.map((r) => {
      if (r.kind !== 'lightcurve') throw new Error(`${r.sourcePath} did not read as a light curve`);
      return r;
    });
    const raw = fx.f32(`${id}/raw_concat`);
    let at = 0;
    for (const lc of lcs) {
      expect(countMismatches(lc.pdcsapFlux, raw.subarray(at, at + lc.pdcsapFlux.length))).toBe(0);
      at += lc.pdcsapFlux.length;
    }
    expect(at).toBe(raw.length);
    const L = c.crop_lengths[c.crop_lengths.length - 1];
    const out = preprocessLightCurve(
      lcs.map((lc) => ({ pdcsapFlux: lc.pdcsapFlux, quality: lc.quality, quarter: lc.quarter, sourcePath: lc.sourcePath })),
      { length: L, crop: 0, views: 1, channelA: 'raw', qualityMask: 'none' },
    );
    expect(countMismatches(out.stitched, fx.f32(`${id}/stitched`))).toBe(0);
    const final = fx.f32(`${id}/L${L}/final`);
    for (const r of [0, 1]) expect(countMismatches(row(out.views[0].modelInput, L, r), row(final, L, r))).toBe(0);
    for (const r of [2, 3]) expect(maxAbsDiff(row(out.views[0].modelInput, L, r), row(final, L, r))).toBeLessThanOrEqual(2e-6);
  });

  it('preprocessFiles returns the (4, 34560) input with the raw-channel note when no distance is given', async () => {
    const res = await preprocessFiles(c.sources.map((s) => path.join(sharedRoot, s)), { lightCurve: { qualityMask: 'none' } });
    expect(res.kind).toBe('lightcurve');
    expect(res.inputShape).toEqual([4, 34560]);
    expect(res.notes.some((n) => n.includes('raw smoothed PDCSAP'))).toBe(true);
    const final = fx.f32(`${id}/L34560/final`);
    expect(maxAbsDiff(res.modelInputs[0], final)).toBeLessThanOrEqual(2e-6);
  });
});
