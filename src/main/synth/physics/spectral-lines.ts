/**
 * The absorption features of a low-resolution stellar spectrum and how their strengths scale
 * with Teff, log g and [Fe/H]. Wavelengths are the laboratory air values (NIST ASD), converted
 * to vacuum because LAMOST spectra are on a vacuum scale. Strengths are calibrated by eye to
 * the equivalent widths of MK standards (Jacoby, Hunter & Christian 1984; Pickles 1998) and on
 * the observed line depths of real LAMOST DR10 spectra in shared/data/real/lamost;
 * see docs/synthetic-survey.md ("Spectra").
 */
import { clamp } from './interpolate';
import { Rng } from '../random';

/** Air → vacuum (Ciddor 1996 dispersion formula, as in astropy/specutils). */
export function airToVacuum(airAngstrom: number): number {
  const s2 = Math.pow(1e4 / airAngstrom, 2);
  const n = 1 + 0.0000834254 + 0.02406147 / (130 - s2) + 0.00015998 / (38.9 - s2);
  return airAngstrom * n;
}

/**
 * One line: centre (vacuum Å), the optical depth of its Gaussian core *as seen at R ≈ 1800*
 * (instrumental smearing is already folded in: a strong line's observed core depth at this
 * resolution is ~0.3-0.7 of the continuum, as in real LAMOST spectra), and the depth and
 * half-width (Å) of its Lorentzian wings.
 */
export interface Line {
  lambda: number;
  tauCore: number;
  wingTau: number;
  wingGamma: number;
}

/** A molecular band: sharp head, absorption fading redward over `scale` Å. */
export interface Band {
  head: number;
  tau: number;
  scale: number;
}

export interface Atmosphere {
  teff: number;
  logg: number;
  feh: number;
}

const BALMER_AIR = [6562.8, 4861.33, 4340.47, 4101.74, 3970.07, 3889.05];
const FE_AIR = [4045.81, 4063.59, 4071.74, 4260.47, 4383.55, 4404.75, 4957.6, 5269.54, 5328.04, 5371.49, 5397.13, 5405.77, 5429.7, 5434.52, 5446.92, 5455.61, 6136.61, 6191.56, 6230.72, 6252.56, 6400.0, 6494.98];
const CA_I_AIR = [4226.73, 6122.22, 6162.17];
const TIO_HEADS_AIR = [4954.6, 5166.7, 5448.0, 5847.0, 6158.0, 6651.0, 7053.9, 7589.0, 8432.0];

/** Balmer strength: hydrogen n=2 population peaks near 9500 K (A0-A2), Boltzmann × Saha. */
export function balmerStrength(teff: number): number {
  const x = (Math.log10(teff) - Math.log10(9500)) / 0.12;
  return Math.exp(-0.5 * x * x) + 0.04;
}

/** Neutral-metal line strength: rises as metals recombine below ~8000 K, flattening below 4500 K. */
export function metalStrength(teff: number): number {
  return clamp((8500 - teff) / 3500, 0.03, 1.3);
}

/** Fixed weak-line "forest" (same wavelengths for every star) for line blanketing. */
const FOREST: { lambda: number; strength: number }[] = (() => {
  const rng = new Rng(20240611, 0, 0);
  const lines = [];
  for (let i = 0; i < 450; i++) {
    const lambda = 3750 + Math.pow(rng.uniform(), 1.6) * 5000; // denser to the blue
    lines.push({ lambda, strength: Math.pow(10, rng.between(-2, -0.6)) });
  }
  return lines;
})();

