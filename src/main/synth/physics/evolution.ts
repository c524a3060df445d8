/**
 * Isochrone-like placement of a star from (mass, age, [Fe/H]): main sequence, subgiant branch,
 * red-giant branch and red clump, from textbook scaling relations rather than tracks. The aim is
 * the right topology of the HR diagram and the right sign and size of each dependence, not
 * track-level accuracy. Sources are listed in docs/synthetic-survey.md ("Stellar parameters").
 */
import { clamp } from './interpolate';

export const T_SUN = 5772; // K, IAU 2015 B3 nominal
export const LOGG_SUN = 4.438; // cgs

export type EvolutionaryStage = 'MS' | 'SG' | 'RGB' | 'RC';

export interface StellarState {
  stage: EvolutionaryStage;
  /** Fraction of the main-sequence lifetime elapsed (>1 after the turn-off). */
  fractionalAge: number;
  teff: number;
  logg: number;
  /** Solar units. */
  radius: number;
  luminosity: number;
  mass: number;
}

/** Main-sequence lifetime in Gyr: t ∝ M/L ≈ 10 Gyr M^-2.5, shortened for metal-poor stars (higher L). */
export function mainSequenceLifetime(mass: number, feh: number): number {
  return 10 * Math.pow(mass, -2.5) * Math.pow(10, 0.2 * feh);
}

/** Mid-main-sequence mass-luminosity relation (piecewise power law, Duric 2004 / Salaris & Cassisi 2005). */
function massLuminosity(mass: number): number {
  if (mass < 0.43) return 0.23 * Math.pow(mass, 2.3);
  if (mass < 2) return Math.pow(mass, 4);
  return 1.4 * Math.pow(mass, 3.5);
}

/** Mass-radius relation of the main sequence (Demircan & Kahraman 1991 style broken power law). */
function massRadius(mass: number): number {
  return mass < 1 ? Math.pow(mass, 0.8) : Math.pow(mass, 0.57);
}

function teffFrom(luminosity: number, radius: number): number {
  return T_SUN * Math.pow(luminosity / (radius * radius), 0.25);
}

function loggFrom(mass: number, radius: number): number {
  return LOGG_SUN + Math.log10(mass / (radius * radius));
}

/** Phase boundaries in units of the main-sequence lifetime. */
export const PHASES = { subgiantEnd: 1.15, rgbEnd: 1.22, clumpEnd: 1.32 } as const;

/**
 * The star's state at `ageGyr`, or null once it has left the red clump (it would be a white dwarf
 * or an AGB star, neither of which the survey models).
 */
export function evolve(mass: number, ageGyr: number, feh: number): StellarState | null {
  const tMs = mainSequenceLifetime(mass, feh);
  const f = ageGyr / tMs;
  // Metal-poor stars are bluer and brighter at fixed mass (lower opacity).
  const metalL = Math.pow(10, -0.2 * feh);
  // On the MS a star brightens ×1.8 and swells ×1.26 from ZAMS to TAMS; the Sun (f≈0.46) is L=R=1.
  const lMs = (ff: number) => massLuminosity(mass) * metalL * Math.pow(10, 0.25 * (ff - 0.46));
  const rMs = (ff: number) => massRadius(mass) * Math.pow(10, 0.1 * (ff - 0.46));
  if (f <= 1) {
    const L = lMs(f);
    const R = rMs(f);
    return { stage: 'MS', fractionalAge: f, teff: teffFrom(L, R), logg: loggFrom(mass, R), radius: R, luminosity: L, mass };
  }
  const lTams = lMs(1);
  const tTams = teffFrom(lTams, rMs(1));
  // Base of the RGB: cooler for metal-rich stars, warmer for more massive ones.
  const tRgbBase = clamp(4950 + 350 * (mass - 1) - 250 * feh, 4300, 5600);
  const lRgbBase = lTams * 1.4;
  if (f <= PHASES.subgiantEnd) {
    const s = (f - 1) / (PHASES.subgiantEnd - 1);
    const teff = tTams + (Math.min(tRgbBase, tTams) - tTams) * s;
    const L = lTams + (lRgbBase - lTams) * s;
    const R = Math.sqrt(L) * Math.pow(T_SUN / teff, 2);
    return { stage: 'SG', fractionalAge: f, teff, logg: loggFrom(mass, R), radius: R, luminosity: L, mass };
  }
  if (f <= PHASES.rgbEnd) {
    // Luminosity grows ever faster up the RGB, so most giants sit near its base (s^3).
    const s = (f - PHASES.subgiantEnd) / (PHASES.rgbEnd - PHASES.subgiantEnd);
    const logL = Math.log10(lRgbBase) + (3.2 - Math.log10(lRgbBase)) * s * s * s;
    const L = Math.pow(10, logL);
    const teff = tRgbBase - 450 * (logL - Math.log10(lRgbBase)) / Math.max(0.5, 3.2 - Math.log10(lRgbBase));
    const R = Math.sqrt(L) * Math.pow(T_SUN / teff, 2);
    return { stage: 'RGB', fractionalAge: f, teff, logg: loggFrom(mass, R), radius: R, luminosity: L, mass };
  }
  if (f <= PHASES.clumpEnd) {
    // Core-helium burning: nearly fixed luminosity (~50 Lsun for low-mass stars), the red clump.
    const L = 45 * Math.max(1, Math.pow(mass / 1.8, 3));
    const teff = clamp(4750 + 250 * (mass - 1) - 200 * feh, 4400, 5400);
    const R = Math.sqrt(L) * Math.pow(T_SUN / teff, 2);
    return { stage: 'RC', fractionalAge: f, teff, logg: loggFrom(mass, R), radius: R, luminosity: L, mass };
  }
  return null;
}
