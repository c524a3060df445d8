/**
 * Preprocessing one survey file (or the quarters of one star) into DESA model inputs, for
 * `desa preprocess FILE --json` and the star-detail panel. Reads with the survey readers, runs the
 * spectrum or light-curve chain, and returns a JSON-able summary with every intermediate.
 */
import type { LightCurve, Spectrum } from '../../shared/survey.js';
import { readSurveyFile } from '../survey/read.js';
import { SurveyError } from '../survey/errors.js';
import { preprocessSpectrum, type SpectrumPreprocessOptions, type SpectrumPresetName } from './spectrum.js';
import { preprocessLightCurve, type LightCurvePreprocessOptions } from './lightCurve.js';
import { toJsonable, type Json } from './json.js';
import { definedOnly } from './options.js';

export interface PreprocessFileOptions {
  /** Spectrum options or a preset name ('paper' by default; 'code', 'paper_rv', 'restframe_z'). */
  spectrum?: SpectrumPreprocessOptions | SpectrumPresetName;
  /**
   * Light-curve options. Defaults here: one view cropped at 0 (deterministic), L = 34560, and
   * channel A 'absmag' when `magnitude` and `distancePc` are given, else 'raw' (the authors' code),
   * which the result says in `notes`.
   */
  lightCurve?: LightCurvePreprocessOptions;
  /** Leave out the intermediates (only the model input and its metadata). */
  modelInputOnly?: boolean;
}

/** The JSON-able result: what was read, the options used, the model input(s) and the intermediates. */
export interface PreprocessFileResult {
  kind: 'spectrum' | 'lightcurve';
  sources: string[];
  /** Identification of the object (obsid / designation, or KIC/EPIC and quarters). */
  object: Record<string, Json>;
  options: Json;
  notes: string[];
  /** `modelInputs[i]` has shape `inputShape`: (4096) for a spectrum, (4, L) per view for a light curve. */
  inputShape: number[];
  modelInputs: number[][];
  intermediates: Json | null;
}

/** Preprocesses a LAMOST spectrum or a Kepler/K2 light-curve file. Throws naming the file for anything else. */
export async function preprocessFile(path: string, opts: PreprocessFileOptions = {}): Promise<PreprocessFileResult> {
  return preprocessFiles([path], opts);
}

/**
 * Preprocesses one spectrum, or several light-curve files of one star (its quarters, stitched in
 * quarter order as the authors' code does).
 */
export async function preprocessFiles(paths: readonly string[], opts: PreprocessFileOptions = {}): Promise<PreprocessFileResult> {
  if (paths.length === 0) throw new Error('preprocess: no file given');
  const records = await Promise.all(paths.map((p) => readSurveyFile(p)));
  records.forEach((r, i) => {
    if (r.kind === 'other') throw new SurveyError(paths[i], `is a ${r.product} file, which DESA does not preprocess (${r.reason})`);
  });
  const spectra = records.filter((r): r is Spectrum => r.kind === 'spectrum');
  if (spectra.length > 0) {
    if (records.length > 1) throw new Error(`preprocess: give one spectrum at a time (got ${records.length} files: ${paths.join(', ')})`);
    return spectrumResult(spectra[0], opts);
  }
  const curves = records as LightCurve[];
  const target = curves[0].targetId;
  const other = curves.find((c) => c.targetId !== target || c.survey !== curves[0].survey);
  if (other) throw new Error(`preprocess: ${other.sourcePath} is ${other.survey} ${other.targetId}, not ${curves[0].survey} ${target}; give the files of one star`);
  return lightCurveResult(curves, opts);
}

