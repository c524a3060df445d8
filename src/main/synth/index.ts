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
import os from 'node:os';
import path from 'node:path';
import type { JobProgress } from '../../shared/jobs';
import { ProgressTracker, throwIfCancelled, WorkerPool, workerUrl } from '../jobs/index';
import { selectQuarters } from './kepler-schedule';
import { SurveyCatalogs, type StarProducts } from './catalogs';
import { generateStarFiles, type StarTask } from './star-files';
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
  /**
   * Worker threads generating stars in parallel (the output is identical for any number).
   * Default: one per core for surveys of 500 stars or more (worker start-up costs ~1 s), else 0
   * (all in this thread).
   */
  workers?: number;
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
  const summary: SynthSummary = {
    outDir: opts.outDir, seed: opts.seed, stars: opts.stars, quarters: quarters.map((q) => q.quarter),
    spectra: 0, lightCurveFiles: 0, binaries: 0, eclipsingBinaries: 0, rotationPeriods: 0, gyroAges: 0, seconds: 0,
  };
  const tasks = function* (): Generator<StarTask> {
    for (let index = 0; index < opts.stars; index++) {
      yield { seed: opts.seed, index, outDir: opts.outDir, quarters: summary.quarters, gzipKepler: opts.gzipKepler ?? false };
    }
  };
  // Catalog rows are added in star order whichever worker finished first, so output is deterministic.
  const record = (p: StarProducts) => {
    catalogs.add(p);
    summary.spectra += p.spectra.length;
    summary.lightCurveFiles += quarters.length;
    if (p.star.secondary) summary.binaries++;
    if (p.star.eclipsing) summary.eclipsingBinaries++;
    tracker.tick(1);
  };
  const workers = opts.workers ?? (opts.stars >= 500 ? os.availableParallelism() : 0);
  try {
    if (workers > 0) {
      const pool = new WorkerPool<StarTask, StarProducts>(workerUrl(import.meta.url, './synth'), { size: workers });
      try {
        for await (const settled of pool.mapOrdered(tasks(), { signal: opts.signal })) {
          if (!settled.ok) throw settled.error;
          record(settled.value);
        }
      } finally {
        await pool.close();
      }
    } else {
      for (const task of tasks()) {
        throwIfCancelled(opts.signal);
        record(await generateStarFiles(task));
      }
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

