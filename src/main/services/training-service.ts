/**
 * `train.start`, `embed.start` and `demo.start`: the DESA pipeline (src/main/pipeline) as jobs with
 * progress (step, every loss term, samples/s, ETA) and cancel. Training resumes from a run's last
 * checkpoint, so starting a cancelled or killed stage again continues it.
 *
 * The compute runs in a training worker thread (src/main/pipeline/stage-worker.ts), never on the
 * thread serving the GUI, CLI or server; this thread keeps the project database and answers the
 * worker's reads (docs/decisions/training-worker.md).
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runDirOf, TRAINING_STAGES } from '../pipeline/run-dir';
import type { JobContext, JobRegistry, StartedJob } from '../jobs/registry';
import type { TrainingStage, TrainStepReport, TrainConfig } from '../../shared/training';
import type { JobProgress } from '../../shared/jobs';
import type { StageWorker } from '../pipeline/stage-worker';
import type { WorkerBackend } from '../pipeline/stage-worker-protocol';
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

/**
 * A training step as a JobProgress: count = step, rate = steps/s, the loss terms in the message,
 * which ends with the backend the step ran on when it is known.
 */
export function stepProgress(ctx: JobContext, stage: string, r: TrainStepReport, backend?: string): JobProgress {
  const terms = Object.entries(r.losses).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${v.toPrecision(4)}`);
  const val = r.validation ? `; validation ${r.validation.total.toPrecision(4)}` : '';
  return {
    jobId: ctx.jobId, kind: ctx.kind, phase: `training ${stage}`, done: r.step, total: r.totalSteps, unit: 'steps',
    rate: r.samplesPerSec === null ? null : r.samplesPerSec / r.batchSize, etaSeconds: r.etaSeconds,
    message: `loss ${r.losses.total.toPrecision(4)}${terms.length ? ` (${terms.join(', ')})` : ''}${val}; lr ${r.lr.toExponential(2)}; ${r.samplesPerSec?.toFixed(1) ?? '?'} samples/s${backend ? ` on ${backend}` : ''}`,
  };
}

let backendReport: Promise<WorkerBackend> | null = null;

/**
 * The backend training runs on, as the training worker chose it (the probe runs in a worker, so its
 * self-tests never block this thread, and WebGPU, which only the worker's asynchronous reads allow,
 * is reported as the worker sees it). Probed once per process; a failed probe is retried next time.
 */
export function computeBackend(): Promise<WorkerBackend> {
  backendReport ??= (async () => {
    const { StageWorker } = await import('../pipeline/stage-worker');
    let worker: import('../pipeline/stage-worker').StageWorker | undefined;
    try {
      return await new Promise<WorkerBackend>((resolvePromise, reject) => {
        worker = new StageWorker({ onBackend: resolvePromise, onFailure: reject });
        worker.prepare();
      });
    } finally {
      await worker?.close();
    }
  })();
  backendReport.catch(() => (backendReport = null));
  return backendReport;
}

/** A phase with nothing counted (printed by the CLI as its label only). */
function phaseProgress(ctx: JobContext, phase: string, message?: string): JobProgress {
  return { jobId: ctx.jobId, kind: ctx.kind, phase, done: 0, total: null, unit: '', rate: null, etaSeconds: null, ...(message ? { message } : {}) };
}

/**
 * Runs `f` with the project's store open on this thread and a training worker (told `onBackend`
 * once it has started); both are closed afterwards.
 */
async function withWorker<T>(projectDir: string, onBackend: (backend: WorkerBackend) => void, f: (store: import('../store/index').ProjectStore, worker: StageWorker) => Promise<T>): Promise<T> {
  const [{ ProjectStore }, { StageWorker }] = await Promise.all([import('../store/index'), import('../pipeline/stage-worker')]);
  const worker = new StageWorker({ onBackend });
  const store = await ProjectStore.open(resolve(projectDir));
  try {
    return await f(store, worker);
  } finally {
    await worker.close();
    await store.close();
  }
}

/**
 * Creates a new run's folder at once, so the GUI finds the run while the worker starts (the trainer
 * would create it only at its first step). Returns what undoes it for a job that wrote nothing.
 */
function reserveRunDir(projectDir: string, stage: TrainingStage, size: ModelSize): () => void {
  const dir = runDirOf({ projectDir: resolve(projectDir), size }, stage);
  // Only in a real project and for a real stage; anything else fails in the job with its own message.
  if (existsSync(dir) || !existsSync(join(resolve(projectDir), 'store.duckdb')) || !TRAINING_STAGES.includes(stage)) return () => {};
  mkdirSync(dir, { recursive: true });
  return () => {
    if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
  };
}

export function startTraining(jobs: JobRegistry, req: TrainRequest): StartedJob<unknown> {
  const unreserve = reserveRunDir(req.projectDir, req.stage, req.size ?? 'tiny');
  const started = jobs.start('train', async (job) => {
    const [{ DEFAULT_TRAIN_CONFIG }, { DEMO_LABELS }] = await Promise.all([import('../../shared/training'), import('../pipeline/demo')]);
    const cfg: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...req.config };
    // No progress before the first step: the GUI reads the run folder on every progress event, and
    // the folder appears with the first step. Each step names the backend instead.
    let backend: string | undefined;
    return withWorker(req.projectDir, (b) => (backend = b.active), (store, worker) => worker.train({
      store, projectDir: resolve(req.projectDir), size: req.size ?? 'tiny', labels: { ...DEMO_LABELS, ...req.labels }, signal: job.signal,
      onStep: (stage, r) => job.onProgress(stepProgress(job, stage, r, backend)),
    }, req.stage, cfg));
  });
  started.result.catch(unreserve);
  return started;
}

export function startEmbedding(jobs: JobRegistry, req: { projectDir: string; size?: ModelSize }): StartedJob<unknown> {
  return jobs.start('embed', async (job) => {
    const { DEMO_LABELS } = await import('../pipeline/demo');
    job.onProgress(phaseProgress(job, 'starting the training worker'));
    const onBackend = (b: WorkerBackend) => job.onProgress(phaseProgress(job, 'embedding stars', `backend: ${b.description}`));
    return withWorker(req.projectDir, onBackend, (store, worker) => worker.embed({
      store, projectDir: resolve(req.projectDir), size: req.size ?? 'tiny', labels: DEMO_LABELS, signal: job.signal,
    }));
  });
}

export function startDemo(jobs: JobRegistry, req: DemoRequest): StartedJob<unknown> {
  return jobs.start('demo', async (job) => {
    const [{ runDemo }, { DEMO_SURVEY }, { StageWorker }] = await Promise.all([import('../pipeline/demo'), import('../synth/index'), import('../pipeline/stage-worker')]);
    const steps = req.steps ?? 40;
    const log: string[] = [];
    const logLine = (line: string): void => {
      log.push(line);
      job.onProgress(phaseProgress(job, line.trim()));
    };
    // One worker trains every stage and embeds; its backend is logged when it has started.
    let backend: string | undefined;
    const runner = new StageWorker({ onBackend: (b) => { backend = b.active; logLine(`backend: ${b.description}`); } });
    runner.prepare(); // initialises tfjs while the survey is generated and ingested
    try {
      const summary = await runDemo({
        outDir: resolve(req.outDir), stars: req.stars ?? DEMO_SURVEY.stars, seed: req.seed ?? DEMO_SURVEY.seed, size: req.size ?? 'tiny',
        quarters: req.quarters ?? DEMO_SURVEY.quarters, steps: { spectra: steps, lightcurve: steps, dualformer: steps, finetune: steps },
        batchSize: req.batchSize, signal: job.signal, runner,
        // Generation and ingest report under their own kinds; stamped with this job's id, they are this job's progress.
        onProgress: (p) => job.onProgress({ ...p, jobId: job.jobId }),
        onStep: (stage, r) => job.onProgress(stepProgress(job, stage, r, backend)),
        log: logLine,
      });
      return { ...summary, log };
    } finally {
      await runner.close();
    }
  });
}
