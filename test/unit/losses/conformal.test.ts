/**
 * Conformal calibration beyond the fixtures: the finite-sample option's coverage guarantee on
 * exchangeable data, NaN targets, and clear errors.
 */
import { describe, it, expect } from 'vitest';
import { applyCqrCalibration, calibrateCqr, evaluateCoverage } from '../../../src/main/losses/conformal.js';
import { rng } from './gradcheck.js';

/** Gaussian via Box–Muller from the seeded uniform(−1, 1) generator. */
function gaussian(r: () => number): () => number {
  return () => {
    const u = (r() + 1) / 2 || 1e-12, v = (r() + 1) / 2;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** A deliberately too-narrow quantile model: y ~ N(0, 1), predicted quantiles of N(0, 0.5²). */
function batch(n: number, g: () => number, quantiles: number[]) {
  const z: Record<number, number> = { 0.1: -1.2816, 0.25: -0.6745, 0.5: 0, 0.75: 0.6745, 0.9: 1.2816 };
  const data = new Float64Array(n * quantiles.length);
  const target = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    quantiles.forEach((q, k) => { data[s * quantiles.length + k] = 0.5 * z[q]; });
    target[s] = g();
  }
  return { preds: { data, n, labels: 1, quantiles }, target };
}

describe('conformal calibration', () => {
  const quantiles = [0.1, 0.25, 0.5, 0.75, 0.9];

  it('with the finite-sample correction, average test coverage is at least α (exchangeable data)', () => {
    const g = gaussian(rng(11));
    const trials = 300, nCal = 19;
    const sum = [0, 0];
    for (let t = 0; t < trials; t++) {
      const cal = batch(nCal, g, quantiles), test = batch(200, g, quantiles);
      const calibration = calibrateCqr(cal.preds, cal.target, { finiteSampleCorrection: true });
      const cov = evaluateCoverage({ ...test.preds, data: applyCqrCalibration(test.preds, calibration) }, test.target);
      sum[0] += cov[0]; sum[1] += cov[1];
    }
    // Guarantee: E[coverage] ≥ α (0.8, 0.5); the Monte Carlo error of the mean is ≈ 0.003.
    expect(sum[0] / trials).toBeGreaterThanOrEqual(0.8 - 0.01);
    expect(sum[1] / trials).toBeGreaterThanOrEqual(0.5 - 0.01);
    // Before calibration the too-narrow intervals under-cover badly.
    const test = batch(2000, g, quantiles);
    expect(evaluateCoverage(test.preds, test.target)[0]).toBeLessThan(0.6);
  });

  it('the correction is +∞ when ⌈(n+1)α⌉ > n, and never smaller than the plain np.quantile one', () => {
    const g = gaussian(rng(12));
    const small = batch(3, g, quantiles);
    expect(calibrateCqr(small.preds, small.target, { finiteSampleCorrection: true }).correction[0]).toBe(Infinity);
    const cal = batch(50, g, quantiles);
    const plain = calibrateCqr(cal.preds, cal.target);
    const fsc = calibrateCqr(cal.preds, cal.target, { finiteSampleCorrection: true });
    plain.correction.forEach((c, i) => expect(fsc.correction[i]).toBeGreaterThanOrEqual(c));
  });

  it('NaN targets are left out of the scores, and size mismatches are refused', () => {
    const g = gaussian(rng(13));
    const cal = batch(40, g, quantiles);
    const withNaN = Float64Array.from(cal.target);
    withNaN[3] = NaN;
    const a = calibrateCqr(cal.preds, withNaN);
    const kept = { ...cal.preds, n: 39, data: cal.preds.data.filter((_, i) => Math.floor(i / 5) !== 3) };
    const b = calibrateCqr(kept, cal.target.filter((_, i) => i !== 3));
    expect(Array.from(a.correction)).toEqual(Array.from(b.correction));
    expect(() => calibrateCqr({ ...cal.preds, n: 41 }, cal.target)).toThrow(/predictions have 200 values, expected n·labels·Q = 41·1·5/);
  });
});
