/**
 * The training loop every stage shares: deterministic batches, AdamW with a schedule, gradient
 * clipping, validation with early stopping, progress with every loss term, cancellation, and
 * checkpoints that let a killed run resume to the same result as an uninterrupted one.
 *
 * A stage (src/main/train/stages) supplies the model, what is trained, and the loss terms of a batch;
 * the loop knows nothing about spectra or light curves.
 */
import { mkdirSync, appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tf, requireGradients } from '../model/tf';
import type { Tensor, Variable } from '../model/tf';
import type { Module } from '../model/params';
import { AdamW } from '../model/optim/adamw';
import { setDropoutRng } from '../model/layers/dropout';
import type { TrainConfig, TrainResult, TrainStepReport } from '../../shared/training';
import { learningRate } from './schedule';
import { sampleIndices, stepRng } from './rng';
import { latestCheckpointStep, loadLatestCheckpoint, saveCheckpoint } from './checkpoint';

export interface StageDefinition {
  /** e.g. 'spectra', 'lightcurve', 'dualformer', 'finetune-binary'. */
  name: string;
  /** Everything a checkpoint saves (frozen parts included, so a checkpoint is a complete model). */
  module: Module;
  /** What the optimiser updates (a subset of module's parameters for frozen-encoder stages). */
  trainable: Variable[];
  /** Dataset rows used for training and for validation. */
  trainRows: number[];
  validationRows: number[];
  /**
   * Loss terms of the batch made of these rows; must include 'total', the optimised scalar.
   * `rng` is the step's own generator for augmentation (masks, crops).
   */
  losses(rows: number[], rng: () => number, training: boolean): Record<string, Tensor>;
}

interface TrainerState {
  history: TrainStepReport[];
  bestValidation: number | null;
  evalsWithoutImprovement: number;
}

export interface TrainOptions {
  runDir: string;
  signal?: AbortSignal;
  /** Called after every step (and with validation figures on evaluation steps). */
  onStep?: (r: TrainStepReport) => void;
  /** Continue from the run's latest checkpoint when there is one (default true). */
  resume?: boolean;
}

/** The first element of a tensor, read asynchronously (GPU backends such as WebGPU in Node cannot read synchronously). */
async function scalarValue(t: Tensor): Promise<number> {
  return (await t.data())[0];
}

async function globalNormClip(grads: Record<string, Tensor>, clipNorm: number): Promise<Record<string, Tensor>> {
  if (!(clipNorm > 0)) return grads;
  // A chain of adds, not tf.addN: the same float32 sums in the same order as cpu's AddN, and WebGPU's AddN
  // binds every input at once, so with more inputs than the device's storage buffers per shader stage (8
  // by default) Dawn rejects the pipeline and tfjs returns a wrong norm without raising an error.
  const normTensor = tf.tidy(() => tf.sqrt(Object.values(grads).map((g) => tf.sum(tf.square(g))).reduce((sum, s) => tf.add(sum, s))));
  const norm = await scalarValue(normTensor);
  normTensor.dispose();
  if (!(norm > clipNorm)) return grads;
  const scale = clipNorm / (norm + 1e-6); // torch.nn.utils.clip_grad_norm_
  const clipped: Record<string, Tensor> = {};
  for (const [k, g] of Object.entries(grads)) {
    clipped[k] = tf.mul(g, scale);
    g.dispose();
  }
  return clipped;
}

/** Mean of each loss term over the validation rows, in fixed batches (no randomness). */
async function evaluate(stage: StageDefinition, batchSize: number, seed: number): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  let n = 0;
  for (let i = 0; i < stage.validationRows.length; i += batchSize) {
    const rows = stage.validationRows.slice(i, i + batchSize);
    const terms = Object.entries(tf.tidy(() => stage.losses(rows, stepRng(seed, 0, 'validation'), false)));
    const values = await Promise.all(terms.map(([, t]) => scalarValue(t)));
    terms.forEach(([k, t], j) => {
      sums[k] = (sums[k] ?? 0) + values[j] * rows.length;
      t.dispose();
    });
    n += rows.length;
  }
  return Object.fromEntries(Object.entries(sums).map(([k, s]) => [k, s / Math.max(1, n)]));
}

