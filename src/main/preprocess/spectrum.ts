/**
 * LAMOST low-resolution spectrum preprocessing (reference digest §1.3; fixture README §1.3):
 * rest-frame shift → blue/red arms → log-λ resampling → median filter → degree-5 continuum →
 * 3σ clipping and z-scoring → concatenate and zero-pad to the model length.
 *
 * Everything after the shift runs in float64; the shift itself is float32, exactly as NumPy
 * multiplies a float32 wavelength array by a Python float (that rounding matters to 2e-3).
 *
 * Where the paper and the authors' code differ, the paper is the default and the code's
 * behaviour is a named option (`SPECTRUM_PRESETS`).
 */
import { interpLinearExtrapolate, logWavelengthGrid } from './interpolate.js';
import { medianFilter } from './medianFilter.js';
import { evaluateIndexPolynomial, fitIndexPolynomial } from './polynomialFit.js';
import { meanFloat64, stdFloat64 } from './reductions.js';
import { definedOnly } from './options.js';

/** Speed of light, km/s (the value the reference uses). */
export const C_KMS = 299792.458;

/**
 * Which velocity shifts the wavelength to the rest frame.
 * - `restframe_z` (default, the paper's stated intent): λ′ = λ / (1 + Z), Z the LASP redshift.
 * - `code`: the authors' code, λ′ = λ · (1 + HELIO_RV/c); HELIO_RV is the heliocentric correction
 *   the pipeline already applied, not the star's velocity, and the sign is reversed.
 * - `paper_rv`: the paper's rest-frame formula with the code's quantity, λ′ = λ / (1 + HELIO_RV/c).
 * - `none`: no shift.
 */
export type RvCorrection = 'restframe_z' | 'code' | 'paper_rv' | 'none';

/**
 * How the 3σ outliers are treated.
 * - `paper` (default): "remove points beyond ±3σ and normalise to zero mean and unit std": the
 *   outliers are left out of the mean and std used for z-scoring and set to 0 (the new mean), so
 *   the kept pixels have exactly zero mean and unit std and the array keeps its length.
 * - `code`: the authors' code; outliers are replaced by μ and the arm is z-scored with the
 *   pre-clipping μ and σ.
 */
export type SigmaClipMode = 'paper' | 'code';

export interface SpectrumPreprocessOptions {
  rvCorrection?: RvCorrection;
  clipping?: SigmaClipMode;
  /** Divide by the degree-`polynomialOrder` continuum (the config's `continuum_norm`, true). */
  continuumNormalisation?: boolean;
  /** Final model-input length (zero padding). */
  outputLength?: number;
  blueRange?: readonly [number, number];
  redRange?: readonly [number, number];
  resampleStepLog10?: number;
  medianKernel?: number;
  polynomialOrder?: number;
  clipSigma?: number;
}

/** The resolved options, all set. */
export type ResolvedSpectrumOptions = Required<SpectrumPreprocessOptions>;

export const SPECTRUM_DEFAULTS: ResolvedSpectrumOptions = {
  rvCorrection: 'restframe_z',
  clipping: 'paper',
  continuumNormalisation: true,
  outputLength: 4096,
  blueRange: [3841, 5800],
  redRange: [5800, 8798],
  resampleStepLog10: 1e-4,
  medianKernel: 3,
  polynomialOrder: 5,
  clipSigma: 3,
};

/**
 * Named presets. `code`, `paper_rv` and `restframe_z` reproduce the three variants of the authors'
 * fixtures (all with the code's clipping); `paper` is the default.
 */
export const SPECTRUM_PRESETS = {
  paper: { rvCorrection: 'restframe_z', clipping: 'paper' },
  code: { rvCorrection: 'code', clipping: 'code' },
  paper_rv: { rvCorrection: 'paper_rv', clipping: 'code' },
  restframe_z: { rvCorrection: 'restframe_z', clipping: 'code' },
} as const satisfies Record<string, SpectrumPreprocessOptions>;

export type SpectrumPresetName = keyof typeof SPECTRUM_PRESETS;

/** The fields of a spectrum the preprocessing reads (a `Spectrum` from src/shared/survey.ts fits). */
export interface SpectrumInput {
  wavelength: ArrayLike<number>;
  flux: ArrayLike<number>;
  /** LASP redshift Z (needed for `restframe_z`). */
  z: number | null;
  /** HELIO_RV card, km/s (needed for `code` and `paper_rv`). */
  heliocentricCorrection: number | null;
  /** Named in error messages. */
  sourcePath?: string;
}

