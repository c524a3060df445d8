/**
 * What the surveys' pipelines would report for a synthetic star: LASP-like spectroscopic
 * parameters per spectrum (Luo et al. 2015 uncertainties growing at low SNR), KIC-like header
 * parameters (Brown et al. 2011: σTeff ≈ 200 K, σlogg ≈ 0.4 dex, σ[Fe/H] ≈ 0.3 dex) and the MK
 * subclass.
 */
import type { Rng } from './random';
import type { SpectrumEpoch, StarTruth } from './truth';

export interface LaspParameters {
  teff: number;
  teffErr: number;
  logg: number;
  loggErr: number;
  feh: number;
  fehErr: number;
  rv: number;
  rvErr: number;
  z: number;
  zErr: number;
  subclass: string;
}

const C_KMS = 299792.458;

/**
 * LASP on one spectrum. Errors scale as 1/SNR above a floor (Luo et al. 2015, their Fig. 9).
 * An unresolved binary's lines blend at R ≈ 1800, so the velocity is the light-weighted mean
 * of the two components, and the atmospheric parameters lean towards the secondary's.
 */
export function laspParameters(rng: Rng, star: StarTruth, epoch: SpectrumEpoch, snrG: number): LaspParameters {
  const w2 = star.lightFraction2;
  const p = star.primary;
  const s = star.secondary;
  const teffTrue = s ? (1 - w2) * p.teff + w2 * s.teff : p.teff;
  const loggTrue = s ? (1 - w2) * p.logg + w2 * s.logg : p.logg;
  const rvTrue = epoch.rv2 !== null ? (1 - w2) * epoch.rv1 + w2 * epoch.rv2 : epoch.rv1;
  const k = 10 / Math.max(snrG, 3);
  const teffErr = 40 + 120 * k;
  const loggErr = 0.05 + 0.2 * k;
  const fehErr = 0.04 + 0.12 * k;
  const rvErr = 3 + 8 * k;
  const rv = rvTrue + rng.gauss(0, rvErr);
  return {
    teff: teffTrue + rng.gauss(0, teffErr),
    teffErr,
    logg: loggTrue + rng.gauss(0, loggErr),
    loggErr,
    feh: star.feh + rng.gauss(0, fehErr),
    fehErr,
    rv,
    rvErr,
    z: rv / C_KMS,
    zErr: rvErr / C_KMS,
    subclass: subclassFor(teffTrue, loggTrue),
  };
}

/** KIC-like (photometric) parameters written into the Kepler headers. */
export function kicParameters(rng: Rng, star: StarTruth): { teff: number; logg: number; feh: number; radius: number } {
  const teff = star.primary.teff + rng.gauss(0, 200);
  const logg = star.primary.logg + rng.gauss(0, 0.35);
  return {
    teff,
    logg,
    feh: Math.max(-2.5, Math.min(0.5, -0.1 + 0.4 * star.feh + rng.gauss(0, 0.25))),
    radius: star.primary.radius * Math.pow(10, rng.gauss(0, 0.15)),
  };
}

/** MK subclass from Teff (Pecaut & Mamajek 2013 dwarf sequence); M stars as LASP writes them (dM/gM). */
const SUBCLASSES: [number, string][] = [
  [3060, 'M5'], [3210, 'M4'], [3430, 'M3'], [3560, 'M2'], [3660, 'M1'], [3850, 'M0'], [4050, 'K7'],
  [4440, 'K5'], [4600, 'K4'], [4830, 'K3'], [5100, 'K2'], [5170, 'K1'], [5270, 'K0'], [5490, 'G8'],
  [5660, 'G5'], [5770, 'G2'], [5920, 'G0'], [6170, 'F8'], [6510, 'F5'], [6810, 'F2'], [7220, 'F0'],
  [7800, 'A7'], [8100, 'A5'], [8840, 'A2'], [9700, 'A0'], [10700, 'B9'],
];

export function subclassFor(teff: number, logg: number): string {
  let best = SUBCLASSES[0];
  for (const s of SUBCLASSES) if (Math.abs(s[0] - teff) < Math.abs(best[0] - teff)) best = s;
  if (best[1].startsWith('M')) return (logg < 3.5 ? 'g' : 'd') + best[1];
  return best[1];
}
