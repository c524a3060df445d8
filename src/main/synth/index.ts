/**
 * The demo survey generator: a synthetic Kepler-field survey with known truth, written in the
 * real LAMOST and Kepler file formats, streamed star by star. See docs/synthetic-survey.md.
 *
 * Output folder layout:
 *   LAMOST/   spec-*.fits.gz (DR10 COADD table, DR8-style image) and spec-*.fits (DR1-style)
 *   Kepler/   kplr<KIC>-<timestamp>_llc.fits, one per quarter
 *   catalogs/ LASP-like CSV, Berger-like FITS, McQuillan-like MRT, CMD/binary flags, gyro ages,
 *             kinematics, LAMOST-Kepler cross-match
 *   truth.csv every latent parameter; README.md what all of it is
 */
import fs from 'node:fs';
import path from 'node:path';
import type { JobProgress } from '../../shared/jobs';
import { ProgressTracker, throwIfCancelled } from '../jobs/index';
import { drawStar } from './star';
import { Rng, Stream } from './random';
import { lightCurveModel, quarterLightCurve } from './lightcurve';
import { selectQuarters } from './kepler-schedule';
import { writeKeplerQuarter } from './formats/kepler';
import { writeLamostSpectrum } from './formats/lamost';
import { lamostWavelengths, LAMOST_DR1_PIXELS, modelSpectrum, observeSpectrum } from './spectrum';
import { kicParameters, laspParameters } from './observed';
import { SurveyCatalogs, type ObservedSpectrum } from './catalogs';
import { eclipseDepth } from './physics/eclipse-depth';
import { surveyReadme } from './readme';

export { drawStar } from './star';
export type { StarTruth, ComponentTruth, SpectrumEpoch } from './truth';

/** What `npm run demo` and first launch generate: a few thousand stars in a couple of minutes on two cores. */
export const DEMO_SURVEY = { stars: 2000, seed: 42, quarters: 1 } as const;

export interface GenerateSurveyOptions {
  stars: number;
  seed: number;
  outDir: string;
  /**
   * Kepler quarters per star: 17 writes Q1–Q17 as the real mission; fewer writes consecutive
   * quarters from Q2 (the first full quarter). Default 17. Each quarter is ~0.44 MB per star.
   */
  quarters?: number;
  /** gzip the Kepler files too (the archive serves them uncompressed; default false). */
  gzipKepler?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
  jobId?: string;
}

export interface SynthSummary {
  outDir: string;
  seed: number;
  stars: number;
  quarters: number[];
  spectra: number;
  lightCurveFiles: number;
  binaries: number;
  eclipsingBinaries: number;
  rotationPeriods: number;
  gyroAges: number;
  seconds: number;
}

/**
 * Generates a synthetic survey into `outDir` (created if needed; existing files with the same
 * names are overwritten). Deterministic: the same options give byte-identical files.
 * @throws CancelledError when `signal` aborts (files written so far stay on disk).
 */
export async function generateSurvey(opts: GenerateSurveyOptions): Promise<SynthSummary> {
  if (!Number.isInteger(opts.stars) || opts.stars < 1) throw new Error(`generateSurvey: stars must be a positive integer, got ${opts.stars}`);
  if (!Number.isSafeInteger(opts.seed)) throw new Error(`generateSurvey: seed must be an integer, got ${opts.seed}`);
  const quarters = selectQuarters(opts.quarters ?? 17);
  const started = performance.now();
  const lamostDir = path.join(opts.outDir, 'LAMOST');
  const keplerDir = path.join(opts.outDir, 'Kepler');
  fs.mkdirSync(lamostDir, { recursive: true });
  fs.mkdirSync(keplerDir, { recursive: true });
  const tracker = new ProgressTracker({
    jobId: opts.jobId ?? `synth-${opts.seed}`,
    kind: 'synth',
    unit: 'stars',
    phase: 'generating stars',
    total: opts.stars,
    onProgress: opts.onProgress,
  });
  const catalogs = new SurveyCatalogs(opts.outDir, opts.seed);
  const wave = lamostWavelengths();
  const waveDr1 = lamostWavelengths(LAMOST_DR1_PIXELS);
  const baselineDays = quarters.reduce((sum, q) => sum + q.cadences, 0) * 0.0204336;
  const summary: SynthSummary = {
    outDir: opts.outDir, seed: opts.seed, stars: opts.stars, quarters: quarters.map((q) => q.quarter),
    spectra: 0, lightCurveFiles: 0, binaries: 0, eclipsingBinaries: 0, rotationPeriods: 0, gyroAges: 0, seconds: 0,
  };
  try {
    for (let index = 0; index < opts.stars; index++) {
      throwIfCancelled(opts.signal);
      const star = drawStar(opts.seed, index);
      const files: string[] = [];
      const obsRng = new Rng(opts.seed, index, Stream.spectrum);

      const spectra: ObservedSpectrum[] = [];
      for (const epoch of star.spectra) {
        const grid = epoch.layout === 'dr1' ? waveDr1 : wave;
        const spec = observeSpectrum(obsRng, modelSpectrum(star, epoch, grid), grid, epoch.snrG);
        const lasp = laspParameters(obsRng, star, epoch, spec.snr.g);
        files.push(await writeLamostSpectrum(lamostDir, star, epoch, spec, lasp));
        spectra.push({ epoch, lasp, snr: spec.snr });
      }

      const model = lightCurveModel(opts.seed, star);
      const kic = kicParameters(new Rng(opts.seed, index, Stream.catalog, 1), star);
      const rper: number[] = [];
      const cdpp6: number[] = [];
      for (const q of quarters) {
        const lc = quarterLightCurve(opts.seed, star, model, q);
        files.push(await writeKeplerQuarter(keplerDir, star, lc, kic, opts.gzipKepler ?? false));
        rper.push(lc.spotRangePpm);
        cdpp6.push(lc.cdpp[1]);
      }
      catalogs.add({
        star, spectra, files, baselineDays,
        rperPpm: median(rper), cdpp6Ppm: median(cdpp6),
        eclipseDepth: star.eclipsing ? eclipseDepth(star) : 0,
      });
      summary.spectra += spectra.length;
      summary.lightCurveFiles += quarters.length;
      if (star.secondary) summary.binaries++;
      if (star.eclipsing) summary.eclipsingBinaries++;
      tracker.tick(1);
    }
  } finally {
    await catalogs.close();
  }
  summary.rotationPeriods = catalogs.counts.rotators;
  summary.gyroAges = catalogs.counts.gyro;
  summary.seconds = (performance.now() - started) / 1000;
  fs.writeFileSync(path.join(opts.outDir, 'README.md'), surveyReadme(summary));
  tracker.flush();
  return summary;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}
