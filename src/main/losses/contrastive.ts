/**
 * Self-supervised and contrastive losses: SimSiam (digest §4.4), InfoNCE (MoCo baseline, §7),
 * VICReg (the `jepa` baseline, §7).
 */
import { tf, type Tensor } from '../model/tf.js';
import { centre, expectSameShape, expectShape, offDiagonalSquaredSum, stopGradient } from './util.js';

/** PyTorch's `F.cosine_similarity` eps. */
const COSINE_EPS = 1e-8;

/** Row-wise cosine similarity of two (B, d) batches: x·y / max(‖x‖‖y‖, eps). */
export function cosineSimilarity(x: Tensor, y: Tensor, eps = COSINE_EPS): Tensor {
  expectSameShape('cosineSimilarity', x, y);
  return tf.tidy(() => {
    const dot = tf.sum(tf.mul(x, y), -1);
    const norms = tf.mul(tf.norm(x, 'euclidean', -1), tf.norm(y, 'euclidean', -1));
    return tf.div(dot, tf.maximum(norms, eps));
  });
}

/** SimSiam's D(p, z) = −mean_b cos(p_b, stopgrad(z_b)). */
export function negativeCosine(p: Tensor, z: Tensor): Tensor {
  return tf.tidy(() => tf.neg(tf.mean(cosineSimilarity(p, stopGradient(z)))));
}

/** The symmetric SimSiam loss D(p1, z2)/2 + D(p2, z1)/2. */
export function simsiamLoss(p1: Tensor, p2: Tensor, z1: Tensor, z2: Tensor): Tensor {
  return tf.tidy(() => tf.add(tf.div(negativeCosine(p1, z2), 2), tf.div(negativeCosine(p2, z1), 2)));
}

export interface InfoNceOptions {
  /** Softmax temperature (MoCo config: 0.05). */
  temperature?: number;
  /** L2-normalise q, k and the negatives first (MoCo does). */
  normalize?: boolean;
}

/**
 * InfoNCE: for each query q_b the positive is k_b; the negatives are the rows of `negatives`
 * (K, d) — MoCo's queue — or, when `negatives` is null, the other keys of the batch (in-batch
 * negatives). Cross-entropy with the positive as the target class, averaged over the batch.
 * The keys are not stop-gradiented here; MoCo's key encoder simply has no trainable weights.
 */
export function infoNceLoss(q: Tensor, k: Tensor, negatives: Tensor | null = null, opts: InfoNceOptions = {}): Tensor {
  const temperature = opts.temperature ?? 0.07;
  const normalize = opts.normalize ?? true;
  expectShape('infoNceLoss q', q, 2);
  expectSameShape('infoNceLoss q/k', q, k);
  if (negatives) expectShape('infoNceLoss negatives', negatives, 2, { 1: q.shape[1] as number });
  return tf.tidy(() => {
    const unit = (x: Tensor): Tensor => (normalize ? tf.div(x, tf.maximum(tf.norm(x, 'euclidean', -1, true), 1e-12)) : x);
    const qn = unit(q), kn = unit(k);
    let logits: Tensor;
    let labels: Tensor;
    if (negatives) {
      const pos = tf.sum(tf.mul(qn, kn), -1, true); // (B, 1)
      const neg = tf.matMul(qn, unit(negatives), false, true); // (B, K)
      logits = tf.concat([pos, neg], 1);
      labels = tf.zeros([q.shape[0]], 'int32');
    } else {
      logits = tf.matMul(qn, kn, false, true); // (B, B), positives on the diagonal
      labels = tf.range(0, q.shape[0], 1, 'int32');
    }
    return crossEntropyFromLogits(tf.div(logits, temperature), labels);
  });
}

export interface VicRegOptions {
  simCoeff?: number;
  stdCoeff?: number;
  covCoeff?: number;
}

/**
 * VICReg (Bardes et al.; the authors' `PredictiveMoco` coefficients 25 / 25 / 0.1):
 * sim·MSE(x, y) + std·[mean relu(1 − √(var_x + 1e-4)) + mean relu(1 − √(var_y + 1e-4))]/2
 * + cov·[Σ_off Cov_x² + Σ_off Cov_y²]/d, with unbiased (B − 1) variances and covariances.
 */
export function vicregLoss(x: Tensor, y: Tensor, opts: VicRegOptions = {}): Tensor {
  const sim = opts.simCoeff ?? 25, stdC = opts.stdCoeff ?? 25, covC = opts.covCoeff ?? 0.1;
  expectShape('vicregLoss x', x, 2);
  expectSameShape('vicregLoss', x, y);
  const [B, d] = x.shape as [number, number];
  if (B < 2) throw new Error(`vicregLoss: needs a batch of at least 2, got ${B}`);
  return tf.tidy(() => {
    const repr = tf.mean(tf.squaredDifference(x, y));
    const xc = centre(x), yc = centre(y);
    const std = (c: Tensor): Tensor => tf.sqrt(tf.add(tf.div(tf.sum(tf.square(c), 0), B - 1), 1e-4));
    const stdLoss = tf.add(tf.div(tf.mean(tf.relu(tf.sub(1, std(xc)))), 2), tf.div(tf.mean(tf.relu(tf.sub(1, std(yc)))), 2));
    const cov = (c: Tensor): Tensor => tf.div(tf.matMul(c, c, true, false), B - 1);
    const covLoss = tf.add(tf.div(offDiagonalSquaredSum(cov(xc)), d), tf.div(offDiagonalSquaredSum(cov(yc)), d));
    return tf.addN([tf.mul(sim, repr), tf.mul(stdC, stdLoss), tf.mul(covC, covLoss)]);
  });
}

/**
 * Mean cross-entropy of (B, C) logits against integer class labels (B), via a stable log-softmax.
 * Optional per-class weights follow PyTorch: Σ w_y·ℓ / Σ w_y.
 */
export function crossEntropyFromLogits(logits: Tensor, labels: Tensor, classWeights: Tensor | null = null): Tensor {
  expectShape('crossEntropy logits', logits, 2);
  expectShape('crossEntropy labels', labels, 1, { 0: logits.shape[0] });
  return tf.tidy(() => {
    const C = logits.shape[1] as number;
    const oneHot = tf.oneHot(tf.cast(labels, 'int32'), C);
    const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), -1)); // (B)
    if (!classWeights) return tf.mean(nll);
    const w = tf.sum(tf.mul(oneHot, tf.expandDims(classWeights, 0)), -1);
    return tf.div(tf.sum(tf.mul(nll, w)), tf.sum(w));
  });
}
