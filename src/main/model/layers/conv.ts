/**
 * 1-D convolutions on channels-last tensors (B, L, C), with PyTorch weight layouts so state dicts load
 * unchanged: Conv1d weight (out, in, k), ConvTranspose1d weight (in, out, k).
 *
 * Two implementations give identical results:
 * - 'native': tf.conv1d. Fast for inference, trains on cpu, but the wasm backend lacks the
 *   Conv2DBackpropFilter kernel, so it cannot train there.
 * - 'im2col': pad + slice + concat + matMul, all of which differentiate on every backend.
 * The default ('auto') picks im2col on wasm and native elsewhere.
 */
import { tf } from '../tf';
import type { Tensor, Tensor3D, Variable } from '../tf';
import { Module, uniformFanIn } from '../params';
import { fusedConv1d, fusedConvTranspose1d, fusedMaxPool1d, inferenceConvBlock, type EvalBatchNorm as BatchNorm1dEval } from '../backend/fused-layers';

export type ConvImpl = 'native' | 'im2col' | 'auto';

function resolveImpl(impl: ConvImpl): 'native' | 'im2col' {
  if (impl !== 'auto') return impl;
  return tf.getBackend() === 'wasm' ? 'im2col' : 'native';
}

/** Unfolds x (B, L, C) into patches (B, Lout, k·C), patch element order (tap, channel). */
export function im2col(x: Tensor3D, kernelSize: number, stride: number): Tensor3D {
  return tf.tidy(() => {
    const [b, len, c] = x.shape;
    const lout = Math.floor((len - kernelSize) / stride) + 1;
    if (lout <= 0) throw new Error(`im2col: length ${len} is shorter than kernel ${kernelSize}`);
    if (stride === kernelSize) {
      // Non-overlapping patches are a plain reshape (the patch-embedding case).
      const used = tf.slice(x, [0, 0, 0], [b, lout * kernelSize, c]);
      return tf.reshape(used, [b, lout, kernelSize * c]) as Tensor3D;
    }
    if (stride !== 1) {
      throw new Error(`im2col supports stride 1 or stride = kernel size, got stride ${stride} with kernel ${kernelSize}`);
    }
    const taps: Tensor[] = [];
    for (let j = 0; j < kernelSize; j++) taps.push(tf.slice(x, [0, j, 0], [b, lout, c]));
    return (kernelSize === 1 ? taps[0] : tf.concat(taps, 2)) as Tensor3D;
  });
}

/**
 * Cross-correlation of x (B, L, Cin) with `kernel` in tfjs layout (k, Cin, Cout), after zero padding
 * (padLeft, padRight): the PyTorch Conv1d computation.
 */
export function conv1dNWC(
  x: Tensor3D,
  kernel: Tensor3D,
  stride: number,
  padLeft: number,
  padRight: number,
  impl: ConvImpl = 'auto',
): Tensor3D {
  return tf.tidy(() => {
    const [k, cin, cout] = kernel.shape;
    if (x.shape[2] !== cin) throw new Error(`conv1d: input has ${x.shape[2]} channels, kernel expects ${cin}`);
    const native = resolveImpl(impl) === 'native';
    if (native) {
      const fused = fusedConv1d(x, kernel, stride, padLeft, padRight);
      if (fused) return fused as Tensor3D;
    }
    const xp = padLeft || padRight ? (tf.pad(x, [[0, 0], [padLeft, padRight], [0, 0]]) as Tensor3D) : x;
    if (native) return tf.conv1d(xp, kernel, stride, 'valid');
    const cols = im2col(xp, k, stride);
    const [b, lout] = cols.shape;
    const y = tf.matMul(tf.reshape(cols, [b * lout, k * cin]) as tf.Tensor2D, tf.reshape(kernel, [k * cin, cout]) as tf.Tensor2D);
    return tf.reshape(y, [b, lout, cout]) as Tensor3D;
  });
}

