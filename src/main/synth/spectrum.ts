/**
 * LAMOST low-resolution spectra of a synthetic star: a Planck continuum per component with its
 * absorption lines (physics/spectral-lines.ts) Doppler-shifted to each component's velocity,
 * reddening, telluric bands, the instrument (resolution R ≈ 1800, two-arm throughput, imperfect
 * relative flux calibration), sky and photon noise with a consistent inverse variance, and masks.
 */
import type { Rng } from './random';
import type { ComponentTruth, SpectrumEpoch, StarTruth } from './truth';
import { broadFeaturesFor, linesFor, type Atmosphere } from './physics/spectral-lines';
import { clamp } from './physics/interpolate';

export const LAMOST_COEFF0 = 3.5682;
export const LAMOST_COEFF1 = 1e-4;
export const LAMOST_PIXELS = 3909;
/** DR1 files have 3904 pixels on the same log-linear grid. */
export const LAMOST_DR1_PIXELS = 3904;
export const RESOLUTION = 1800;
const C_KMS = 299792.458;
/** Velocity width of one pixel, km/s (Δlog10 λ = 1e-4). */
const PIXEL_KMS = C_KMS * (Math.pow(10, LAMOST_COEFF1) - 1);

export function lamostWavelengths(pixels = LAMOST_PIXELS): Float64Array {
  const w = new Float64Array(pixels);
  for (let i = 0; i < pixels; i++) w[i] = Math.pow(10, LAMOST_COEFF0 + LAMOST_COEFF1 * i);
  return w;
}

/** Planck B_λ up to a constant: λ^-5 / (exp(hc/λkT) − 1), λ in Å. */
function planck(lambda: number, teff: number): number {
  const x = 1.4387769e8 / (lambda * teff);
  return Math.pow(lambda / 5500, -5) / Math.expm1(x);
}

/** Optical depth of one component's lines at velocity `rv` on the grid. */
function componentTau(wave: Float64Array, atm: Atmosphere, rv: number, vsini: number, out: Float64Array): void {
  out.fill(0);
  const n = wave.length;
  const sigmaInst = C_KMS / RESOLUTION / 2.3548;
  const sigmaV = Math.sqrt(sigmaInst * sigmaInst + 0.25 * vsini * vsini + 4);
  const sigmaPx = sigmaV / PIXEL_KMS;
  const shift = 1 + rv / C_KMS;
  const pixelOf = (lambda: number) => (Math.log10(lambda) - LAMOST_COEFF0) / LAMOST_COEFF1;
  for (const line of linesFor(atm)) {
    const lambda = line.lambda * shift;
    const p = pixelOf(lambda);
    if (p < -200 || p > n + 200) continue;
    // Equal-area Gaussian core: tauCore is the central depth before instrumental smearing at R=1800,
    // so a line's equivalent width is set by its intrinsic strength, not the resolution.
    const core = (line.tauCore * (sigmaInst / PIXEL_KMS)) / sigmaPx;
    const half = Math.ceil(5 * sigmaPx);
    for (let i = Math.max(0, Math.floor(p) - half); i <= Math.min(n - 1, Math.ceil(p) + half); i++) {
      const d = (i - p) / sigmaPx;
      out[i] += core * Math.exp(-0.5 * d * d);
    }
    if (line.wingTau > 0) {
      const gammaPx = line.wingGamma / (lambda * (Math.LN10 * LAMOST_COEFF1));
      const reach = Math.ceil(Math.min(400, 40 * gammaPx));
      for (let i = Math.max(0, Math.floor(p) - reach); i <= Math.min(n - 1, Math.ceil(p) + reach); i++) {
        const d = i - p;
        out[i] += (line.wingTau * gammaPx * gammaPx) / (d * d + gammaPx * gammaPx);
      }
    }
  }
  const broad = broadFeaturesFor(atm);
  const g = broad.gBand;
  for (let i = 0; i < n; i++) {
    const l = wave[i] / shift;
    const dg = (l - g.lambda) / g.sigma;
    if (dg > -5 && dg < 5) out[i] += g.tau * Math.exp(-0.5 * dg * dg);
    for (const b of broad.bands) {
      const d = l - b.head;
      // Smear the head over the instrumental width so the band edge is resolved like the data.
      const edge = 1 / (1 + Math.exp(-d / (l / RESOLUTION / 2)));
      if (d > -20) out[i] += b.tau * edge * Math.exp(-Math.max(0, d) / b.scale);
    }
  }
}

