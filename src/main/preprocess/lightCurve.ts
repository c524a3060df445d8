/**
 * Kepler light-curve preprocessing (reference digest §2; fixture README §2.3):
 * quality mask (optional) → quarter stitching → NaN filling → crop(s) → 13-point moving average →
 * ACF, FFT → flux channels [A, z-score] → (4, L) model input.
 *
 * Arithmetic follows NumPy's dtypes exactly where the reference is float32 (stitching, the moving
 * average's output, the `std` channel), which makes those stages bit-exact; ACF and FFT are float64
 * from the float32 smoothed flux, as the reference computes them.
 *
 * Paper versus code: the paper's channel A is the absolute-magnitude normalisation flux·2^k
 * (default, `channelA: 'absmag'`); the code passes the raw smoothed flux (`channelA: 'raw'`).
 */
import { mulberry32 } from '../../shared/random';
import { numpyInterp, numpyLinspace } from './interpolate.js';
import { GrowingNanMeanFloat32, meanFloat32, meanFloat64, nanMeanFloat32, stdFloat32, stdFloat64 } from './reductions.js';
import { fft, ifft, rfft } from './fft.js';
import { qualityBitmask, type QualityMask } from '../survey/quality.js';
import { definedOnly } from './options.js';

const f32 = Math.fround;

/** One quarter of long-cadence photometry (a `LightCurve` from src/shared/survey.ts fits). */
export interface QuarterInput {
  pdcsapFlux: ArrayLike<number>;
  quality?: ArrayLike<number> | null;
  quarter?: number | null;
  sourcePath?: string;
}

export interface LightCurvePreprocessOptions {
  /** Model length L (34560 = 720 d × 48 in the paper; 4096 in the small fixtures). */
  length?: number;
  /** Crop start(s): 'random' (seeded, the reference's RandomCrop), or fixed starts, one per view. */
  crop?: 'random' | number | readonly number[];
  /** Number of views (2 for SimSiam: two independent crops, each with its own ACF and FFT). */
  views?: 1 | 2;
  /** Seed of the crop RNG; the same seed gives the same crops, so vary it per sample and epoch. */
  seed?: number;
  /**
   * Cadences whose QUALITY has a bit of this mask set become NaN before stitching (then filled like
   * the pipeline's own NaNs). A lightkurve preset name or an integer. Default 'none': the authors'
   * code relies on PDCSAP's NaNs only, and the paper says nothing else.
   */
  qualityMask?: QualityMask;
  /** Channel A: the paper's absolute-magnitude normalisation (default) or the code's raw flux. */
  channelA?: 'absmag' | 'raw';
  /** Apparent magnitude (the paper: KMAG) and distance in pc, needed for `absmag`. */
  magnitude?: number | null;
  distancePc?: number | null;
  /** Moving-average window (odd). */
  movingAverageWindow?: number;
}

export type ResolvedLightCurveOptions = Required<Omit<LightCurvePreprocessOptions, 'magnitude' | 'distancePc'>> & {
  magnitude: number | null;
  distancePc: number | null;
};

export const LIGHT_CURVE_DEFAULTS: ResolvedLightCurveOptions = {
  length: 34560,
  crop: 'random',
  views: 2,
  seed: 0,
  qualityMask: 'none',
  channelA: 'absmag',
  magnitude: null,
  distancePc: null,
  movingAverageWindow: 13,
};

/**
 * Named presets. `paper` (the default) normalises channel A by absolute magnitude; `code` is the
 * authors' released chain (raw smoothed flux in channel A, no quality mask). The fixtures run
 * `code` with `crop: 0, views: 1`.
 */
export const LIGHT_CURVE_PRESETS = {
  paper: { channelA: 'absmag' },
  code: { channelA: 'raw', qualityMask: 'none' },
} as const satisfies Record<string, LightCurvePreprocessOptions>;

// ---------------------------------------------------------------------------------------------
// Stitching and cleaning

/** Sets flux to NaN where (quality & bitmask) ≠ 0. Returns a float32 copy and the count masked. */
export function applyQualityMask(flux: ArrayLike<number>, quality: ArrayLike<number> | null | undefined, bitmask: number): { flux: Float32Array; masked: number } {
  const out = Float32Array.from(flux);
  let masked = 0;
  if (!quality || bitmask === 0) return { flux: out, masked };
  if (quality.length !== flux.length) throw new Error(`quality has ${quality.length} cadences, flux has ${flux.length}`);
  for (let i = 0; i < out.length; i++) {
    if ((quality[i] & bitmask) !== 0 && !Number.isNaN(out[i])) { out[i] = NaN; masked++; }
  }
  return { flux: out, masked };
}

