import { describe, expect, it } from 'vitest';
import { drawStar } from '../../../src/main/synth/star';
import { BARNES_2007, GYRO_SCATTER_DEX, gyroPeriod } from '../../../src/main/synth/physics/rotation';
import { bvFromTeff } from '../../../src/main/synth/physics/photometry';

describe('rotation by gyrochronology', () => {
  it('spins the Sun (B−V = 0.65, 4.57 Gyr) at its observed ~25-27 d period (Barnes 2007 calibration)', () => {
    const p = gyroPeriod(5772, 4.57)!;
    expect(p).toBeGreaterThan(24);
    expect(p).toBeLessThan(28);
  });

  it('recovers ages from a period-colour-age fit on the truth with the stated 0.08 dex scatter', () => {
    const stars = Array.from({ length: 4000 }, (_, i) => drawStar(21, i)).filter(
      (s) => !s.secondary && s.primary.stage === 'MS' && s.primary.teff > 4200 && s.primary.teff < 6200,
    );
    expect(stars.length).toBeGreaterThan(500);
    // Fit log P = log a + b log(B−V − 0.4) + n log t (Barnes 2007 form) by least squares.
    const rows = stars.map((s) => [1, Math.log10(bvFromTeff(s.primary.teff) - BARNES_2007.c), Math.log10(s.ageGyr * 1000)]);
    const y = stars.map((s) => Math.log10(s.rotationPeriod));
    const [logA, b, n] = solve3(rows, y);
    expect(Math.abs(n - BARNES_2007.n)).toBeLessThan(0.03);
    expect(Math.abs(b - BARNES_2007.b)).toBeLessThan(0.05);
    expect(Math.abs(10 ** logA - BARNES_2007.a)).toBeLessThan(0.1);
    // Invert the fitted relation: log t = (log P − log a − b log(B−V − c)) / n.
    const residuals = stars.map((s, i) => (y[i] - logA - b * rows[i][1]) / n - Math.log10(s.ageGyr * 1000));
    const mean = residuals.reduce((a, r) => a + r, 0) / residuals.length;
    const sd = Math.sqrt(residuals.reduce((a, r) => a + (r - mean) ** 2, 0) / residuals.length);
    const stated = GYRO_SCATTER_DEX / BARNES_2007.n; // 0.077 dex
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(sd).toBeGreaterThan(0.8 * stated);
    expect(sd).toBeLessThan(1.2 * stated);
  });

  it('lets spot amplitude fall with age at fixed temperature (activity-age relation)', () => {
    const stars = Array.from({ length: 4000 }, (_, i) => drawStar(23, i)).filter(
      (s) => !s.secondary && s.primary.stage === 'MS' && s.primary.teff > 5000 && s.primary.teff < 6000,
    );
    const young = stars.filter((s) => s.ageGyr < 2).map((s) => Math.log10(s.spotAmplitude));
    const old = stars.filter((s) => s.ageGyr > 6).map((s) => Math.log10(s.spotAmplitude));
    const mean = (v: number[]) => v.reduce((a, x) => a + x, 0) / v.length;
    expect(mean(young) - mean(old)).toBeGreaterThan(0.3);
  });
});

function solve3(rows: number[][], y: number[]): number[] {
  const m = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const v = [0, 0, 0];
  rows.forEach((r, k) => {
    for (let i = 0; i < 3; i++) {
      v[i] += r[i] * y[k];
      for (let j = 0; j < 3; j++) m[i][j] += r[i] * r[j];
    }
  });
  const det = (a: number[][]) =>
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const d = det(m);
  return [0, 1, 2].map((c) => det(m.map((row, i) => row.map((x, j) => (j === c ? v[i] : x)))) / d); // Cramer's rule
}
