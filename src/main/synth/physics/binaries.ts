/**
 * Binary stars: incidence, orbits, radial velocities, eclipses and astrometric excess noise.
 * Sources in docs/synthetic-survey.md ("Binaries").
 */
import type { Rng } from '../random';
import { clamp } from './interpolate';

export const G_SI = 6.674e-11;
export const M_SUN_KG = 1.98847e30;
export const R_SUN_M = 6.957e8;
export const AU_M = 1.495978707e11;
export const DAY_S = 86400;

export interface Orbit {
  periodDays: number;
  eccentricity: number;
  /** Argument of periastron of the primary, radians. */
  omega: number;
  /** Inclination, radians (90° = edge-on). */
  inclination: number;
  /** Time of periastron passage, BKJD days. */
  tPeri: number;
  massRatio: number;
  /** Semi-major axis of the relative orbit, AU. */
  semiMajorAxisAu: number;
  /** RV semi-amplitudes, km/s. */
  k1: number;
  k2: number;
}

/** Multiplicity fraction against primary mass (Raghavan et al. 2010; Duchêne & Kraus 2013). */
export function binaryFraction(primaryMass: number): number {
  if (primaryMass < 0.6) return 0.25;
  if (primaryMass < 1.3) return 0.4;
  return 0.45;
}

/** Mass ratio: flat on [0.1, 1] (Raghavan et al. 2010) plus a 10 % twin excess at q > 0.95 (Moe & Di Stefano 2017). */
export function drawMassRatio(rng: Rng): number {
  return rng.chance(0.1) ? rng.between(0.95, 1) : rng.between(0.1, 1);
}

/** Period: log-normal, log10 P/d ~ N(5.03, 2.28) (Raghavan et al. 2010), truncated to 0.4 d – 10^8 d. */
export function drawPeriodDays(rng: Rng): number {
  for (;;) {
    const logP = rng.gauss(5.03, 2.28);
    if (logP > Math.log10(0.4) && logP < 8) return Math.pow(10, logP);
  }
}

/** Semi-major axis (AU) from Kepler's third law. */
export function semiMajorAxisAu(periodDays: number, totalMassSun: number): number {
  const p = periodDays * DAY_S;
  return Math.cbrt((G_SI * totalMassSun * M_SUN_KG * p * p) / (4 * Math.PI * Math.PI)) / AU_M;
}

/**
 * Draws an orbit. Orbits shorter than 10 d are circular (tidal circularisation, Meibom & Mathieu
 * 2005); wider ones have e uniform on [0, 0.6] (Raghavan et al. 2010), limited so the periastron
 * stays beyond 2.5 times the sum of radii. Inclinations are isotropic.
 */
export function drawOrbit(
  rng: Rng,
  m1: number,
  q: number,
  periodDays: number,
  radiusSumSun: number,
  epoch: number,
): Orbit {
  const m2 = q * m1;
  const a = semiMajorAxisAu(periodDays, m1 + m2);
  const aRsun = (a * AU_M) / R_SUN_M;
  const eMax = clamp(1 - (2.5 * radiusSumSun) / aRsun, 0, 0.6);
  const eccentricity = periodDays < 10 ? 0 : rng.between(0, eMax);
  const inclination = Math.acos(rng.uniform());
  const omega = rng.between(0, 2 * Math.PI);
  const tPeri = epoch + rng.between(0, periodDays);
  const { k1, k2 } = semiAmplitudes(m1, m2, periodDays, eccentricity, inclination);
  return { periodDays, eccentricity, omega, inclination, tPeri, massRatio: q, semiMajorAxisAu: a, k1, k2 };
}

/** RV semi-amplitudes (km/s): K1 = (2πG/P)^(1/3) m2 sin i / ((m1+m2)^(2/3) sqrt(1−e²)), and K2 likewise. */
export function semiAmplitudes(m1: number, m2: number, periodDays: number, e: number, inclination: number): { k1: number; k2: number } {
  const kFactor = Math.cbrt((2 * Math.PI * G_SI * M_SUN_KG) / (periodDays * DAY_S)) / Math.sqrt(1 - e * e) / 1000;
  const mTot23 = Math.pow(m1 + m2, 2 / 3);
  const sinI = Math.sin(inclination);
  return { k1: (kFactor * m2 * sinI) / mTot23, k2: (kFactor * m1 * sinI) / mTot23 };
}

/** Solves Kepler's equation M = E − e sin E (Newton) and returns the true anomaly. */
export function trueAnomaly(orbit: Orbit, t: number): number {
  const e = orbit.eccentricity;
  let m = (2 * Math.PI * (t - orbit.tPeri)) / orbit.periodDays;
  m = m - 2 * Math.PI * Math.floor(m / (2 * Math.PI));
  if (e === 0) return m;
  let E = e < 0.8 ? m : Math.PI;
  for (let i = 0; i < 20; i++) {
    const d = (E - e * Math.sin(E) - m) / (1 - e * Math.cos(E));
    E -= d;
    if (Math.abs(d) < 1e-12) break;
  }
  return 2 * Math.atan2(Math.sqrt(1 + e) * Math.sin(E / 2), Math.sqrt(1 - e) * Math.cos(E / 2));
}