/** Every intermediate of one arm, for the star-detail panel and `desa preprocess --json`. */
export interface ArmSteps {
  arm: 'blue' | 'red';
  range: readonly [number, number];
  /** 1 where range[0] ≤ λ′ ≤ range[1] (inclusive), over the input pixels. */
  mask: Uint8Array;
  /** The log-λ grid the arm is resampled onto. */
  grid: Float64Array;
  resampled: Float64Array;
  medianFiltered: Float64Array;
  /** The fitted continuum (all ones when continuum normalisation is off). */
  continuum: Float64Array;
  continuumNormalised: Float64Array;
  /** After clipping and z-scoring. */
  normalised: Float64Array;
  /** μ and σ before clipping, the bounds, how many pixels were clipped, and the μ/σ used to z-score. */
  clip: { mean: number; std: number; lower: number; upper: number; clipped: number; zMean: number; zStd: number };
}

export interface PreprocessedSpectrum {
  options: ResolvedSpectrumOptions;
  /** The velocity factor applied: λ′ = λ·factor (code) or λ/factor (rest frame); 1 for none. */
  shift: { kind: RvCorrection; velocityKms: number | null; factor: number };
  /** Shifted wavelength, float32 like the reference. */
  restWavelength: Float32Array;
  blue: ArmSteps;
  red: ArmSteps;
  /** Blue then red, float64 (3600 values with the default ranges). */
  preprocessed: Float64Array;
  /** The model input: `preprocessed` zero-padded to `outputLength`, NaN → 0, float32. */
  modelInput: Float32Array;
}

/** Resolves a preset name or partial options over the defaults. */
export function resolveSpectrumOptions(opts: SpectrumPreprocessOptions | SpectrumPresetName = {}): ResolvedSpectrumOptions {
  const partial = typeof opts === 'string' ? SPECTRUM_PRESETS[opts] : opts;
  if (typeof opts === 'string' && !partial) throw new Error(`unknown spectrum preset '${opts}'`);
  return { ...SPECTRUM_DEFAULTS, ...definedOnly(partial) };
}

/**
 * Step 1: shift the wavelength. The wavelength is rounded to float32 and the factor to float32,
 * and the product or quotient is rounded to float32, which is bit-exact with NumPy.
 */
export function shiftWavelength(
  wavelength: ArrayLike<number>,
  kind: RvCorrection,
  spec: { z: number | null; heliocentricCorrection: number | null; sourcePath?: string },
): { restWavelength: Float32Array; velocityKms: number | null; factor: number } {
  const f32 = Math.fround;
  const out = new Float32Array(wavelength.length);
  const where = spec.sourcePath ?? 'spectrum';
  if (kind === 'none') {
    for (let i = 0; i < out.length; i++) out[i] = wavelength[i];
    return { restWavelength: out, velocityKms: null, factor: 1 };
  }
  if (kind === 'restframe_z') {
    if (spec.z === null || !Number.isFinite(spec.z)) {
      throw new Error(`${where}: rest-frame correction 'restframe_z' needs the LASP redshift Z, which is missing`);
    }
    const factor = f32(1 + spec.z);
    for (let i = 0; i < out.length; i++) out[i] = f32(f32(wavelength[i]) / factor);
    return { restWavelength: out, velocityKms: spec.z * C_KMS, factor };
  }
  const rv = spec.heliocentricCorrection;
  if (rv === null || !Number.isFinite(rv)) {
    throw new Error(`${where}: RV correction '${kind}' needs the HELIO_RV header value, which is missing`);
  }
  const factor = f32(1 + rv / C_KMS);
  if (kind === 'code') {
    for (let i = 0; i < out.length; i++) out[i] = f32(f32(wavelength[i]) * factor);
  } else if (kind === 'paper_rv') {
    for (let i = 0; i < out.length; i++) out[i] = f32(f32(wavelength[i]) / factor);
  } else {
    throw new Error(`${where}: unknown RV correction '${String(kind)}'`);
  }
  return { restWavelength: out, velocityKms: rv, factor };
}

/** Step 2: inclusive wavelength mask of one arm. */
export function armMask(restWavelength: ArrayLike<number>, range: readonly [number, number]): Uint8Array {
  const mask = new Uint8Array(restWavelength.length);
  for (let i = 0; i < mask.length; i++) mask[i] = restWavelength[i] >= range[0] && restWavelength[i] <= range[1] ? 1 : 0;
  return mask;
}

/** Step 3: the arm's pixels, linearly interpolated (and extrapolated at the ends) onto its log-λ grid. */
export function resampleArm(
  restWavelength: ArrayLike<number>,
  flux: ArrayLike<number>,
  mask: Uint8Array,
  grid: Float64Array,
  where = 'spectrum',
): Float64Array {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) { x.push(restWavelength[i]); y.push(Math.fround(flux[i])); }
  }
  if (x.length < 2) {
    throw new Error(`${where}: only ${x.length} pixel(s) fall in the ${grid[0].toFixed(0)}–${grid[grid.length - 1].toFixed(0)} Å arm; cannot resample`);
  }
  // x (the shifted wavelength) and y (the flux) are float32 in the reference, as here.
  return interpLinearExtrapolate(grid, x, y, true);
}

