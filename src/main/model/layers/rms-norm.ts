/**
 * RMSNorm (the baselines' `Transformer` in nn/models.py): x / √(mean(x²) + eps) · weight, no bias,
 * no mean subtraction. (Written by the DualFormer/baselines helper; not in the layers index.)
 */
import { tf } from '../tf';
import type { Tensor, Variable } from '../tf';
import { Module } from '../params';

export class RmsNorm extends Module {
  readonly weight: Variable;
  constructor(readonly dim: number, readonly eps = 1e-5) {
    super();
    this.weight = this.param('weight', tf.ones([dim]));
  }
  forward(x: Tensor): Tensor {
    return tf.tidy(() => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), this.eps))), this.weight));
  }
}
