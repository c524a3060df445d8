/**
 * Photometry: Gaia bolometric corrections and colours, Johnson B−V (for gyrochronology) and the
 * Kepler magnitude, plus a simple dust model for the Kepler field. Sources in
 * docs/synthetic-survey.md ("Photometry").
 */
import { clamp, interpolate } from './interpolate';
import { T_SUN } from './evolution';

const M_BOL_SUN = 4.74; // IAU 2015 B2

/** Gaia G bolometric correction (Andrae et al. 2018, Table 8 polynomials in Teff − 5772 K). */
export function bolometricCorrectionG(teff: number): number {
  const t = clamp(teff, 3300, 8000);
  const x = t - T_SUN;
  const a =
    t >= 4000
      ? [6.0e-2, 6.731e-5, -6.647e-8, 2.859e-11, -7.197e-15]
      : [1.749, 1.977e-3, 3.737e-7, -8.966e-11, -4.183e-14];
  return a[0] + x * (a[1] + x * (a[2] + x * (a[3] + x * a[4])));
}

/** Dwarf colour-Teff sequence (Pecaut & Mamajek 2013, updated table): Teff → BP−RP. */
const BP_RP_TABLE: [number, number][] = [
  [3060, 3.24], [3210, 2.81], [3430, 2.47], [3560, 2.2], [3660, 1.99], [3850, 1.84], [4050, 1.73],
  [4440, 1.43], [4830, 1.16], [5270, 0.98], [5660, 0.85], [5770, 0.82], [5920, 0.74], [6510, 0.59],
  [7220, 0.45], [8100, 0.21], [8800, 0.08], [9700, 0.0], [10700, -0.07],
];
/** Same table: Teff → Johnson B−V. */
const B_V_TABLE: [number, number][] = [
  [3060, 1.8], [3210, 1.65], [3560, 1.5], [3850, 1.41], [4050, 1.33], [4440, 1.15], [4830, 1.0],
  [5270, 0.82], [5660, 0.68], [5770, 0.65], [5920, 0.59], [6510, 0.44], [7220, 0.3], [8100, 0.16],
  [9700, 0.0], [10700, -0.06],
];

export function bpRpFromTeff(teff: number): number {
  return interpolate(BP_RP_TABLE, teff);
}

export function bvFromTeff(teff: number): number {
  return interpolate(B_V_TABLE, teff);
}

/** Absolute G magnitude from luminosity (Lsun) and Teff. */
export function absoluteG(luminosity: number, teff: number): number {
  return M_BOL_SUN - 2.5 * Math.log10(luminosity) - bolometricCorrectionG(teff);
}

/**
 * Kepler magnitude from G and BP−RP. The two bandpasses nearly coincide (both ~420-900 nm);
 * the small colour term makes red stars slightly brighter in Kp, as for the KIC.
 */
export function keplerFromGaia(g: number, bpRp: number): number {
  return g + 0.1 * (bpRp - 0.82) - 0.05 * (bpRp - 0.82) * (bpRp - 0.82);
}

/** Flux-weighted sum of magnitudes (unresolved components). */
export function addMagnitudes(...mags: number[]): number {
  let flux = 0;
  for (const m of mags) flux += Math.pow(10, -0.4 * m);
  return -2.5 * Math.log10(flux);
}

/**
 * V-band extinction towards the Kepler field (b ≈ +13.5°): a dust layer of scale height 100 pc,
 * so the column saturates within ~0.5 kpc at A_V ≈ 0.45 mag, the typical KIC value.
 */
export function extinctionV(distancePc: number): number {
  const sinB = Math.sin((13.5 * Math.PI) / 180);
  return 0.45 * (1 - Math.exp((-distancePc * sinB) / 100));
}

/** Band extinction ratios A_X/A_V for a G-type SED (Casagrande & VandenBerg 2018, Gaia DR2 bands). */
export const EXTINCTION_RATIO = { G: 0.83, BP: 1.08, RP: 0.63, Kp: 0.85 } as const;