/**
 * The reference stitching (`KeplerDataset.read_row`): the first quarter as is; each later quarter
 * shifted by border = nanmean(quarter) − nanmean(stitched so far), in float32. Gaps in time are
 * dropped. Returns the stitched flux (NaNs kept) and the offset subtracted from each quarter.
 */
export function stitchQuarters(quarters: readonly ArrayLike<number>[]): { stitched: Float32Array; offsets: Float32Array; lengths: number[] } {
  if (quarters.length === 0) throw new Error('stitchQuarters: no quarters');
  const lengths = quarters.map((q) => q.length);
  const stitched = new Float32Array(lengths.reduce((a, b) => a + b, 0));
  const offsets = new Float32Array(quarters.length);
  let filled = 0;
  const stitchedMean = new GrowingNanMeanFloat32(stitched);
  quarters.forEach((q, k) => {
    const border = k === 0 ? 0 : f32(nanMeanFloat32(q) - stitchedMean.mean(filled));
    offsets[k] = border;
    for (let i = 0; i < q.length; i++) stitched[filled + i] = f32(q[i] - border);
    filled += q.length;
  });
  return { stitched, offsets, lengths };
}

/** `fill_nan_np`: NaNs linearly interpolated over the sample index (np.interp, ends held), float32. */
export function fillNaNs(x: Float32Array, where = 'light curve'): { filled: Float32Array; nanCount: number } {
  // Typed index arrays, not pushed JS arrays: a 17-quarter light curve has ~70k samples.
  const filled = Float32Array.from(x);
  let nanCount = 0;
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) nanCount++;
  if (nanCount === 0) return { filled, nanCount: 0 };
  if (nanCount === x.length) throw new Error(`${where}: every flux value is NaN`);
  const bad = new Int32Array(nanCount);
  const good = new Int32Array(x.length - nanCount);
  const values = new Float32Array(x.length - nanCount);
  for (let i = 0, b = 0, g = 0; i < x.length; i++) {
    if (Number.isNaN(x[i])) bad[b++] = i;
    else { good[g] = i; values[g++] = x[i]; }
  }
  const interp = numpyInterp(bad, good, values);
  for (let j = 0; j < nanCount; j++) filled[bad[j]] = interp[j];
  return { filled, nanCount };
}

// ---------------------------------------------------------------------------------------------
// Crops

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
export const seededRandom = mulberry32;

/**
 * Crop starts for `views` views: fixed starts as given, or the reference's RandomCrop,
 * start ~ U{0, …, n − L − 1}. Series with n ≤ L are not cropped (start 0).
 */
export function cropStarts(n: number, length: number, views: number, crop: 'random' | number | readonly number[], seed: number): number[] {
  if (n <= length) return Array.from({ length: views }, () => 0);
  if (crop === 'random') {
    const rand = seededRandom(seed);
    return Array.from({ length: views }, () => Math.floor(rand() * (n - length)));
  }
  const starts = typeof crop === 'number' ? Array.from({ length: views }, () => crop) : [...crop];
  if (starts.length !== views) throw new Error(`crop: ${starts.length} start(s) given for ${views} view(s)`);
  for (const s of starts) {
    if (!Number.isInteger(s) || s < 0 || s + length > n) throw new Error(`crop start ${s} does not fit a ${length}-sample crop in ${n} samples`);
  }
  return starts;
}

/** `x[start:start+L]`, or the whole series when n ≤ L. */
export function crop(x: Float32Array, start: number, length: number): Float32Array {
  return x.length <= length ? x.slice() : x.slice(start, start + length);
}

// ---------------------------------------------------------------------------------------------
// Per-view transforms

/**
 * `MovingAvg(13)` = `savgol_filter(x, 13, 1, mode='mirror')`: a running mean with mirrored edges
 * (x[−k] = x[k]), accumulated in float64 the way scipy.ndimage does for a symmetric kernel and
 * rounded to float32.
 */
export function movingAverage(x: Float32Array, window = 13): Float32Array {
  if (window < 1 || window % 2 !== 1) throw new Error(`movingAverage: window must be odd, got ${window}`);
  const n = x.length;
  const half = (window - 1) / 2;
  if (n <= half) throw new Error(`movingAverage: ${n} samples are too few for a ${window}-point window`);
  const w = 1 / window;
  const at = (i: number): number => {
    // 'mirror' reflection about the edge samples, repeated for very short series.
    const period = 2 * (n - 1);
    if (period === 0) return x[0];
    let j = ((i % period) + period) % period;
    if (j >= n) j = period - j;
    return x[j];
  };
  const out = new Float32Array(n);
  // scipy's savgol coefficients differ from 1/13 in the last ulps, so ndimage takes its general
  // (non-symmetric) path: last tap first, then the others left to right.
  for (let i = 0; i < n; i++) {
    // Away from the edges no reflection is needed: index x directly (same sums, same order).
    if (i >= half && i + half < n) {
      let acc = x[i + half] * w;
      for (let j = i - half; j < i + half; j++) acc += x[j] * w;
      out[i] = acc;
      continue;
    }
    let acc = at(i + half) * w;
    for (let j = -half; j < half; j++) acc += at(i + j) * w;
    out[i] = acc;
  }
  return out;
}

