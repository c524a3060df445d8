import { describe, expect, it } from 'vitest';
import { diskOverlapArea, radialVelocities, semiAmplitudes, type Orbit } from '../../../src/main/synth/physics/binaries';
import { drawStar } from '../../../src/main/synth/star';
import type { StarTruth } from '../../../src/main/synth/truth';

function sample(seed: number, n: number): StarTruth[] {
  return Array.from({ length: n }, (_, i) => drawStar(seed, i));
}

describe('binary stars', () => {
  it('gives the Sun a 12.5 m/s reflex velocity from Jupiter (textbook value)', () => {
    const { k1 } = semiAmplitudes(1, 9.546e-4, 4332.59, 0.0489, Math.PI / 2);
    expect(Math.abs(k1 * 1000 - 12.5)).toBeLessThan(0.2);
  });

  it('has radial velocities averaging to zero over an eccentric orbit (time average of dz/dt)', () => {
    const orbit: Orbit = { periodDays: 10, eccentricity: 0.5, omega: 1, inclination: 1.2, tPeri: 3, massRatio: 0.6, semiMajorAxisAu: 0.1, k1: 30, k2: 50 };
    let sum = 0;
    let max = -Infinity;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const { v1, v2 } = radialVelocities(orbit, (10 * i) / n);
      sum += v1;
      max = Math.max(max, v1);
      expect(v2).toBeCloseTo((-v1 * 50) / 30, 9); // momentum: m1 v1 + m2 v2 = 0, K2/K1 = m1/m2
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.05);
    // Peak velocity K(1 + e cos ω) for the primary.
    expect(Math.abs(max - 30 * (1 + 0.5 * Math.cos(1)))).toBeLessThan(0.05);
  });

  it('computes the lens-shaped overlap of two disks (unit disks one radius apart: 2π/3 − √3/2)', () => {
    expect(diskOverlapArea(1, 1, 1)).toBeCloseTo((2 * Math.PI) / 3 - Math.sqrt(3) / 2, 10);
    expect(diskOverlapArea(1, 0.1, 0.5)).toBeCloseTo(Math.PI * 0.01, 12);
    expect(diskOverlapArea(1, 1, 2.0001)).toBe(0);
  });

  it('makes unresolved binaries over-luminous by 0 to 0.75 mag above the single-star sequence', () => {
    const stars = sample(5, 4000).filter((s) => s.primary.stage === 'MS' && (!s.secondary || s.secondary.stage === 'MS'));
    // Main-sequence ridge from single K dwarfs: a cubic in BP−RP and a linear [Fe/H] term, least squares.
    const inRange = (s: StarTruth) => s.primary.bpRp > 1.0 && s.primary.bpRp < 2.2;
    const singles = stars.filter((s) => !s.secondary && inRange(s));
    const design = (s: StarTruth) => { const c = s.primary.bpRp - 1.5; return [1, c, c * c, c * c * c, s.feh]; };
    const coef = leastSquares(singles.map(design), singles.map((s) => s.absG));
    const ridge = (s: StarTruth) => design(s).reduce((sum, x, i) => sum + x * coef[i], 0);
    const singleResiduals = singles.map((s) => ridge(s) - s.absG);
    expect(rms(singleResiduals)).toBeLessThan(0.12);
    // For binaries the ridge is evaluated at the primary's colour: the offset is the companion's light.
    const binaries = stars.filter((s) => s.secondary && inRange(s));
    expect(binaries.length).toBeGreaterThan(100);
    const offsets = binaries.map((s) => ridge(s) - s.absG);
    for (const o of offsets) {
      expect(o).toBeGreaterThan(-0.35); // ridge scatter
      expect(o).toBeLessThan(0.753 + 0.35);
    }
    const twins = binaries.filter((s) => s.orbit!.massRatio > 0.95).map((s) => ridge(s) - s.absG);
    expect(twins.length).toBeGreaterThan(5);
    expect(Math.abs(median(twins) - 0.753)).toBeLessThan(0.1); // equal twins: 2.5 log10 2
    const lowQ = binaries.filter((s) => s.orbit!.massRatio < 0.4).map((s) => ridge(s) - s.absG);
    expect(median(lowQ)).toBeLessThan(0.1);
    expect(median(offsets)).toBeGreaterThan(0.05);
  });

  it('raises RUWE for astrometric binaries (periods of months to years) but not for single stars', () => {
    const stars = sample(9, 3000);
    const singles = stars.filter((s) => !s.secondary).map((s) => s.ruwe);
    const astrometric = stars.filter((s) => s.orbit && s.orbit.periodDays > 100 && s.orbit.periodDays < 3000 && s.distancePc < 1500).map((s) => s.ruwe);
    expect(singles.filter((r) => r > 1.4).length / singles.length).toBeLessThan(0.01);
    expect(astrometric.filter((r) => r > 1.4).length / astrometric.length).toBeGreaterThan(0.5);
  });

  it('synchronises close binaries: rotation period equals orbital period whatever the age', () => {
    const close = sample(13, 4000).filter((s) => s.orbit && s.orbit.periodDays < 10);
    expect(close.length).toBeGreaterThan(5);
    for (const s of close) {
      expect(s.tidallySynchronised).toBe(true);
      expect(s.rotationPeriod).toBe(s.orbit!.periodDays);
    }
  });
});

function leastSquares(rows: number[][], y: number[]): number[] {
  const k = rows[0].length;
  const ata = Array.from({ length: k }, () => new Array(k).fill(0));
  const aty = new Array(k).fill(0);
  rows.forEach((r, n) => {
    for (let i = 0; i < k; i++) {
      aty[i] += r[i] * y[n];
      for (let j = 0; j < k; j++) ata[i][j] += r[i] * r[j];
    }
  });
  // Gaussian elimination with partial pivoting.
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(ata[r][c]) > Math.abs(ata[p][c])) p = r;
    [ata[c], ata[p]] = [ata[p], ata[c]];
    [aty[c], aty[p]] = [aty[p], aty[c]];
    for (let r = c + 1; r < k; r++) {
      const f = ata[r][c] / ata[c][c];
      for (let j = c; j < k; j++) ata[r][j] -= f * ata[c][j];
      aty[r] -= f * aty[c];
    }
  }
  const x = new Array(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let s = aty[r];
    for (let j = r + 1; j < k; j++) s -= ata[r][j] * x[j];
    x[r] = s / ata[r][r];
  }
  return x;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
}

function rms(v: number[]): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
}
