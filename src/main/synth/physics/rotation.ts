/**
 * Rotation and magnetic activity: gyrochronology periods, convective turnover time, Rossby
 * number, spot amplitudes and tidal synchronisation. Sources in docs/synthetic-survey.md
 * ("Rotation and activity").
 */
import type { Rng } from '../random';
import { bvFromTeff } from './photometry';

/** Barnes (2007) gyrochronology coefficients: P = a (B−V − c)^b t^n, t in Myr, P in days. */
export const BARNES_2007 = { a: 0.7725, b: 0.601, c: 0.4, n: 0.5189 } as const;

/** The Kraft break: hotter stars have thin convective envelopes and do not spin down. */
export const KRAFT_BREAK_TEFF = 6250;

/** Intrinsic scatter of the period-age relation added to every star (dex). */
export const GYRO_SCATTER_DEX = 0.04;

/** Gyrochronology period (days) of a main-sequence star, without scatter; null above the Kraft break. */
export function gyroPeriod(teff: number, ageGyr: number): number | null {
  const bv = bvFromTeff(teff);
  if (teff > KRAFT_BREAK_TEFF || bv <= BARNES_2007.c + 0.05) return null;
  const { a, b, c, n } = BARNES_2007;
  return a * Math.pow(bv - c, b) * Math.pow(ageGyr * 1000, n);
}

/** Inverse of gyroPeriod: age in Gyr from period and B−V. */
export function gyroAge(periodDays: number, bv: number): number {
  const { a, b, c, n } = BARNES_2007;
  return Math.pow(periodDays / (a * Math.pow(bv - c, b)), 1 / n) / 1000;
}

/** Convective turnover time in days (Cranmer & Saar 2011, their eq. 36). */
export function convectiveTurnover(teff: number): number {
  return 314.24 * Math.exp(-(teff / 1952.5) - Math.pow(teff / 6250, 18)) + 0.002;
}

/**
 * Rotation period of a single star (days). Main sequence: Barnes (2007) with 0.04 dex scatter;
 * above the Kraft break: fast, 0.5–4 d. Evolved stars conserve angular momentum of a solid body
 * from the turn-off, so P grows as R².
 */
export function rotationPeriod(
  rng: Rng,
  teff: number,
  ageGyr: number,
  stage: string,
  radius: number,
  turnoffRadius: number,
  turnoffTeff: number,
  turnoffAgeGyr: number,
): number {
  const scatter = Math.pow(10, rng.gauss(0, GYRO_SCATTER_DEX));
  if (stage === 'MS') {
    const p = gyroPeriod(teff, ageGyr);
    return p === null ? rng.between(0.5, 4) : p * scatter;
  }
  const pTurnoff = gyroPeriod(turnoffTeff, turnoffAgeGyr) ?? rng.between(0.5, 4);
  return pTurnoff * scatter * Math.pow(radius / turnoffRadius, 2);
}

/**
 * Peak-to-peak spot modulation amplitude (fraction of flux) from the Rossby number: saturated at
 * ~3 % below Ro = 0.13 and falling as Ro^-1.3 so the Sun (Ro ≈ 2) has ~0.1 %, as observed
 * (McQuillan et al. 2014 Rper; Reinhold et al. 2020 for the Sun).
 */
export function spotAmplitude(rng: Rng, rossby: number): number {
  const sat = 0.03;
  const a = rossby < 0.13 ? sat : sat * Math.pow(rossby / 0.13, -1.3);
  return a * Math.pow(10, rng.gauss(0, 0.2));
}

/** Tidal synchronisation: close binaries (P < 10 d) rotate at the orbital period whatever their age (Zahn 1977; Meibom & Mathieu 2005). */
export const SYNCHRONISATION_PERIOD_DAYS = 10;
