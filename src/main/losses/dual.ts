/**
 * DESA's alignment losses (`nn/train.py DualFormerTrainer`; digest §6.9; paper Eqs. 4, 5, 7).
 * z1, z2: (B, d) embeddings; p1 = A z1, p2 = Aᵀ z2.
 */
import { tf, type Tensor } from '../model/tf.js';
import { centre, expectSameShape, expectShape, offDiagonalSquaredSum } from './util.js';

/** L_dual = mean_b (⟨p1_b, z1_b⟩ − ⟨z2_b, p2_b⟩)². */
export function dualLoss(p1: Tensor, p2: Tensor, z1: Tensor, z2: Tensor): Tensor {
  expectShape('dualLoss p1', p1, 2);
  for (const [name, t] of [['p2', p2], ['z1', z1], ['z2', z2]] as const) expectSameShape(`dualLoss ${name}`, p1, t);
  return tf.tidy(() => tf.mean(tf.square(tf.sub(tf.sum(tf.mul(p1, z1), -1), tf.sum(tf.mul(z2, p2), -1)))));
}

/** C(x, y) = Σ_{k≠l} Cov(x, y)_kl² / d with Cov = x_cᵀ y_c / (B − 1), centred over the batch. */
export function offDiagonalCovariancePenalty(x: Tensor, y: Tensor): Tensor {
  expectShape('offDiagonalCovariancePenalty', x, 2);
  expectSameShape('offDiagonalCovariancePenalty', x, y);
  const [B, d] = x.shape as [number, number];
  if (B < 2) throw new Error(`covariance loss needs a batch of at least 2, got ${B}`);
  return tf.tidy(() => {
    const cov = tf.div(tf.matMul(centre(x), centre(y), true, false), B - 1);
    return tf.div(offDiagonalSquaredSum(cov), d);
  });
}

export interface CovarianceLossOptions {
  /**
   * Include the cross-covariance term C(p1, p2) of paper Eq. 5 (default true). The authors' code
   * drops it through a line-break bug (`crossTerm: false` reproduces the code).
   */
  crossTerm?: boolean;
  /**
   * Add the code's optional variance hinge mean(relu(1 − √(var + 1e-4)))/2 per branch (unbiased var;
   * `calc_variance=True`). Off by default: neither the paper nor the released pipeline uses it.
   */
  varianceTerm?: boolean;
}

/** L_cov = C(p1, p1) + C(p2, p2) [+ C(p1, p2)] [+ variance hinge]. */
export function covarianceLoss(p1: Tensor, p2: Tensor, opts: CovarianceLossOptions = {}): Tensor {
  const cross = opts.crossTerm ?? true;
  return tf.tidy(() => {
    const terms = [offDiagonalCovariancePenalty(p1, p1), offDiagonalCovariancePenalty(p2, p2)];
    if (cross) terms.push(offDiagonalCovariancePenalty(p1, p2));
    if (opts.varianceTerm) {
      const B = p1.shape[0] as number;
      const hinge = (x: Tensor): Tensor => {
        const variance = tf.div(tf.sum(tf.square(centre(x)), 0), B - 1);
        return tf.div(tf.mean(tf.relu(tf.sub(1, tf.sqrt(tf.add(variance, 1e-4))))), 2);
      };
      terms.push(hinge(p1), hinge(p2));
    }
    return tf.addN(terms);
  });
}

export interface DesaLossOptions extends CovarianceLossOptions {
  /** λ of paper Eq. 7: L = λ·L_dual + (1 − λ)·L_cov; 0.5 in the paper and the code. */
  lambda?: number;
}

/** Named presets: the paper (cross term) and the authors' code (no cross term). */
export const DESA_LOSS_PRESETS = {
  paper: { crossTerm: true, varianceTerm: false, lambda: 0.5 },
  code: { crossTerm: false, varianceTerm: false, lambda: 0.5 },
} as const satisfies Record<string, DesaLossOptions>;

/** The DualFormer training loss with its two parts (for logging). */
export function desaLoss(p1: Tensor, p2: Tensor, z1: Tensor, z2: Tensor, opts: DesaLossOptions = {}): { total: Tensor; dual: Tensor; cov: Tensor } {
  const lambda = opts.lambda ?? 0.5;
  const dual = dualLoss(p1, p2, z1, z2);
  const cov = covarianceLoss(p1, p2, opts);
  const total = tf.tidy(() => tf.add(tf.mul(lambda, dual), tf.mul(1 - lambda, cov)));
  return { total, dual, cov };
}
