/**
 * The end-to-end job on the embedded demo survey: generate a synthetic Kepler × LAMOST survey, ingest
 * it into a project, import its label catalogues, pretrain both encoders, align them with the
 * DualFormer, fine-tune binary detection and age, and store every star's embeddings. Re-running it
 * reuses what is there (generation is deterministic, ingest skips unchanged files, training resumes).
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { generateSurvey } from '../synth';
import { ingest } from '../ingest';
import { ProjectStore } from '../store';
import type { ModelSize } from '../model/configs';
import type { TrainConfig, TrainingStage, TrainStepReport } from '../../shared/training';
import { DEFAULT_TRAIN_CONFIG } from '../../shared/training';
import type { JobProgress } from '../../shared/jobs';
import { throwIfCancelled } from '../jobs/cancel';
import { inProcessRunner, type PipelineLabels, type StageContext, type StageRunner } from './stages';

/** The demo survey's catalogues and the columns each label comes from. */
export const DEMO_CATALOGS = [
  { file: 'lamost_lrs_stellar.csv', key: 'obsid' as const },
  { file: 'kepler_stellar_properties.fits', key: 'kic' as const },
  { file: 'rotation_periods_mrt.txt', key: 'kic' as const },
  { file: 'cmd_binary_flags.csv', key: 'kic' as const },
  { file: 'gyro_ages.csv', key: 'kic' as const },
];

export const DEMO_LABELS: PipelineLabels = {
  teff: { catalog: 'lamost_lrs_stellar.csv', column: 'teff' },
  logg: { catalog: 'lamost_lrs_stellar.csv', column: 'logg' },
  feh: { catalog: 'lamost_lrs_stellar.csv', column: 'feh' },
  period: { catalog: 'rotation_periods_mrt.txt', column: 'PRot' },
  distance: { catalog: 'kepler_stellar_properties.fits', column: 'DIST' },
  conditioning: [
    { catalog: 'kepler_stellar_properties.fits', column: 'TEFF' },
    { catalog: 'kepler_stellar_properties.fits', column: 'LOGG' },
    { catalog: 'rotation_periods_mrt.txt', column: 'PRot' },
    { catalog: 'kepler_stellar_properties.fits', column: 'FEH' },
    { catalog: 'kepler_stellar_properties.fits', column: 'RADIUS' },
    { catalog: 'kepler_stellar_properties.fits', column: 'RUWE' },
  ],
  binary: { catalog: 'cmd_binary_flags.csv', column: 'binary_candidate' },
  age: { catalog: 'gyro_ages.csv', column: 'age_gyr' },
};

export interface DemoOptions {
  outDir: string;
  stars: number;
  seed: number;
  size: ModelSize;
  /** Light-curve quarters per star in the generated survey. */
  quarters?: number;
  /** Optimiser steps per stage. */
  steps: { spectra: number; lightcurve: number; dualformer: number; finetune: number };
  batchSize?: number;
  signal?: AbortSignal;
  /** Generation/ingest progress. */
  onProgress?: (p: JobProgress) => void;
  onStep?: (stage: string, r: TrainStepReport) => void;
  log?: (line: string) => void;
  /** Where the stages run: this thread (default) or a training worker (a StageWorker). */
  runner?: StageRunner;
}

export interface DemoSummary {
  surveyDir: string;
  projectDir: string;
  stages: Record<string, { steps: number; firstLoss: number | null; lastLoss: number | null; stoppedBy: string; metrics?: Record<string, number> }>;
  embeddings: { stars: number; names: string[] };
}

/**
 * Steps 1–3 of the demo: generates the survey (deterministic, so a second call rewrites the same
 * files), ingests it into `<outDir>/project` and imports its label catalogues into the open store.
 */