/** Relative throughput of the LAMOST blue (3700-5900 Å) and red (5700-9100 Å) arms, with the dichroic dip. */
export function throughput(lambda: number): number {
  const blue = clamp((lambda - 3650) / 700, 0.05, 1) * (1 / (1 + Math.exp((lambda - 5850) / 40)));
  const red = (1 / (1 + Math.exp(-(lambda - 5800) / 40))) * clamp(1 - (lambda - 7000) / 3500, 0.25, 1);
  return 0.06 + blue + 0.9 * red;
}

/** Telluric transmission: O2 A and B bands and the main water bands (not shifted with the star). */
function telluric(lambda: number): number {
  let tau = 0;
  const band = (lo: number, hi: number, depth: number) => {
    if (lambda > lo && lambda < hi) tau += depth * Math.sin((Math.PI * (lambda - lo)) / (hi - lo));
  };
  band(7592, 7700, 0.5);
  band(6866, 6960, 0.2);
  band(7160, 7340, 0.08);
  band(8120, 8350, 0.06);
  band(8950, 9250, 0.12);
  return Math.exp(-tau);
}

/** Night-sky emission lines (vacuum Å) that raise the noise after sky subtraction. */
const SKY_LINES = [5578.9, 5891.6, 5897.6, 6302.0, 6365.5, 7246.0, 7316.3, 7342.9, 7571.7, 7794.1, 7821.5, 7913.7, 7993.3, 8344.6, 8399.2, 8430.2, 8465.4, 8505.1, 8827.1, 8885.8, 8919.6, 8943.4, 8958.1, 8988.6];

export interface SyntheticSpectrum {
  wavelength: Float64Array;
  flux: Float32Array;
  ivar: Float32Array;
  andMask: Float32Array;
  orMask: Float32Array;
  /** Flux divided by the noiseless continuum (the DR10 NORMALIZATION column, DR1 "Subcontinuum" row). */
  normalized: Float32Array;
  snr: { u: number; g: number; r: number; i: number; z: number };
}

function atmosphereOf(c: ComponentTruth, feh: number): Atmosphere {
  return { teff: c.teff, logg: c.logg, feh };
}

/** Bands over which LAMOST quotes SNR (Å). */
const SNR_BANDS = { u: [3700, 4000], g: [4000, 5500], r: [5600, 6900], i: [6900, 8400], z: [8400, 9100] } as const;

/**
 * The noiseless, calibrated spectrum of the star at one epoch (both components if a binary),
 * and its continuum, on `wave`.
 */
export function modelSpectrum(star: StarTruth, epoch: SpectrumEpoch, wave: Float64Array): { flux: Float64Array; continuum: Float64Array } {
  const n = wave.length;
  const flux = new Float64Array(n);
  const continuum = new Float64Array(n);
  const tau = new Float64Array(n);
  const comps: [ComponentTruth, number, number][] = [[star.primary, epoch.rv1, star.vsini]];
  if (star.secondary && epoch.rv2 !== null) {
    // Secondaries of close binaries are synchronised too; otherwise a modest vsini.
    const v2 = star.tidallySynchronised && star.orbit ? (2 * Math.PI * star.secondary.radius * 695700) / (star.orbit.periodDays * 86400) * Math.sin(star.orbit.inclination) : 5;
    comps.push([star.secondary, epoch.rv2, v2]);
  }
  for (const [c, rv, vsini] of comps) {
    componentTau(wave, atmosphereOf(c, star.feh), rv, vsini, tau);
    const area = c.radius * c.radius;
    for (let i = 0; i < n; i++) {
      const cont = planck(wave[i], c.teff) * area;
      continuum[i] += cont;
      flux[i] += cont * Math.exp(-tau[i]);
    }
  }
  // Emission Hα of active M dwarfs (dMe): chromospheric, fills in and reverses the absorption.
  if (star.flareRate > 0) {
    const ha = 6564.61 * (1 + epoch.rv1 / C_KMS);
    const sigma = ha / RESOLUTION / 2.3548;
    const ew = 3;
    for (let i = 0; i < n; i++) {
      const d = (wave[i] - ha) / sigma;
      if (d > -6 && d < 6) flux[i] += (continuum[i] * ew * Math.exp(-0.5 * d * d)) / (sigma * Math.sqrt(2 * Math.PI));
    }
  }
  // Interstellar reddening, A_λ ≈ A_V (5500/λ)^1.3 (a power-law fit to Cardelli et al. 1989 in the optical).
  for (let i = 0; i < n; i++) {
    const ext = Math.pow(10, -0.4 * star.av * Math.pow(5500 / wave[i], 1.3));
    flux[i] *= ext;
    continuum[i] *= ext;
  }
  return { flux, continuum };
}