/**
 * statsmodels `acf(x, nlags=len(x))` (fft=True, demeaned, biased 1/n, divided by lag 0): the
 * autocorrelation at lags 0…n−1, float64.
 */
export function autocorrelation(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const mean = meanFloat64(Float64Array.from(x));
  // Zero padding to ≥ 2n − 1 makes the circular correlation linear.
  let m = 1;
  while (m < 2 * n) m *= 2;
  const re = new Float64Array(m);
  for (let i = 0; i < n; i++) re[i] = x[i] - mean;
  const spec = fft({ re, im: new Float64Array(m) });
  for (let k = 0; k < m; k++) {
    spec.re[k] = spec.re[k] * spec.re[k] + spec.im[k] * spec.im[k];
    spec.im[k] = 0;
  }
  const acov = ifft(spec).re;
  const out = new Float64Array(n);
  const c0 = acov[0] / n;
  for (let k = 0; k < n; k++) out[k] = acov[k] / n / c0;
  return out;
}

/** The `ACF` transform: autocorrelation zero-padded to L, then z-scored over all L values (ddof 0). */
export function acfChannel(acf: Float64Array, length: number): Float64Array {
  const padded = new Float64Array(length);
  padded.set(acf.subarray(0, Math.min(acf.length, length)));
  const mean = meanFloat64(padded);
  const std = stdFloat64(padded, mean);
  for (let i = 0; i < length; i++) padded[i] = (padded[i] - mean) / std;
  return padded;
}

/** log1p(|rfft(x)|): n//2 + 1 bins, float64. */
export function logAmplitudeSpectrum(x: ArrayLike<number>): Float64Array {
  const spec = rfft(Float64Array.from(x));
  return spec.re.map((r, k) => Math.log1p(Math.hypot(r, spec.im[k])));
}

/** The `FFT` transform: the log-amplitude bins linearly resampled onto L evenly spaced bin positions. */
export function fftChannel(logAmplitude: Float64Array, length: number): Float64Array {
  const nBins = logAmplitude.length;
  const xp = new Float64Array(nBins);
  for (let i = 0; i < nBins; i++) xp[i] = i;
  return numpyInterp(numpyLinspace(0, nBins - 1, length), xp, logAmplitude);
}

/** `Normalize('std')` in NumPy float32: (x − mean)/(std + 1e-8), every operation rounded to float32. */
export function zScoreFloat32(x: Float32Array): Float32Array {
  const mean = meanFloat32(x);
  const std = stdFloat32(x, mean);
  const denom = f32(std + 1e-8);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f32(f32(x[i] - mean) / denom);
  return out;
}

/** Absolute magnitude k = m − 5·log10(d / pc) + 5. */
export function absoluteMagnitude(magnitude: number, distancePc: number): number {
  return magnitude - 5 * Math.log10(distancePc) + 5;
}

/** The paper's normalisation: flux / 2^(−k) = flux · 2^k, float32. */
export function absoluteMagnitudeNormalise(x: Float32Array, k: number): Float32Array {
  const scale = Math.pow(2, k);
  return x.map((v) => v * scale);
}

/** `pad_with_last_element`: extends x to L with its last value (a no-op when n ≥ L). */
export function padWithLast(x: Float32Array, length: number): Float32Array {
  if (x.length >= length) return x.slice(0, length);
  const out = new Float32Array(length);
  out.set(x);
  out.fill(x[x.length - 1], x.length);
  return out;
}

/** Every intermediate of one view and its (4, L) model input. */
export interface LightCurveView {
  cropStart: number;
  /** Samples in the crop (L, or n when the series is shorter). */
  cropLength: number;
  smoothed: Float32Array;
  /** Autocorrelation at lags 0…n−1 (statsmodels `acf`). */
  acfRaw: Float64Array;
  /** ACF channel, L values. */
  acf: Float64Array;
  /** log1p|rfft|, n//2 + 1 bins. */
  fftLog1pAbs: Float64Array;
  /** FFT channel, L values. */
  fft: Float64Array;
  channelA: Float32Array;
  zScored: Float32Array;
  /** Row-major (4, L): [channel A, z-scored flux, ACF, FFT], NaN → 0, float32. */
  modelInput: Float32Array;
  shape: [4, number];
}

