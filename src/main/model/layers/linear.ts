/** nn.Linear with PyTorch's weight layout (out, in): y = x·Wᵀ + b. */
import { tf } from '../tf';
import type { Tensor, Variable } from '../tf';
import { Module, uniformFanIn, xavierNormal, xavierUniform } from '../params';
import { fusedLinear, inferenceLinearSilu } from '../backend/fused-layers';

export class Linear extends Module {
  readonly weight: Variable;
  readonly bias: Variable | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: { bias?: boolean } = {}) {
    super();
    this.weight = this.param('weight', uniformFanIn([outFeatures, inFeatures], inFeatures));
    this.bias = opts.bias ?? true ? this.param('bias', uniformFanIn([outFeatures], inFeatures)) : null;
  }

  /** Re-initialises the weight with xavier_normal_(gain) and zeroes the bias (DeepNorm init). */
  initXavierNormal(gain: number): void {
    this.reset(xavierNormal([this.outFeatures, this.inFeatures], this.inFeatures, this.outFeatures, gain));
  }

  /** Re-initialises the weight with xavier_uniform_(gain) and zeroes the bias. */
  initXavierUniform(gain = 1): void {
    this.reset(xavierUniform([this.outFeatures, this.inFeatures], this.inFeatures, this.outFeatures, gain));
  }

  private reset(weight: Tensor): void {
    this.weight.assign(weight);
    weight.dispose();
    if (this.bias) this.bias.assign(tf.zerosLike(this.bias));
  }

  /** x: (..., in) → (..., out). */
  forward(x: Tensor): Tensor {
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const last = x.shape[x.shape.length - 1];
      if (last !== this.inFeatures) {
        throw new Error(`Linear(${this.inFeatures}→${this.outFeatures}): input last dimension is ${last}`);
      }
      const x2 = x.rank === 2 ? x : tf.reshape(x, [-1, this.inFeatures]);
      let y = fusedLinear(x2, this.weight, this.bias);
      if (!y) {
        y = tf.matMul(x2 as tf.Tensor2D, this.weight as Tensor as tf.Tensor2D, false, true);
        if (this.bias) y = tf.add(y, this.bias);
      }
      return x.rank === 2 ? y : tf.reshape(y, [...lead, this.outFeatures]);
    });
  }
}

/**
 * Inference of SiLU(linear(x)) for x (..., in) as one native pass (no gradient); null where that does not apply
 * (a gradient tape recording, no native kernels), and the caller runs the two layers.
 */
export function linearSiluInference(linear: Linear, x: Tensor): Tensor | null {
  if (x.shape[x.shape.length - 1] !== linear.inFeatures) return null;
  if (x.rank === 2) return inferenceLinearSilu(x, linear.weight, linear.bias);
  const rows = tf.reshape(x, [-1, linear.inFeatures]);
  const y = inferenceLinearSilu(rows, linear.weight, linear.bias);
  rows.dispose();
  if (!y) return null;
  const out = tf.reshape(y, [...x.shape.slice(0, -1), linear.outFeatures]);
  y.dispose();
  return out;
}

/**
 * The Conformer code's `Linear` wrapper: an nn.Linear stored one level deeper (`<name>.linear.weight`),
 * initialised with xavier_uniform and a zero bias as in the reference.
 */
export class WrappedLinear extends Module {
  readonly linear: Linear;
  constructor(inFeatures: number, outFeatures: number, opts: { bias?: boolean } = {}) {
    super();
    this.linear = this.child('linear', new Linear(inFeatures, outFeatures, opts));
    this.linear.initXavierUniform();
  }
  forward(x: Tensor): Tensor {
    return this.linear.forward(x);
  }
}