/** Observes a model spectrum: telluric bands, throughput, calibration error, sky and photon noise, masks. */
export function observeSpectrum(rng: Rng, model: { flux: Float64Array; continuum: Float64Array }, wave: Float64Array, snrG: number): SyntheticSpectrum {
  const n = wave.length;
  const counts = new Float64Array(n);
  const tp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    tp[i] = throughput(wave[i]);
    counts[i] = model.flux[i] * telluric(wave[i]) * tp[i];
  }
  // Scale counts so the median pixel SNR in g is snrG: SNR ≈ C / sqrt(C + sky) with sky ≈ 2% of the star.
  const gIdx: number[] = [];
  for (let i = 0; i < n; i++) if (wave[i] > SNR_BANDS.g[0] && wave[i] < SNR_BANDS.g[1]) gIdx.push(i);
  const gMedian = median(gIdx.map((i) => counts[i]));
  const skyFraction = clamp(0.02 * Math.pow(10, 0.4 * Math.max(0, 60 - snrG) / 10), 0.02, 0.5);
  const scale = (snrG * snrG * (1 + skyFraction)) / gMedian;
  const skyContinuum = skyFraction * gMedian * scale;

  // Relative flux calibration is good to a few per cent: a smooth random tilt and curvature.
  const c1 = rng.gauss(0, 0.03);
  const c2 = rng.gauss(0, 0.02);
  const normScale = 1 / median(Array.from(model.flux.filter((_, i) => i % 10 === 0)));
  const fluxUnit = rng.between(200, 4000) * normScale; // arbitrary calibrated units, as in real files

  const flux = new Float32Array(n);
  const ivar = new Float32Array(n);
  const andMask = new Float32Array(n);
  const orMask = new Float32Array(n);
  const normalized = new Float32Array(n);
  const redCut = n - rng.int(20, 90);
  for (let i = 0; i < n; i++) {
    const x = (Math.log10(wave[i]) - 3.8) / 0.2;
    const calib = 1 + c1 * x + c2 * (x * x - 0.3);
    let sky = skyContinuum * (wave[i] > 7000 ? 1.8 : 1);
    let skyLine = false;
    for (const s of SKY_LINES) {
      const d = (wave[i] - s) / 1.6;
      if (d > -4 && d < 4) {
        sky += skyContinuum * 25 * Math.exp(-0.5 * d * d);
        if (d > -1.5 && d < 1.5) skyLine = true;
      }
    }
    const c = counts[i] * scale;
    const sigmaCounts = Math.sqrt(Math.max(c, 0) + sky + 4);
    const observed = c + sigmaCounts * rng.normal();
    // Calibrated flux = counts / (throughput · scale), then the calibration error and the unit.
    const toFlux = (calib * fluxUnit) / (tp[i] * scale);
    flux[i] = observed * toFlux;
    const sigmaFlux = sigmaCounts * toFlux;
    ivar[i] = 1 / (sigmaFlux * sigmaFlux);
    normalized[i] = model.continuum[i] > 0 ? (observed / (model.continuum[i] * telluric(wave[i]) * tp[i] * scale)) : 0;
    if (skyLine) orMask[i] = 1;
    if (i < 3 || i >= redCut) {
      ivar[i] = 0;
      andMask[i] = 1;
      orMask[i] = 1;
    }
  }
  const snrIn = (lo: number, hi: number) => {
    const v: number[] = [];
    for (let i = 0; i < n; i++) if (wave[i] > lo && wave[i] < hi && ivar[i] > 0) v.push(flux[i] * Math.sqrt(ivar[i]));
    return v.length ? Math.max(0, median(v)) : 0;
  };
  return {
    wavelength: wave, flux, ivar, andMask, orMask, normalized,
    snr: {
      u: snrIn(...SNR_BANDS.u), g: snrIn(...SNR_BANDS.g), r: snrIn(...SNR_BANDS.r), i: snrIn(...SNR_BANDS.i), z: snrIn(...SNR_BANDS.z),
    },
  };
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}
