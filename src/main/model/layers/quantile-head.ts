/**
 * The CQR regression head shared by both encoders: Linear(in→hidden) → BatchNorm1d → act → Dropout →
 * Linear(hidden → labels·quantiles); keys 0, 1 and 4 as in the reference nn.Sequential.
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module } from '../params';
import { Linear } from './linear';
import { BatchNorm1d } from './norm';
import { dropout } from './dropout';

export class QuantileHead extends Module {
  private readonly fc1: Linear;
  private readonly bn: BatchNorm1d;
  private readonly fc2: Linear;
  constructor(
    inDim: number,
    hidden: number,
    outDim: number,
    private readonly act: (x: Tensor) => Tensor,
    private readonly dropoutRate: number,
  ) {
    super();
    this.fc1 = this.child('0', new Linear(inDim, hidden));
    this.bn = this.child('1', new BatchNorm1d(hidden));
    this.fc2 = this.child('4', new Linear(hidden, outDim));
  }
  /** x (B, in) → (B, out). */
  forward(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => {
      const h = dropout(this.act(this.bn.forward(this.fc1.forward(x), training)), this.dropoutRate, training);
      return this.fc2.forward(h);
    });
  }
}
