/**
 * `train.start`, `embed.start` and `demo.start`: the DESA pipeline (src/main/pipeline) as jobs with
 * progress (step, every loss term, samples/s, ETA) and cancel. Training resumes from a run's last
 * checkpoint, so starting a cancelled or killed stage again continues it.
 */
import { resolve } from 'node:path';
import type { JobContext, JobRegistry, StartedJob } from '../jobs/registry';
import type { TrainingStage, TrainStepReport, TrainConfig } from '../../shared/training';
import type { JobProgress } from '../../shared/jobs';
import type { ModelSize } from '../model/configs';

export interface TrainRequest {
  projectDir: string;
  stage: TrainingStage;
  size?: ModelSize;
  /** Overrides of the default training configuration (steps, batchSize, lr, seed, ...). */
  config?: Partial<TrainConfig>;
  /** Label columns overriding the demo survey's (DEMO_LABELS). */
  labels?: Partial<import('../pipeline/stages').PipelineLabels>;
}

export interface DemoRequest {
  outDir: string;
  stars?: number;
  seed?: number;
  size?: ModelSize;
  quarters?: number;
  /** Optimiser steps per stage. */
  steps?: number;
  batchSize?: number;
}

/** A training step as a JobProgress: count = step, rate = steps/s, the loss terms in the message. */
export function stepProgress(ctx: JobContext, stage: string, r: TrainStepReport): JobProgress {
  const terms = Object.entries(r.losses).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${v.toPrecision(4)}`);
  const val = r.validation ? `; validation ${r.validation.total.toPrecision(4)}` : '';
  return {
    jobId: ctx.jobId, kind: ctx.kind, phase: `training ${stage}`, done: r.step, total: r.totalSteps, unit: 'steps',
    rate: r.samplesPerSec === null ? null : r.samplesPerSec / r.batchSize, etaSeconds: r.etaSeconds,
    message: `loss ${r.losses.total.toPrecision(4)}${terms.length ? ` (${terms.join(', ')})` : ''}${val}; lr ${r.lr.toExponential(2)}; ${r.samplesPerSec?.toFixed(1) ?? '?'} samples/s`,
  };
}

let backendReport: Promise<{ active: string; tfBackend: string; description: string; probes: { name: string; ok: boolean; detail: string }[] }> | null = null;

/** Probes the tfjs backends once per process (selecting the best) and reports the outcome. */
export function computeBackend() {
  backendReport ??= (async () => {
    const { selectBackend, describeBackend } = await import('../model/backend/select');
    const r = await selectBackend();
    return { active: r.active, tfBackend: r.tfBackend, description: describeBackend(r), probes: r.probes };
  })();
  return backendReport;
}

async function withProject<T>(projectDir: string, f: (ctx: import('../pipeline/stages').StageContext) => Promise<T>, size: ModelSize, job: JobContext, labels: TrainRequest['labels'] = {}): Promise<T> {
  const [{ ProjectStore }, { DEMO_LABELS }] = await Promise.all([import('../store/index'), import('../pipeline/demo')]);
  await computeBackend();
  const store = await ProjectStore.open(resolve(projectDir));
  try {
    return await f({ store, projectDir: resolve(projectDir), size, labels: { ...DEMO_LABELS, ...labels }, signal: job.signal, onStep: (stage, r) => job.onProgress(stepProgress(job, stage, r)) });
  } finally {
    await store.close();
  }
}

export function startTraining(jobs: JobRegistry, req: TrainRequest): StartedJob<unknown> {
  return jobs.start('train', async (job) => {
    const [{ DEFAULT_TRAIN_CONFIG }, stages] = await Promise.all([import('../../shared/training'), import('../pipeline/stages')]);
    const cfg: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...req.config };
    const size = req.size ?? 'tiny';
    return withProject(req.projectDir, (ctx) => {
      switch (req.stage) {
        case 'spectra': return stages.trainSpectraEncoder(ctx, cfg);
        case 'lightcurve': return stages.trainLightCurveEncoder(ctx, cfg);
        case 'dualformer': return stages.trainDualFormer(ctx, cfg);
        case 'finetune-binary': return stages.fineTune(ctx, 'binary', cfg);
        case 'finetune-age': return stages.fineTune(ctx, 'age', cfg);
        default: throw new Error(`unknown training stage '${String(req.stage)}' (spectra, lightcurve, dualformer, finetune-binary, finetune-age)`);
      }
    }, size, job, req.labels);
  });
}

export function startEmbedding(jobs: JobRegistry, req: { projectDir: string; size?: ModelSize }): StartedJob<unknown> {
  return jobs.start('embed', async (job) => {
    const { embedProject } = await import('../pipeline/stages');
    job.onProgress({ jobId: job.jobId, kind: job.kind, phase: 'embedding stars', done: 0, total: null, unit: 'stars', rate: null, etaSeconds: null });
    return withProject(req.projectDir, (ctx) => embedProject(ctx), req.size ?? 'tiny', job);
  });
}

export function startDemo(jobs: JobRegistry, req: DemoRequest): StartedJob<unknown> {
  return jobs.start('demo', async (job) => {
    const [{ runDemo }, { DEMO_SURVEY }] = await Promise.all([import('../pipeline/demo'), import('../synth/index')]);
    const backend = await computeBackend();
    const steps = req.steps ?? 40;
    const log: string[] = [`backend: ${backend.description}`];
    const summary = await runDemo({
      outDir: resolve(req.outDir), stars: req.stars ?? DEMO_SURVEY.stars, seed: req.seed ?? DEMO_SURVEY.seed, size: req.size ?? 'tiny',
      quarters: req.quarters ?? DEMO_SURVEY.quarters, steps: { spectra: steps, lightcurve: steps, dualformer: steps, finetune: steps },
      batchSize: req.batchSize, signal: job.signal, onProgress: job.onProgress,
      onStep: (stage, r) => job.onProgress(stepProgress(job, stage, r)),
      log: (line) => {
        log.push(line);
        job.onProgress({ jobId: job.jobId, kind: job.kind, phase: line.trim(), done: 0, total: null, unit: '', rate: null, etaSeconds: null });
      },
    });
    return { ...summary, log };
  });
}
