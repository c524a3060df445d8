/**
 * Galactic population of the Kepler field: initial masses, ages, metallicities, positions and
 * distances. Sources in docs/synthetic-survey.md ("Population").
 */
import type { Rng } from '../random';
import { clamp } from './interpolate';

export const MASS_RANGE = [0.2, 2.5] as const;

/**
 * Kroupa (2001) IMF, dN/dM ∝ M^-1.3 below 0.5 Msun and M^-2.3 above, sampled by inverting the
 * cumulative distribution of each segment.
 */
export function drawImfMass(rng: Rng, lo: number = MASS_RANGE[0], hi: number = MASS_RANGE[1]): number {
  const segments: { a: number; b: number; alpha: number; k: number }[] = [];
  const brk = 0.5;
  // Continuity at the break: k2 = k1 * brk^(alpha2 - alpha1).
  if (lo < brk) segments.push({ a: lo, b: Math.min(hi, brk), alpha: 1.3, k: 1 });
  if (hi > brk) segments.push({ a: Math.max(lo, brk), b: hi, alpha: 2.3, k: brk });
  const integral = (s: (typeof segments)[number]) =>
    (s.k * (Math.pow(s.b, 1 - s.alpha) - Math.pow(s.a, 1 - s.alpha))) / (1 - s.alpha);
  const weights = segments.map(integral);
  const total = weights.reduce((x, y) => x + y, 0);
  let u = rng.uniform() * total;
  let seg = segments[segments.length - 1];
  for (let i = 0; i < segments.length; i++) {
    if (u < weights[i] || i === segments.length - 1) {
      seg = segments[i];
      break;
    }
    u -= weights[i];
  }
  const p = 1 - seg.alpha;
  const v = rng.uniform();
  return Math.pow(Math.pow(seg.a, p) + v * (Math.pow(seg.b, p) - Math.pow(seg.a, p)), 1 / p);
}

/** Constant star-formation history of the thin disc over the last 12 Gyr. */
export function drawAge(rng: Rng): number {
  return rng.between(0.1, 12);
}

/**
 * [Fe/H]: a weak age-metallicity relation with large scatter (Casagrande et al. 2011, GCS):
 * young stars near +0.05, old ones near −0.25, σ = 0.2 dex, clipped to the LASP range.
 */
export function drawMetallicity(rng: Rng, ageGyr: number): number {
  return clamp(rng.gauss(0.08 - 0.025 * ageGyr, 0.2), -1.5, 0.5);
}

/** Kepler field of view: centre (RA, Dec) = (290.67°, 44.5°), ~105 deg² over 21 modules. */
export const KEPLER_FIELD = { ra: 290.6667, dec: 44.5, halfWidthDeg: 7 } as const;

/** A sky position uniformly within the square-ish field (uniform on the sphere locally). */
export function drawKeplerFieldPosition(rng: Rng): { ra: number; dec: number } {
  const h = KEPLER_FIELD.halfWidthDeg;
  const dec0 = (KEPLER_FIELD.dec * Math.PI) / 180;
  // Uniform in sin(dec) across the band, then RA scaled by 1/cos(dec) so the field is square on the sky.
  const s = rng.between(Math.sin(dec0 - (h * Math.PI) / 180), Math.sin(dec0 + (h * Math.PI) / 180));
  const dec = (Math.asin(s) * 180) / Math.PI;
  const ra = KEPLER_FIELD.ra + rng.between(-h, h) / Math.cos((dec * Math.PI) / 180);
  return { ra, dec };
}

/**
 * Distance along the line of sight through an exponential thin disc (scale height 300 pc,
 * Jurić et al. 2008) seen at b ≈ 13.5°: dN ∝ d² exp(−d sin b / h) dd, out to 8 kpc.
 * Rejection-sampled against the d² e^{-d/H} envelope (a Gamma(3, H) variate).
 */
export function drawDistancePc(rng: Rng): number {
  const H = 300 / Math.sin((13.5 * Math.PI) / 180);
  for (;;) {
    const d = -H * Math.log((1 - rng.uniform()) * (1 - rng.uniform()) * (1 - rng.uniform()));
    if (d > 10 && d < 8000) return d;
  }
}

/** Kepler targets: Kp between 8.5 (saturation) and 16 (the target-selection limit). */
export const KEPMAG_LIMITS = [8.5, 16] as const;
