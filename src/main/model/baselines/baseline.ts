/**
 * What every baseline exposes, so the training engine drives DESA and the baselines with the same
 * batches, labels and step budget: a scalar loss over the trainable weights, an optional hook run
 * after each optimiser step (MoCo's momentum encoder and queue), and the embedding used downstream.
 */
import { tf } from '../tf';
import type { Tensor, Variable } from '../tf';

/** One training or evaluation batch: the frozen encoders' features and the conditioning labels. */
export interface BaselineBatch {
  /** Spectra encoder features (B, Ls). */
  spectraFeatures: Tensor;
  /** Light-curve encoder features (B, Ll). */
  lightCurveFeatures: Tensor;
  /** Conditioning labels with missing values filled (B, latentDim), or null when unconditioned. */
  latent: Tensor | null;
}

/** Anything with a PyTorch-like `step(grads)`: our AdamW. */
export interface Optimiser {
  step(grads: Record<string, Tensor>): void;
}

export interface BaselineModel {
  readonly name: string;
  readonly trainableVariables: Variable[];
  /** The training objective (a scalar). */
  loss(batch: BaselineBatch, training: boolean): Tensor;
  /** Called after every optimiser step. */
  afterStep?(): void;
  /** The representation the baseline is evaluated on (UMAP, few-shot regression, ...). */
  features(batch: BaselineBatch): Tensor;
}

/**
 * One optimisation step: gradients of `model.loss` w.r.t. its trainable weights, the optimiser
 * update, then the model's after-step hook.
 * @returns the loss value before the update.
 */
export function baselineTrainStep(model: BaselineModel, batch: BaselineBatch, optimiser: Optimiser): number {
  const { value, grads } = tf.variableGrads(() => model.loss(batch, true) as tf.Scalar, model.trainableVariables);
  optimiser.step(grads);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  model.afterStep?.();
  return loss;
}
