/** BatchNorm1d and LayerNorm with PyTorch semantics (eps 1e-5, momentum 0.1), channels last. */
import { tf } from '../tf';
import type { Tensor, Variable } from '../tf';
import { Module } from '../params';
import { fusedChannelAffine, fusedChannelNorm, type EvalBatchNorm } from '../backend/fused-layers';
import { silu } from './activations';

/**
 * nn.BatchNorm1d over the last axis of (B, C) or (B, L, C).
 * Eval: running statistics. Train: biased batch statistics normalise; the running variance is updated
 * with the unbiased estimate, running = (1 − momentum)·running + momentum·batch, as PyTorch does.
 */
export class BatchNorm1d extends Module {
  readonly weight: Variable;
  readonly bias: Variable;
  readonly runningMean: Variable;
  readonly runningVar: Variable;
  readonly numBatchesTracked: Variable;

  constructor(readonly numFeatures: number, readonly opts: { eps?: number; momentum?: number } = {}) {
    super();
    this.weight = this.param('weight', tf.ones([numFeatures]));
    this.bias = this.param('bias', tf.zeros([numFeatures]));
    this.runningMean = this.buffer('running_mean', tf.zeros([numFeatures]));
    this.runningVar = this.buffer('running_var', tf.ones([numFeatures]));
    this.numBatchesTracked = this.buffer('num_batches_tracked', tf.scalar(0, 'int32'));
  }

  /**
   * `act` 'silu' returns SiLU(BatchNorm(x)): in training with the native kernels one fused pass each way (the
   * norm's output is never stored), otherwise the two layers one after the other.
   */
  forward(x: Tensor, training: boolean, act: 'silu' | null = null): Tensor {
    const eps = this.opts.eps ?? 1e-5;
    const c = x.shape[x.rank - 1];
    if (c !== this.numFeatures) throw new Error(`BatchNorm1d(${this.numFeatures}): input has ${c} channels`);
    if (act === 'silu') {
      return tf.tidy(() => (training ? this.trainingForward(x, 'silu') : this.evalForward(x, eps, 'silu')) ?? silu(this.forward(x, training)));
    }
    return tf.tidy(() => {
      let mean: Tensor = this.runningMean;
      let variance: Tensor = this.runningVar;
      if (training) {
        const n = x.size / c;
        if (n < 2) throw new Error('BatchNorm1d: training needs more than one value per channel');
        const fused = this.trainingForward(x, null);
        if (fused) return fused;
        const axes = [...Array(x.rank - 1).keys()];
        const m = tf.moments(x, axes);
        mean = m.mean;
        variance = m.variance;
        this.updateRunningStats(mean, variance, n);
      }
      const scale = tf.mul(this.weight, tf.rsqrt(tf.add(variance, eps)));
      return fusedChannelAffine(x, mean, scale, this.bias) ?? tf.add(tf.mul(tf.sub(x, mean), scale), this.bias);
    });
  }

  /** The eval-mode parameters, for folding into the conv before it (`Conv1d.forwardInference`). */
  evalParameters(): EvalBatchNorm {
    return { weight: this.weight, bias: this.bias, runningMean: this.runningMean, runningVar: this.runningVar, eps: this.opts.eps ?? 1e-5 };
  }

  /** Eval mode (running statistics) as one native pass, with SiLU fused when asked; null when not on native cpu. */
  private evalForward(x: Tensor, eps: number, act: 'silu' | null): Tensor | null {
    const scale = tf.mul(this.weight, tf.rsqrt(tf.add(this.runningVar, eps)));
    return fusedChannelAffine(x, this.runningMean, scale, this.bias, act);
  }

  /** The fused native training pass (updating the running statistics), or null when not on native cpu. */
  private trainingForward(x: Tensor, act: 'silu' | null): Tensor | null {
    const n = x.size / this.numFeatures;
    if (n < 2) throw new Error('BatchNorm1d: training needs more than one value per channel');
    const fused = fusedChannelNorm('batch', x, this.weight, this.bias, this.opts.eps ?? 1e-5, act);
    if (!fused) return null;
    this.updateRunningStats(fused.mean, fused.variance, n);
    return fused.y;
  }

  private updateRunningStats(mean: Tensor, biasedVar: Tensor, n: number): void {
    const momentum = this.opts.momentum ?? 0.1;
    // Detached from any gradient tape: these are state updates, not part of the loss.
    const newMean = tf.add(tf.mul(this.runningMean, 1 - momentum), tf.mul(tf.clone(mean), momentum));
    const newVar = tf.add(tf.mul(this.runningVar, 1 - momentum), tf.mul(tf.clone(biasedVar), (momentum * n) / (n - 1)));
    this.runningMean.assign(newMean);
    this.runningVar.assign(newVar);
    this.numBatchesTracked.assign(tf.add(this.numBatchesTracked, tf.scalar(1, 'int32')));
  }
}

/** nn.LayerNorm over the last axis. */
export class LayerNorm extends Module {
  readonly weight: Variable;
  readonly bias: Variable;
  constructor(readonly dim: number, readonly eps = 1e-5) {
    super();
    this.weight = this.param('weight', tf.ones([dim]));
    this.bias = this.param('bias', tf.zeros([dim]));
  }

  forward(x: Tensor): Tensor {
    return tf.tidy(() => {
      const fused = fusedChannelNorm('layer', x, this.weight, this.bias, this.eps);
      if (fused) return fused.y;
      const { mean, variance } = tf.moments(x, -1, true);
      const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
      return tf.add(tf.mul(normed, this.weight), this.bias);
    });
  }
}