/** Radial velocities (km/s) of both components at time t, relative to the systemic velocity. */
export function radialVelocities(orbit: Orbit, t: number): { v1: number; v2: number } {
  const nu = trueAnomaly(orbit, t);
  const c = Math.cos(nu + orbit.omega) + orbit.eccentricity * Math.cos(orbit.omega);
  return { v1: orbit.k1 * c, v2: -orbit.k2 * c };
}

/**
 * Sky-projected separation of the two stars in solar radii, and whether the primary is in front
 * (for deciding which star is eclipsed).
 */
export function projectedSeparation(orbit: Orbit, t: number): { sepRsun: number; primaryInFront: boolean } {
  const nu = trueAnomaly(orbit, t);
  const e = orbit.eccentricity;
  const aRsun = (orbit.semiMajorAxisAu * AU_M) / R_SUN_M;
  const r = (aRsun * (1 - e * e)) / (1 + e * Math.cos(nu));
  const phi = nu + orbit.omega;
  // Position of the secondary relative to the primary: z towards the observer.
  const x = r * Math.cos(phi);
  const y = r * Math.sin(phi) * Math.cos(orbit.inclination);
  const z = r * Math.sin(phi) * Math.sin(orbit.inclination);
  return { sepRsun: Math.hypot(x, y), primaryInFront: z < 0 };
}

/** Area of overlap of two disks of radii r1, r2 with centres d apart. */
export function diskOverlapArea(r1: number, r2: number, d: number): number {
  if (d >= r1 + r2) return 0;
  const rMin = Math.min(r1, r2);
  const rMax = Math.max(r1, r2);
  if (d <= rMax - rMin) return Math.PI * rMin * rMin;
  const a1 = r1 * r1 * Math.acos(clamp((d * d + r1 * r1 - r2 * r2) / (2 * d * r1), -1, 1));
  const a2 = r2 * r2 * Math.acos(clamp((d * d + r2 * r2 - r1 * r1) / (2 * d * r2), -1, 1));
  const k = 0.5 * Math.sqrt(Math.max(0, (-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2)));
  return a1 + a2 - k;
}

/**
 * Relative flux of an eclipsing pair at time t (1 out of eclipse). Uniform disks: the eclipsed
 * star loses the covered fraction of its surface-brightness-weighted light.
 * `lightFraction2` is the secondary's share of the system light in the Kepler band.
 */
export function eclipseFlux(orbit: Orbit, t: number, r1: number, r2: number, lightFraction2: number): number {
  const { sepRsun, primaryInFront } = projectedSeparation(orbit, t);
  if (sepRsun >= r1 + r2) return 1;
  const area = diskOverlapArea(r1, r2, sepRsun);
  if (primaryInFront) return 1 - lightFraction2 * (area / (Math.PI * r2 * r2));
  return 1 - (1 - lightFraction2) * (area / (Math.PI * r1 * r1));
}

/** True when the orbit's geometry produces eclipses (|cos i| < (R1+R2)/r at conjunction). */
export function isEclipsing(orbit: Orbit, r1: number, r2: number): boolean {
  const aRsun = (orbit.semiMajorAxisAu * AU_M) / R_SUN_M;
  const e = orbit.eccentricity;
  // Distance at the two conjunctions (true anomaly π/2 − ω and 3π/2 − ω).
  const rConj = (nu: number) => (aRsun * (1 - e * e)) / (1 + e * Math.cos(nu));
  const rMin = Math.min(rConj(Math.PI / 2 - orbit.omega), rConj((3 * Math.PI) / 2 - orbit.omega));
  return Math.abs(Math.cos(orbit.inclination)) * rMin < r1 + r2;
}

/**
 * Gaia RUWE of an unresolved binary. The photocentre moves on an orbit of angular size
 * α = a/d · |q/(1+q) − ε| (ε = secondary's flux fraction); orbits from ~0.1 to ~10 yr are seen as
 * excess noise over the ~0.1 mas per-scan error (Belokurov et al. 2020; Penoyre et al. 2020);
 * RUWE ≈ sqrt(1 + (α/σ)²). Single stars scatter around 1.0 (σ ≈ 0.05).
 */
export function ruweOf(rng: Rng, orbit: Orbit | null, distancePc: number, fluxFraction2: number): number {
  const base = 1 + Math.abs(rng.gauss(0, 0.05)) * (rng.chance(0.5) ? 1 : -0.6);
  if (!orbit) return base;
  const q = orbit.massRatio;
  const alphaMas = ((orbit.semiMajorAxisAu / distancePc) * 1000) * Math.abs(q / (1 + q) - fluxFraction2);
  const years = orbit.periodDays / 365.25;
  // Outside the sensitive window the orbit averages out (too fast) or looks linear (too slow).
  const window = years < 0.05 ? years / 0.05 : years > 10 ? Math.pow(10 / years, 2) : 1;
  const excess = (alphaMas * window) / 0.1;
  return Math.sqrt(base * base + excess * excess);
}
