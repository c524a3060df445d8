/**
 * Conformalised quantile regression, the training side (`nn/optim.py CQR.forward`; digest §5.2, §5.4):
 * the pinball loss summed over quantiles and the trainers' reductions.
 */
import { tf, type Tensor } from '../model/tf.js';
import { expectShape } from './util.js';

/** The quantiles of the spectra and light-curve heads. */
export const DEFAULT_QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9] as const;
/** The age fine-tuning quantiles (a 72 % interval). */
export const AGE_QUANTILES = [0.14, 0.5, 0.86] as const;

/**
 * Pinball loss with `reduction='none'`: preds (B, labels, Q), target (B, labels) → (B, labels), the
 * sum over quantiles of max((q − 1)·e, q·e) with e = y − ŷ_q. Where the target is NaN the loss is NaN,
 * as in the reference, but the gradient there is 0 (never NaN), so NaN labels can be reduced away.
 */
export function cqrPinballLoss(preds: Tensor, target: Tensor, quantiles: readonly number[] = DEFAULT_QUANTILES): Tensor {
  expectShape('cqrPinballLoss preds', preds, 3, { 2: quantiles.length });
  expectShape('cqrPinballLoss target', target, 2, { 0: preds.shape[0] as number, 1: preds.shape[1] as number });
  return tf.tidy(() => {
    const missing = tf.isNaN(target);
    const y = tf.where(missing, tf.zerosLike(target), target);
    const e = tf.sub(tf.expandDims(y, 2), preds); // (B, labels, Q)
    const q = tf.reshape(tf.tensor1d(Array.from(quantiles), 'float32'), [1, 1, quantiles.length]);
    const terms = tf.maximum(tf.mul(tf.sub(q, 1), e), tf.mul(q, e));
    const loss = tf.sum(terms, 2);
    return tf.where(missing, tf.fill(loss.shape, NaN), loss);
  });
}

/**
 * How a (B, labels) pinball loss is reduced to a scalar:
 * - `nan_as_zero_mean` (the light-curve `ContrastiveTrainer`): NaN → 0, then the mean over all
 *   entries, so missing labels count in the denominator too;
 * - `observed_mean`: the mean over the observed (non-NaN) entries only.
 * `snrWeights` (B) multiplies each sample's row first (`MaskedRegressorTrainer`: combined_snrg/1000,
 * see `snrWeights`).
 */
export interface CqrReduceOptions {
  reduction?: 'nan_as_zero_mean' | 'observed_mean';
  snrWeights?: Tensor | null;
}

/** Reduces the output of `cqrPinballLoss` to the scalar a trainer minimises. */
export function reduceCqrLoss(lossNone: Tensor, opts: CqrReduceOptions = {}): Tensor {
  expectShape('reduceCqrLoss', lossNone, 2);
  const reduction = opts.reduction ?? 'nan_as_zero_mean';
  return tf.tidy(() => {
    const missing = tf.isNaN(lossNone);
    let l = tf.where(missing, tf.zerosLike(lossNone), lossNone);
    if (opts.snrWeights) {
      expectShape('reduceCqrLoss snrWeights', opts.snrWeights, 1, { 0: lossNone.shape[0] });
      l = tf.mul(l, tf.expandDims(opts.snrWeights, 1));
    }
    if (reduction === 'nan_as_zero_mean') return tf.mean(l);
    if (reduction !== 'observed_mean') throw new Error(`reduceCqrLoss: unknown reduction '${String(reduction)}'`);
    // 1 − cast(missing) rather than logicalNot: tfjs has no gradient for LogicalNot, and the tape
    // walks through it because `missing` is computed from the predictions.
    const observed = tf.sum(tf.sub(1, tf.cast(missing, 'float32')));
    return tf.div(tf.sum(l), tf.maximum(observed, 1));
  });
}

/** The spectra stage's per-sample weight w = combined_snrg / 1000 (digest §5.4). */
export function snrWeights(snrg: Tensor): Tensor {
  return tf.div(snrg, 1000);
}
