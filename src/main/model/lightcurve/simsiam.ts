/**
 * SimSiam heads (nn/simsiam.py): the projector f (3 × Linear+BN, ReLU on the first two) and the
 * predictor h (Linear+BN+ReLU, Linear). The SimSiam loss itself lives with the other losses.
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module } from '../params';
import { Linear } from '../layers/linear';
import { BatchNorm1d } from '../layers/norm';

/** Linear → BatchNorm1d (keys 0, 1), optionally followed by ReLU. */
class LinearBn extends Module {
  readonly fc: Linear;
  readonly bn: BatchNorm1d;
  constructor(inDim: number, outDim: number, private readonly relu: boolean) {
    super();
    this.fc = this.child('0', new Linear(inDim, outDim));
    this.bn = this.child('1', new BatchNorm1d(outDim));
  }
  forward(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => {
      const y = this.bn.forward(this.fc.forward(x), training);
      return this.relu ? tf.relu(y) : y;
    });
  }
}

/** `projection_MLP(in, hidden, out)`: layer1, layer2 (Linear+BN+ReLU), layer3 (Linear+BN, no ReLU). */
export class ProjectionMlp extends Module {
  private readonly layers: LinearBn[];
  constructor(inDim: number, hidden: number, outDim: number) {
    super();
    this.layers = [
      this.child('layer1', new LinearBn(inDim, hidden, true)),
      this.child('layer2', new LinearBn(hidden, hidden, true)),
      this.child('layer3', new LinearBn(hidden, outDim, false)),
    ];
  }
  forward(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => this.layers.reduce((h, l) => l.forward(h, training), x));
  }
}

/** `prediction_MLP(in, hidden, out)`: layer1 (Linear+BN+ReLU), layer2 (Linear). */
export class PredictionMlp extends Module {
  private readonly layer1: LinearBn;
  private readonly layer2: Linear;
  constructor(inDim: number, hidden: number, outDim: number) {
    super();
    this.layer1 = this.child('layer1', new LinearBn(inDim, hidden, true));
    this.layer2 = this.child('layer2', new Linear(hidden, outDim));
  }
  forward(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => this.layer2.forward(this.layer1.forward(x, training)));
  }
}