function spectrumResult(spec: Spectrum, opts: PreprocessFileOptions): PreprocessFileResult {
  const out = preprocessSpectrum(spec, opts.spectrum ?? 'paper');
  const notes: string[] = [];
  if (out.shift.kind === 'restframe_z') notes.push(`rest frame from the LASP redshift Z (v = ${out.shift.velocityKms?.toFixed(2)} km/s)`);
  for (const arm of [out.blue, out.red]) {
    if (arm.clip.clipped > 0) notes.push(`${arm.arm} arm: ${arm.clip.clipped} pixel(s) beyond ±${out.options.clipSigma}σ (${out.options.clipping} clipping)`);
  }
  const armJson = (a: typeof out.blue) => ({
    range: [...a.range], grid: a.grid, resampled: a.resampled, medianFiltered: a.medianFiltered,
    continuum: a.continuum, continuumNormalised: a.continuumNormalised, normalised: a.normalised, clip: a.clip,
    pixelsInArm: a.mask.reduce((s, v) => s + v, 0),
  });
  return {
    kind: 'spectrum',
    sources: [spec.sourcePath],
    object: toJsonable({
      survey: spec.survey, dataRelease: spec.dataRelease, obsid: spec.obsid, designation: spec.designation,
      ra: spec.ra, dec: spec.dec, z: spec.z, heliocentricCorrection: spec.heliocentricCorrection, snr: spec.snr,
      objectClass: spec.objectClass, subclass: spec.subclass, kic: spec.kic,
    }) as Record<string, Json>,
    options: toJsonable(out.options),
    notes,
    inputShape: [out.modelInput.length],
    modelInputs: [Array.from(out.modelInput)],
    intermediates: opts.modelInputOnly ? null : toJsonable({
      shift: out.shift, restWavelength: out.restWavelength, blue: armJson(out.blue), red: armJson(out.red), preprocessed: out.preprocessed,
    }),
  };
}

function lightCurveResult(curves: LightCurve[], opts: PreprocessFileOptions): PreprocessFileResult {
  const sorted = [...curves].sort((a, b) => (a.quarter ?? a.campaign ?? 0) - (b.quarter ?? b.campaign ?? 0));
  const user = definedOnly(opts.lightCurve ?? {});
  const notes: string[] = [];
  const haveAbsMag = user.magnitude != null && user.distancePc != null;
  const channelA = user.channelA ?? (haveAbsMag ? 'absmag' : 'raw');
  if (channelA === 'raw' && !user.channelA) {
    notes.push("channel A is the raw smoothed PDCSAP flux (the authors' code): the paper's absolute-magnitude normalisation needs a magnitude and a distance");
  }
  const o: LightCurvePreprocessOptions = { crop: 0, views: 1, ...user, channelA };
  const out = preprocessLightCurve(
    sorted.map((c) => ({ pdcsapFlux: c.pdcsapFlux, quality: c.quality, quarter: c.quarter ?? c.campaign, sourcePath: c.sourcePath })),
    o,
  );
  const L = out.options.length;
  if (out.filled.length < L) notes.push(`${out.filled.length} samples, shorter than L = ${L}: flux channels padded with their last value, ACF with zeros`);
  return {
    kind: 'lightcurve',
    sources: sorted.map((c) => c.sourcePath),
    object: toJsonable({
      survey: sorted[0].survey, targetId: sorted[0].targetId, quarters: sorted.map((c) => c.quarter), campaigns: sorted.map((c) => c.campaign),
      kepmag: sorted[0].kepmag, teff: sorted[0].teff, logg: sorted[0].logg, radius: sorted[0].radius, ra: sorted[0].ra, dec: sorted[0].dec,
    }) as Record<string, Json>,
    options: toJsonable(out.options),
    notes,
    inputShape: [4, L],
    modelInputs: out.views.map((v) => Array.from(v.modelInput)),
    intermediates: opts.modelInputOnly ? null : toJsonable({
      quarters: out.quarters, nanCount: out.nanCount, absMagnitude: out.absMagnitude,
      stitched: out.stitched, filled: out.filled,
      views: out.views.map((v) => ({
        cropStart: v.cropStart, cropLength: v.cropLength, smoothed: v.smoothed, acf: v.acf, fftLog1pAbs: v.fftLog1pAbs,
        fft: v.fft, channelA: v.channelA, zScored: v.zScored,
      })),
    }),
  };
}