/** The line list of a star. */
export function linesFor(a: Atmosphere): Line[] {
  const z = Math.pow(10, a.feh);
  const metal = metalStrength(a.teff) * Math.sqrt(z);
  const dwarfness = clamp(a.logg - 3.5, -1, 1.5); // pressure-sensitive lines grow with gravity
  const lines: Line[] = [];
  const sB = balmerStrength(a.teff);
  const pressure = Math.pow(10, 0.25 * (a.logg - 4));
  for (const air of BALMER_AIR) {
    const lambda = airToVacuum(air);
    lines.push({ lambda, tauCore: 0.3 + 0.2 * sB, wingTau: 0.35 * sB, wingGamma: (1 + 10 * Math.pow(sB, 1.5)) * pressure * (lambda / 6563) });
  }
  // Ca II H & K: strongest in G-K stars, weak in A stars.
  const sCaK = clamp((9800 - a.teff) / 4000, 0.08, 1.1) * Math.pow(z, 0.4);
  for (const air of [3933.66, 3968.47]) {
    lines.push({ lambda: airToVacuum(air), tauCore: 1.0 * sCaK, wingTau: 0.5 * sCaK, wingGamma: 1.5 + 4 * sCaK });
  }
  // Ca II infrared triplet: stronger in giants (lower pressure) and metal-rich stars.
  const sCaT = clamp((9000 - a.teff) / 3500, 0.1, 1) * Math.pow(z, 0.4) * (1 + 0.25 * (4.5 - a.logg));
  for (const [air, w] of [[8498.02, 0.6], [8542.09, 1], [8662.14, 0.85]]) {
    lines.push({ lambda: airToVacuum(air), tauCore: 0.3 * sCaT * w, wingTau: 0.15 * sCaT * w, wingGamma: 1.6 });
  }
  // Mg b and Na D: gravity-sensitive, strongest in K-M dwarfs.
  const cool = clamp((7500 - a.teff) / 2500, 0.02, 1.4);
  for (const air of [5167.32, 5172.68, 5183.6]) {
    lines.push({ lambda: airToVacuum(air), tauCore: 0.35 * cool * Math.sqrt(z), wingTau: 0.06 * cool * Math.sqrt(z) * (1 + 0.4 * dwarfness), wingGamma: 0.8 + 0.4 * Math.max(0, dwarfness) });
  }
  for (const air of [5889.95, 5895.92]) {
    const s = Math.pow(cool, 1.5) * Math.sqrt(z);
    lines.push({ lambda: airToVacuum(air), tauCore: 0.2 * s, wingTau: 0.05 * s * (1 + 0.6 * dwarfness), wingGamma: 0.8 + 0.6 * Math.max(0, dwarfness) });
  }
  // K I resonance doublet: M dwarfs.
  const mDwarf = clamp((4300 - a.teff) / 1000, 0, 1.2);
  for (const air of [7664.9, 7698.96]) {
    lines.push({ lambda: airToVacuum(air), tauCore: 0.6 * mDwarf, wingTau: 0.15 * mDwarf * (1 + 0.5 * dwarfness), wingGamma: 1.5 });
  }
  for (const air of FE_AIR) lines.push({ lambda: airToVacuum(air), tauCore: 0.35 * metal, wingTau: 0, wingGamma: 0 });
  for (const air of CA_I_AIR) lines.push({ lambda: airToVacuum(air), tauCore: 0.6 * metal * (air < 5000 ? 1.5 : 1), wingTau: 0.03 * metal, wingGamma: 0.5 });
  for (const f of FOREST) lines.push({ lambda: f.lambda, tauCore: f.strength * metal * Math.pow(4500 / f.lambda, 2), wingTau: 0, wingGamma: 0 });
  return lines;
}

/** Broad features: the G band (CH, 4300 Å) as a wide Gaussian; TiO and CaH bands as heads. */
export function broadFeaturesFor(a: Atmosphere): { gBand: { lambda: number; tau: number; sigma: number }; bands: Band[] } {
  const z = Math.pow(10, a.feh);
  const g = Math.exp(-0.5 * Math.pow((a.teff - 5000) / 900, 2)) * Math.pow(z, 0.3);
  const tio = Math.pow(clamp((4150 - a.teff) / 1000, 0, 1.3), 1.5);
  const bands: Band[] = [];
  if (tio > 0) {
    for (const air of TIO_HEADS_AIR) bands.push({ head: airToVacuum(air), tau: 0.9 * tio, scale: 90 });
    // CaH is a gravity indicator of M dwarfs.
    const cah = tio * clamp(a.logg - 3.5, 0, 1.5);
    bands.push({ head: airToVacuum(6382), tau: 0.4 * cah, scale: 40 }, { head: airToVacuum(6908), tau: 0.5 * cah, scale: 60 });
  }
  return { gBand: { lambda: airToVacuum(4305), tau: 0.28 * g, sigma: 12 }, bands };
}
