/** Activation functions with PyTorch semantics, written with differentiable tfjs ops. */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { fusedSilu } from '../backend/fused-layers';

/** SiLU / Swish: x·σ(x) (nn.SiLU); one fused native kernel each way when the native cpu kernels are active. */
export function silu(x: Tensor): Tensor {
  return fusedSilu(x) ?? tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
}

/** Swish is SiLU under another name. */
export const swish = silu;

/** Exact GELU, 0.5·x·(1 + erf(x/√2)) (nn.GELU default, not the tanh approximation). */
export function gelu(x: Tensor): Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)));
}

/** Sine activation sin(w0·x) of the light-curve CNN (`Sine` in nn/models.py). */
export function sine(x: Tensor, w0 = 1): Tensor {
  return tf.tidy(() => tf.sin(w0 === 1 ? x : tf.mul(x, w0)));
}

/** ReLU. */
export function relu(x: Tensor): Tensor {
  return tf.relu(x);
}

export type ActivationName = 'silu' | 'swish' | 'gelu' | 'sine' | 'relu';

/** The activation `name` as a function (sine uses `sineW0`); mirrors `get_activation` of the reference. */
export function activation(name: ActivationName, sineW0 = 1): (x: Tensor) => Tensor {
  switch (name) {
    case 'silu':
    case 'swish':
      return silu;
    case 'gelu':
      return gelu;
    case 'sine':
      return (x) => sine(x, sineW0);
    case 'relu':
      return relu;
    default:
      throw new Error(`unknown activation '${String(name)}' (expected silu, swish, gelu, sine or relu)`);
  }
}