export async function train(stage: StageDefinition, cfg: TrainConfig, opts: TrainOptions): Promise<TrainResult> {
  requireGradients();
  mkdirSync(opts.runDir, { recursive: true });
  if (stage.trainRows.length === 0) throw new Error(`${stage.name}: no training rows (is the project ingested, and does it have the labels this stage needs?)`);
  const optimizer = new AdamW(stage.trainable, { lr: cfg.lr, weightDecay: cfg.weightDecay });
  let state: TrainerState = { history: [], bestValidation: null, evalsWithoutImprovement: 0 };
  let start = 0;
  let resumedFrom: number | null = null;
  if (opts.resume !== false && latestCheckpointStep(opts.runDir) !== null) {
    const manifest = loadLatestCheckpoint<TrainerState>(opts.runDir, stage.module, optimizer)!;
    state = manifest.trainer;
    start = resumedFrom = manifest.step;
  }
  const metricsFile = path.join(opts.runDir, 'metrics.jsonl');
  // On resume, steps logged after the last checkpoint are repeated, so the log restarts from the checkpoint.
  writeFileSync(metricsFile, state.history.map((r) => JSON.stringify(r) + '\n').join(''));
  const checkpoint = (step: number): Promise<string> => saveCheckpoint(opts.runDir, step, stage.module, optimizer, state);

  let stoppedBy: TrainResult['stoppedBy'] = 'completed';
  let lastTime = performance.now();
  let rate: number | null = null;
  try {
    for (let step = start + 1; step <= cfg.steps; step++) {
      if (opts.signal?.aborted) {
        stoppedBy = 'cancelled';
        if (step - 1 > start) await checkpoint(step - 1);
        break;
      }
      const rows = sampleIndices(stepRng(cfg.seed, step, 'batch'), stage.trainRows.length, cfg.batchSize).map((i) => stage.trainRows[i]);
      setDropoutRng(stepRng(cfg.seed, step, 'dropout'));
      optimizer.lr = learningRate(cfg, step);
      const augment = stepRng(cfg.seed, step, 'augment');
      let terms: Record<string, Tensor> = {};
      const { value, grads } = tf.variableGrads(() => {
        terms = stage.losses(rows, augment, true);
        if (!terms.total) throw new Error(`${stage.name}: the stage's losses() returned no 'total'`);
        for (const t of Object.values(terms)) tf.keep(t);
        return terms.total as tf.Scalar;
      }, stage.trainable);
      setDropoutRng(null);
      const termEntries = Object.entries(terms);
      const termValues = await Promise.all(termEntries.map(([, t]) => scalarValue(t)));
      const losses = Object.fromEntries(termEntries.map(([k], j) => [k, termValues[j]]));
      if (!Number.isFinite(losses.total)) throw new Error(`${stage.name}: loss became ${losses.total} at step ${step}; lower the learning rate`);
      const clipped = await globalNormClip(grads, cfg.clipNorm);
      optimizer.step(clipped);
      Object.values(clipped).forEach((g) => g.dispose());
      Object.values(terms).forEach((t) => t.dispose());
      value.dispose();

      const now = performance.now();
      const instant = (cfg.batchSize * 1000) / Math.max(1e-3, now - lastTime);
      rate = rate === null ? instant : 0.8 * rate + 0.2 * instant;
      lastTime = now;
      const report: TrainStepReport = {
        step, totalSteps: cfg.steps, losses: { total: losses.total, ...losses }, lr: optimizer.lr, batchSize: cfg.batchSize,
        samplesPerSec: rate, etaSeconds: ((cfg.steps - step) * cfg.batchSize) / rate,
      };
      if (cfg.evalEvery > 0 && stage.validationRows.length > 0 && (step % cfg.evalEvery === 0 || step === cfg.steps)) {
        report.validation = await evaluate(stage, cfg.batchSize, cfg.seed);
        const v = report.validation.total;
        if (state.bestValidation === null || v < state.bestValidation) {
          state.bestValidation = v;
          state.evalsWithoutImprovement = 0;
        } else {
          state.evalsWithoutImprovement++;
        }
      }
      state.history.push(report);
      appendFileSync(metricsFile, JSON.stringify(report) + '\n');
      opts.onStep?.(report);
      const stopEarly = cfg.earlyStopPatience > 0 && state.evalsWithoutImprovement >= cfg.earlyStopPatience;
      if (step % cfg.checkpointEvery === 0 || step === cfg.steps || stopEarly) await checkpoint(step);
      if (stopEarly) { stoppedBy = 'early-stopping'; break; }
      await new Promise((r) => setImmediate(r)); // let cancel messages and progress through
    }
  } finally {
    setDropoutRng(null);
    optimizer.dispose();
  }
  const stepsDone = state.history.length ? state.history[state.history.length - 1].step : start;
  const result: TrainResult = { runDir: opts.runDir, stage: stage.name, stepsDone, stoppedBy, resumedFrom, history: state.history, bestValidation: state.bestValidation };
  return result;
}
