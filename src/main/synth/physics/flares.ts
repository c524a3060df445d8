/**
 * Stellar flares: the Davenport et al. (2014) empirical white-light flare template and a
 * power-law flare frequency distribution dN/dE ∝ E^-2 (Hawley et al. 2014; Davenport 2016).
 */
import type { Rng } from '../random';

export interface Flare {
  /** Peak time, BKJD. */
  tPeak: number;
  /** Full width at half maximum, days. */
  fwhm: number;
  /** Peak amplitude, fraction of the quiescent flux. */
  amplitude: number;
}

/** Davenport et al. (2014) template, t in units of the FWHM from the peak. */
export function flareTemplate(t: number): number {
  if (t < -1) return 0;
  if (t <= 0) return 1 + 1.941 * t - 0.175 * t * t - 2.246 * t * t * t - 1.125 * t * t * t * t;
  return 0.689 * Math.exp(-1.6 * t) + 0.303 * Math.exp(-0.2783 * t);
}

/** Integral of the template over t (in FWHM units), used to turn energy into amplitude. */
const TEMPLATE_AREA = (() => {
  let s = 0;
  const dt = 0.001;
  for (let t = -1; t < 40; t += dt) s += flareTemplate(t) * dt;
  return s;
})();

const L_SUN_ERG_S = 3.828e33;

/**
 * Draws the flares of a star over [t0, t1]: `ratePerDay` flares above 1e32 erg (about the
 * detection limit of long-cadence data for M dwarfs), energies from
 * the E^-2 distribution, FWHM 4-40 min, peak amplitude from E = A · L_Kp · FWHM · area, with
 * L_Kp ≈ 0.3 L_bol for an M dwarf in the Kepler band.
 */
export function drawFlares(rng: Rng, ratePerDay: number, luminositySun: number, t0: number, t1: number): Flare[] {
  const n = rng.poisson(ratePerDay * (t1 - t0));
  const flares: Flare[] = [];
  const lKp = 0.3 * luminositySun * L_SUN_ERG_S;
  for (let i = 0; i < n; i++) {
    const energy = 1e32 / (1 - rng.uniform()); // E^-2 differential → cumulative ∝ E^-1
    const fwhm = Math.pow(10, rng.between(Math.log10(4), Math.log10(40))) / 1440;
    const amplitude = Math.min(5, energy / (lKp * fwhm * 86400 * TEMPLATE_AREA));
    flares.push({ tPeak: rng.between(t0, t1), fwhm, amplitude });
  }
  return flares.sort((a, b) => a.tPeak - b.tPeak);
}