export async function prepareDemoProject(o: Pick<DemoOptions, 'outDir' | 'stars' | 'seed' | 'quarters' | 'signal' | 'onProgress' | 'log'>): Promise<{ surveyDir: string; projectDir: string; store: ProjectStore }> {
  const log = o.log ?? (() => {});
  const surveyDir = path.join(o.outDir, 'survey'), projectDir = path.join(o.outDir, 'project');
  log(`1/5 generating a ${o.stars}-star demo survey (seed ${o.seed}) in ${surveyDir}`);
  await generateSurvey({ stars: o.stars, seed: o.seed, outDir: surveyDir, quarters: o.quarters, signal: o.signal, onProgress: o.onProgress });
  log(`2/5 ingesting into the project ${projectDir}`);
  // The survey's catalogues/ folder holds FITS tables, which are imported below, not ingested as survey files.
  const ing = await ingest([path.join(surveyDir, 'LAMOST'), path.join(surveyDir, 'Kepler')], projectDir, { signal: o.signal, onProgress: o.onProgress });
  const t = ing.totals;
  log(`    ${t.stars} stars, ${t.spectra} spectra, ${t.lightCurves} light-curve files of ${t.lightCurveStars} stars, ${t.matchedStars} stars with both, ${ing.skipped.length} files skipped`);

  const store = await ProjectStore.open(projectDir);
  try {
    log('3/5 importing label catalogues');
    for (const c of DEMO_CATALOGS) {
      const file = path.join(surveyDir, 'catalogs', c.file);
      if (!existsSync(file)) throw new Error(`${file}: the demo survey has no such catalogue`);
      const info = await store.importCatalog(file, { key: c.key, name: c.file });
      log(`    ${c.file}: ${info.rows} rows, ${info.matchedRows} matched`);
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  return { surveyDir, projectDir, store };
}

export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const log = o.log ?? (() => {});
  const runner = o.runner ?? inProcessRunner;
  const { surveyDir, projectDir, store } = await prepareDemoProject(o);
  try {
    const ctx: StageContext = { store, projectDir, size: o.size, labels: DEMO_LABELS, signal: o.signal, onStep: o.onStep };
    const cfg = (steps: number): TrainConfig => ({ ...DEFAULT_TRAIN_CONFIG, steps, batchSize: o.batchSize ?? 16, checkpointEvery: Math.max(5, Math.ceil(steps / 4)), evalEvery: Math.max(5, Math.ceil(steps / 4)), warmupSteps: Math.min(10, Math.ceil(steps / 10)) });
    const stages: DemoSummary['stages'] = {};
    const train = async (name: TrainingStage, steps: number) => {
      const r = await runner.train(ctx, name, cfg(steps));
      const metrics = 'metrics' in r ? r.metrics : undefined;
      stages[name] = { steps: r.history.length, firstLoss: r.history[0]?.losses.total ?? null, lastLoss: r.history.at(-1)?.losses.total ?? null, stoppedBy: r.stoppedBy, metrics };
      log(`    ${name}: ${stages[name].steps} steps, loss ${stages[name].firstLoss?.toFixed(4)} → ${stages[name].lastLoss?.toFixed(4)}${metrics ? ` ${JSON.stringify(metrics)}` : ''}`);
      // A cancelled stage stops at a checkpoint; the later stages need it finished, so stop here.
      throwIfCancelled(o.signal);
    };
    log(`4/5 training DESA (${o.size}): spectra encoder, light-curve encoder, DualFormer, two fine-tunes`);
    await train('spectra', o.steps.spectra);
    await train('lightcurve', o.steps.lightcurve);
    await train('dualformer', o.steps.dualformer);
    await train('finetune-binary', o.steps.finetune);
    await train('finetune-age', o.steps.finetune);
    log('5/5 embedding every star');
    const emb = await runner.embed(ctx);
    log(`    ${emb.stars} stars (${emb.paired} with both modalities): ${emb.names.join(', ')}`);
    return { surveyDir, projectDir, stages, embeddings: { stars: emb.stars, names: emb.names } };
  } finally {
    await store.close();
  }
}