/** Step 5: divide by the least-squares polynomial continuum fitted against the pixel index. */
export function continuumNormalise(s: Float64Array, order: number): { continuum: Float64Array; normalised: Float64Array } {
  const continuum = evaluateIndexPolynomial(fitIndexPolynomial(s, order));
  const normalised = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) normalised[i] = s[i] / continuum[i];
  return { continuum, normalised };
}

/** Step 6: 3σ clipping and z-scoring, in the paper's or the code's form (see `SigmaClipMode`). */
export function sigmaClipNormalise(s: Float64Array, mode: SigmaClipMode, nSigma = 3): { normalised: Float64Array; clip: ArmSteps['clip'] } {
  const mean = meanFloat64(s);
  const std = stdFloat64(s, mean);
  const lower = mean - nSigma * std;
  const upper = mean + nSigma * std;
  const outlier = (v: number): boolean => v < lower || v > upper;
  let clipped = 0;
  for (let i = 0; i < s.length; i++) if (outlier(s[i])) clipped++;
  const normalised = new Float64Array(s.length);
  if (mode === 'code') {
    for (let i = 0; i < s.length; i++) normalised[i] = ((outlier(s[i]) ? mean : s[i]) - mean) / std;
    return { normalised, clip: { mean, std, lower, upper, clipped, zMean: mean, zStd: std } };
  }
  if (mode !== 'paper') throw new Error(`unknown clipping mode '${String(mode)}'`);
  const kept = new Float64Array(s.length - clipped);
  for (let i = 0, j = 0; i < s.length; i++) if (!outlier(s[i])) kept[j++] = s[i];
  const zMean = meanFloat64(kept);
  const zStd = stdFloat64(kept, zMean);
  for (let i = 0; i < s.length; i++) normalised[i] = outlier(s[i]) ? 0 : (s[i] - zMean) / zStd;
  return { normalised, clip: { mean, std, lower, upper, clipped, zMean, zStd } };
}

function preprocessArm(
  arm: 'blue' | 'red',
  restWavelength: Float32Array,
  flux: ArrayLike<number>,
  o: ResolvedSpectrumOptions,
  where: string,
): ArmSteps {
  const range = arm === 'blue' ? o.blueRange : o.redRange;
  const mask = armMask(restWavelength, range);
  const grid = logWavelengthGrid(range[0], range[1], o.resampleStepLog10);
  const resampled = resampleArm(restWavelength, flux, mask, grid, where);
  const medianFiltered = medianFilter(resampled, o.medianKernel);
  const { continuum, normalised: continuumNormalised } = o.continuumNormalisation
    ? continuumNormalise(medianFiltered, o.polynomialOrder)
    : { continuum: new Float64Array(medianFiltered.length).fill(1), normalised: medianFiltered };
  const { normalised, clip } = sigmaClipNormalise(continuumNormalised, o.clipping, o.clipSigma);
  return { arm, range, mask, grid, resampled, medianFiltered, continuum, continuumNormalised, normalised, clip };
}

/** Step 7: concatenate, zero-pad to `length`, NaN → 0, float32. */
export function padSpectrum(preprocessed: ArrayLike<number>, length: number): Float32Array {
  if (preprocessed.length > length) throw new Error(`spectrum has ${preprocessed.length} values, more than the model length ${length}`);
  const out = new Float32Array(length);
  for (let i = 0; i < preprocessed.length; i++) out[i] = Number.isNaN(preprocessed[i]) ? 0 : preprocessed[i];
  return out;
}

/**
 * Preprocesses one LAMOST spectrum and returns every intermediate plus the model input.
 * `opts` is a preset name (`'paper'`, `'code'`, `'paper_rv'`, `'restframe_z'`) or options.
 */
export function preprocessSpectrum(spec: SpectrumInput, opts: SpectrumPreprocessOptions | SpectrumPresetName = {}): PreprocessedSpectrum {
  const o = resolveSpectrumOptions(opts);
  const where = spec.sourcePath ?? 'spectrum';
  if (spec.wavelength.length !== spec.flux.length) {
    throw new Error(`${where}: wavelength has ${spec.wavelength.length} pixels but flux has ${spec.flux.length}`);
  }
  const { restWavelength, velocityKms, factor } = shiftWavelength(spec.wavelength, o.rvCorrection, spec);
  const blue = preprocessArm('blue', restWavelength, spec.flux, o, where);
  const red = preprocessArm('red', restWavelength, spec.flux, o, where);
  const preprocessed = new Float64Array(blue.normalised.length + red.normalised.length);
  preprocessed.set(blue.normalised, 0);
  preprocessed.set(red.normalised, blue.normalised.length);
  return {
    options: o,
    shift: { kind: o.rvCorrection, velocityKms, factor },
    restWavelength,
    blue,
    red,
    preprocessed,
    modelInput: padSpectrum(preprocessed, o.outputLength),
  };
}
