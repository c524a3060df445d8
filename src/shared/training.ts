/** Training runs as the CLI, server and GUI see them. */

export type TrainingStage = 'spectra' | 'lightcurve' | 'dualformer' | 'finetune-binary' | 'finetune-age';

export interface TrainConfig {
  /** Optimiser steps in all (a resumed run continues up to this number). */
  steps: number;
  batchSize: number;
  /** Peak learning rate. */
  lr: number;
  /** 'cosine' decays from lr to minLr after warm-up; 'constant' keeps lr after warm-up. */
  schedule: 'cosine' | 'constant';
  warmupSteps: number;
  minLr: number;
  weightDecay: number;
  /** Global gradient-norm clip; 0 disables. */
  clipNorm: number;
  seed: number;
  /** Write a checkpoint every N steps (and at the end, and when cancelled). */
  checkpointEvery: number;
  /** Evaluate the validation loss every N steps; 0 disables validation and early stopping. */
  evalEvery: number;
  /** Stop when the validation loss has not improved for this many evaluations; 0 disables. */
  earlyStopPatience: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  steps: 200,
  batchSize: 16,
  lr: 1e-3,
  schedule: 'cosine',
  warmupSteps: 10,
  minLr: 1e-5,
  weightDecay: 1e-2,
  clipNorm: 1.0,
  seed: 1234,
  checkpointEvery: 25,
  evalEvery: 25,
  earlyStopPatience: 0,
};

/** One optimiser step as reported to the user. */
export interface TrainStepReport {
  step: number;
  totalSteps: number;
  /** Every loss term of this step, 'total' first. */
  losses: Record<string, number>;
  lr: number;
  batchSize: number;
  samplesPerSec: number | null;
  etaSeconds: number | null;
  validation?: Record<string, number>;
}

export interface TrainResult {
  runDir: string;
  stage: string;
  stepsDone: number;
  stoppedBy: 'completed' | 'early-stopping' | 'cancelled';
  resumedFrom: number | null;
  history: TrainStepReport[];
  bestValidation: number | null;
}
