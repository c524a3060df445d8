/**
 * Quasi-periodic, evolving starspot modulation. Each spot is a dark patch at a latitude, rotating
 * with the latitude's period (solar-like differential rotation, ΔΩ/Ω ≈ 0.05–0.1; Reinhold et al.
 * 2013), foreshortened (projected area ∝ μ, zero behind the limb), growing and decaying over a
 * Gaussian lifetime of a few rotations (Giles et al. 2017). A few spots are alive at any time.
 */
import type { Rng } from '../random';

export interface Spot {
  tPeak: number;
  lifetime: number;
  latitude: number;
  period: number;
  phase: number;
  depth: number;
}

const ACTIVE_SPOTS = 3;

export function drawSpots(
  rng: Rng, period: number, amplitude: number, teff: number, t0: number, t1: number,
): Spot[] {
  if (amplitude <= 0 || !(period > 0)) return [];
  // Spots on cooler stars live longer (Giles et al. 2017); at least two rotations.
  const typicalLife = Math.max(2 * period, 25 * Math.pow(5800 / teff, 3));
  const shear = rng.between(0.03, 0.1);
  const count = Math.ceil(((t1 - t0) / typicalLife) * ACTIVE_SPOTS) + ACTIVE_SPOTS;
  const spots: Spot[] = [];
  for (let i = 0; i < count; i++) {
    const latitude = rng.between(-0.7, 0.7);
    const s = Math.sin(latitude);
    spots.push({
      tPeak: rng.between(t0 - typicalLife, t1 + typicalLife),
      lifetime: typicalLife * Math.pow(10, rng.gauss(0, 0.15)),
      latitude,
      period: period * (1 + shear * s * s),
      phase: rng.between(0, 2 * Math.PI),
      depth: amplitude * rng.between(0.35, 0.85),
    });
  }
  return spots;
}

/** Relative flux deficit of the spots alive in [t0, t1] (a filtered list for speed). */
export function spotsIn(spots: Spot[], t0: number, t1: number): Spot[] {
  return spots.filter((s) => s.tPeak + 3 * s.lifetime > t0 && s.tPeak - 3 * s.lifetime < t1);
}

/** 1 − (flux blocked by spots) at time t for spin inclination `incl` (radians). */
export function spotFlux(spots: Spot[], t: number, incl: number): number {
  let deficit = 0;
  const sinI = Math.sin(incl);
  const cosI = Math.cos(incl);
  for (const s of spots) {
    const x = (t - s.tPeak) / s.lifetime;
    if (x > 3 || x < -3) continue;
    const mu = Math.cos(s.latitude) * sinI * Math.cos((2 * Math.PI * t) / s.period + s.phase) + Math.sin(s.latitude) * cosI;
    if (mu > 0) deficit += s.depth * Math.exp(-0.5 * x * x) * mu;
  }
  return 1 - deficit;
}