export interface Conv1dOptions {
  stride?: number;
  /** 'same' (stride 1 only; PyTorch puts the odd extra pad on the right) or a symmetric pad. */
  padding?: 'same' | number;
  bias?: boolean;
  impl?: ConvImpl;
}

/** nn.Conv1d on channels-last input: (B, L, Cin) → (B, Lout, Cout). */
export class Conv1d extends Module {
  readonly weight: Variable;
  readonly bias: Variable | null;
  readonly stride: number;
  readonly padding: 'same' | number;
  impl: ConvImpl;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, opts: Conv1dOptions = {}) {
    super();
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    this.impl = opts.impl ?? 'auto';
    if (this.padding === 'same' && this.stride !== 1) throw new Error(`Conv1d: padding 'same' needs stride 1, got ${this.stride}`);
    const fanIn = inChannels * kernelSize;
    this.weight = this.param('weight', uniformFanIn([outChannels, inChannels, kernelSize], fanIn));
    this.bias = opts.bias ?? true ? this.param('bias', uniformFanIn([outChannels], fanIn)) : null;
  }

  /** Zero padding [left, right] of the length axis ('same': PyTorch puts the odd extra one on the right). */
  paddingLeftRight(): [number, number] {
    const total = this.padding === 'same' ? this.kernelSize - 1 : 2 * this.padding;
    const left = this.padding === 'same' ? Math.floor(total / 2) : this.padding;
    return [left, total - left];
  }

  /**
   * Inference of this conv followed by an eval-mode BatchNorm, SiLU and max-pool (each optional) as one native
   * kernel (`inferenceConvBlock`); null where that does not apply (training, a recording gradient tape, stride > 1,
   * the im2col implementation, no native kernels), and the caller runs the layers one by one.
   */
  forwardInference(x: Tensor, then: { norm: BatchNorm1dEval | null; act: 'silu' | { sine: number } | null; pool: number }): Tensor3D | null {
    if (this.stride !== 1 || resolveImpl(this.impl) !== 'native') return null;
    const [padLeft, padRight] = this.paddingLeftRight();
    return inferenceConvBlock(x, { weight: this.weight, bias: this.bias, padLeft, padRight, ...then }) as Tensor3D | null;
  }

  forward(x: Tensor): Tensor3D {
    return tf.tidy(() => {
      const [left, right] = this.paddingLeftRight();
      const kernel = tf.transpose(this.weight, [2, 1, 0]) as Tensor3D; // (out,in,k) → (k,in,out)
      let y: Tensor = conv1dNWC(x as Tensor3D, kernel, this.stride, left, right, this.impl);
      if (this.bias) y = tf.add(y, this.bias);
      return y as Tensor3D;
    });
  }
}

/** Inserts (stride − 1) zeros between consecutive samples of x (B, L, C) → (B, (L−1)·stride + 1, C). */
function dilate(x: Tensor3D, stride: number): Tensor3D {
  if (stride === 1) return x;
  return tf.tidy(() => {
    const [b, len, c] = x.shape;
    const withZeros = tf.concat([tf.expandDims(x, 2), tf.zeros([b, len, stride - 1, c])], 2);
    const flat = tf.reshape(withZeros, [b, len * stride, c]);
    return tf.slice(flat, [0, 0, 0], [b, (len - 1) * stride + 1, c]) as Tensor3D;
  });
}

/**
 * nn.ConvTranspose1d on channels-last input: (B, L, Cin) → (B, (L−1)·stride − 2·padding + k, Cout).
 * With the native cpu kernels it is one transposed-convolution kernel (fusedConvTranspose1d); elsewhere a stride-1
 * convolution of the zero-dilated input with the flipped kernel, so it trains wherever Conv1d trains.
 */