/** Runs the per-view chain on an already cropped series. */
export function transformView(cropped: Float32Array, length: number, o: { channelA: 'absmag' | 'raw'; absMagnitude: number | null; movingAverageWindow: number }, cropStart = 0): LightCurveView {
  const smoothed = movingAverage(cropped, o.movingAverageWindow);
  const acfRaw = autocorrelation(smoothed);
  const acf = acfChannel(acfRaw, length);
  const fftLog1pAbs = logAmplitudeSpectrum(smoothed);
  const fftCh = fftChannel(fftLog1pAbs, length);
  let channelA: Float32Array;
  if (o.channelA === 'raw') channelA = smoothed;
  else {
    if (o.absMagnitude === null) throw new Error("channel A 'absmag' needs the absolute magnitude");
    channelA = absoluteMagnitudeNormalise(smoothed, o.absMagnitude);
  }
  const zScored = zScoreFloat32(smoothed);
  const rows = [padWithLast(channelA, length), padWithLast(zScored, length), acf, fftCh];
  const modelInput = new Float32Array(4 * length);
  rows.forEach((row, r) => {
    for (let i = 0; i < length; i++) modelInput[r * length + i] = Number.isNaN(row[i]) ? 0 : row[i];
  });
  return { cropStart, cropLength: cropped.length, smoothed, acfRaw, acf, fftLog1pAbs, fft: fftCh, channelA, zScored, modelInput, shape: [4, length] };
}

export interface PreprocessedLightCurve {
  options: ResolvedLightCurveOptions;
  quarters: { quarter: number | null; length: number; offset: number; masked: number; sourcePath?: string }[];
  /** PDCSAP flux of every quarter after the quality mask, concatenated without offsets. */
  rawConcat: Float32Array;
  stitched: Float32Array;
  filled: Float32Array;
  nanCount: number;
  /** k = m − 5 log10 d + 5 when channel A is 'absmag'. */
  absMagnitude: number | null;
  views: LightCurveView[];
}

/** Resolves options over the defaults and checks what `absmag` needs. */
export function resolveLightCurveOptions(opts: LightCurvePreprocessOptions = {}, where = 'light curve'): ResolvedLightCurveOptions {
  const o = { ...LIGHT_CURVE_DEFAULTS, ...definedOnly(opts) } as ResolvedLightCurveOptions;
  if (!Number.isInteger(o.length) || o.length < 2) throw new Error(`${where}: model length must be an integer ≥ 2, got ${o.length}`);
  if (o.channelA === 'absmag') {
    if (o.magnitude === null || !Number.isFinite(o.magnitude) || o.distancePc === null || !(o.distancePc > 0)) {
      throw new Error(`${where}: channel A 'absmag' (the paper's normalisation) needs a magnitude and a positive distance in pc; pass them, or choose channelA 'raw' (the authors' code)`);
    }
  }
  return o;
}

/**
 * Preprocesses the quarters of one star (in quarter order) into the DESA light-curve input:
 * returns every intermediate and one (4, L) model input per view.
 */
export function preprocessLightCurve(input: QuarterInput | readonly QuarterInput[], opts: LightCurvePreprocessOptions = {}): PreprocessedLightCurve {
  const quarters = Array.isArray(input) ? (input as readonly QuarterInput[]) : [input as QuarterInput];
  const where = quarters[0]?.sourcePath ?? 'light curve';
  const o = resolveLightCurveOptions(opts, where);
  if (quarters.length === 0) throw new Error('preprocessLightCurve: no quarters given');
  const bitmask = qualityBitmask(o.qualityMask);
  const masked = quarters.map((q) => applyQualityMask(q.pdcsapFlux, q.quality, bitmask));
  const { stitched, offsets } = stitchQuarters(masked.map((m) => m.flux));
  const rawConcat = new Float32Array(stitched.length);
  let at = 0;
  for (const m of masked) { rawConcat.set(m.flux, at); at += m.flux.length; }
  const { filled, nanCount } = fillNaNs(stitched, where);
  const absMagnitude = o.channelA === 'absmag' ? absoluteMagnitude(o.magnitude as number, o.distancePc as number) : null;
  const starts = cropStarts(filled.length, o.length, o.views, o.crop, o.seed);
  const views = starts.map((s) => transformView(crop(filled, s, o.length), o.length, { channelA: o.channelA, absMagnitude, movingAverageWindow: o.movingAverageWindow }, s));
  return {
    options: o,
    quarters: quarters.map((q, k) => ({ quarter: q.quarter ?? null, length: q.pdcsapFlux.length, offset: offsets[k], masked: masked[k].masked, sourcePath: q.sourcePath })),
    rawConcat,
    stitched,
    filled,
    nanCount,
    absMagnitude,
    views,
  };
}