export class ConvTranspose1d extends Module {
  readonly weight: Variable;
  readonly bias: Variable | null;
  impl: ConvImpl;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    readonly opts: { stride?: number; padding?: number; bias?: boolean; impl?: ConvImpl } = {},
  ) {
    super();
    this.impl = opts.impl ?? 'auto';
    const pad = opts.padding ?? 0;
    if (pad > kernelSize - 1) throw new Error(`ConvTranspose1d: padding ${pad} exceeds kernel size − 1 (${kernelSize - 1})`);
    // PyTorch computes fan-in from weight.size(1)·k = out·k for transposed convs.
    const fanIn = outChannels * kernelSize;
    this.weight = this.param('weight', uniformFanIn([inChannels, outChannels, kernelSize], fanIn));
    this.bias = opts.bias ?? true ? this.param('bias', uniformFanIn([outChannels], fanIn)) : null;
  }

  forward(x: Tensor): Tensor3D {
    return tf.tidy(() => {
      const stride = this.opts.stride ?? 1;
      const fused = resolveImpl(this.impl) === 'native' ? fusedConvTranspose1d(x, this.weight, stride, this.opts.padding ?? 0) : null;
      if (fused) return (this.bias ? tf.add(fused, this.bias) : fused) as Tensor3D;
      const pad = this.kernelSize - 1 - (this.opts.padding ?? 0);
      // Equivalent conv kernel K[j, i, o] = W[i, o, k−1−j].
      const kernel = tf.transpose(tf.reverse(this.weight, 2), [2, 0, 1]) as Tensor3D;
      let y: Tensor = conv1dNWC(dilate(x as Tensor3D, stride), kernel, 1, pad, pad, this.impl);
      if (this.bias) y = tf.add(y, this.bias);
      return y as Tensor3D;
    });
  }
}

/**
 * nn.MaxPool1d(size) (floor mode, stride = size) on channels-last input. With the native cpu kernels one fused
 * pass each way (fusedMaxPool1d; gradient to the first maximum, as PyTorch); elsewhere a max over a reshaped axis:
 * the wasm backend's MaxPoolGrad kernel returns wrong gradients here (checked against cpu), while the
 * Max reduction differentiates identically on every backend.
 */
export function maxPool1d(x: Tensor, size: number): Tensor3D {
  const fused = fusedMaxPool1d(x, size);
  if (fused) return fused as Tensor3D;
  return tf.tidy(() => {
    const [b, len, c] = x.shape as [number, number, number];
    const lout = Math.floor(len / size);
    const used = lout * size === len ? x : tf.slice(x, [0, 0, 0], [b, lout * size, c]);
    return tf.max(tf.reshape(used, [b, lout, size, c]), 2) as Tensor3D;
  });
}

/**
 * Depthwise Conv1d (groups = channels, weight (C, 1, k)), as a sum of shifted, per-channel-scaled
 * copies: cheap for small k and differentiable on every backend.
 */
export class DepthwiseConv1d extends Module {
  readonly weight: Variable;
  readonly bias: Variable | null;
  constructor(readonly channels: number, readonly kernelSize: number, opts: { padding?: number; bias?: boolean } = {}) {
    super();
    this.padding = opts.padding ?? 0;
    this.weight = this.param('weight', uniformFanIn([channels, 1, kernelSize], kernelSize));
    this.bias = opts.bias ?? false ? this.param('bias', uniformFanIn([channels], kernelSize)) : null;
  }
  readonly padding: number;

  forward(x: Tensor): Tensor3D {
    return tf.tidy(() => {
      const [b, len, c] = x.shape as [number, number, number];
      const xp = this.padding ? tf.pad(x, [[0, 0], [this.padding, this.padding], [0, 0]]) : x;
      const lout = len + 2 * this.padding - this.kernelSize + 1;
      let y: Tensor | null = null;
      for (let j = 0; j < this.kernelSize; j++) {
        const tap = tf.reshape(tf.slice(this.weight, [0, 0, j], [c, 1, 1]), [c]);
        const term = tf.mul(tf.slice(xp, [0, j, 0], [b, lout, c]), tap);
        y = y ? tf.add(y, term) : term;
      }
      if (this.bias) y = tf.add(y!, this.bias);
      return y as Tensor3D;
    });
  }
}
