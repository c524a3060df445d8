/**
 * Fused native forward + backward passes for the layers that dominate DESA's training profile once
 * GEMM and convolution are native: SiLU, BatchNorm1d in training mode, and LayerNorm. Op by op, each is
 * 5–15 element-wise kernels (and fresh arrays) forward and about twice that backward; fused, each pass
 * touches the data once or twice (native/src/kernels.c, "fused layers"), with analytic gradients
 * registered through tf.customGrad.
 *
 * Every function returns null unless the native kernels are active on the cpu backend and the inputs
 * are float32, so the layer falls back to its op-by-op formula and other backends are untouched.
 * test/unit/backend/fused-layers.test.ts checks values and gradients against the op-by-op formulas and
 * finite differences.
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { activeNativeAddon, outputFloat32, type NativeKernelAddon } from './native-kernels';

type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];
type BackendData = { data: { get(id: unknown): { values: unknown } | undefined } };

/** The tensor's float32 values (converted when the backend holds another array type), or null. */
function f32(t: Tensor): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const v = (tf.backend() as unknown as BackendData).data.get(t.dataId)?.values;
  if (v instanceof Float32Array) return v;
  return v instanceof Int32Array || v instanceof Uint8Array ? new Float32Array(v) : null;
}

function addonFor(...ts: Tensor[]): NativeKernelAddon | null {
  const addon = activeNativeAddon();
  return addon && ts.every((t) => t.dtype === 'float32') ? addon : null;
}

/** SiLU x·σ(x) with the analytic gradient dy·σ(x)·(1 + x·(1 − σ(x))); null when not on native cpu. */
export function fusedSilu(x: Tensor): Tensor | null {
  const addon = addonFor(x);
  if (!addon) return null;
  const silu = tf.customGrad(((input: Tensor, save: (ts: Tensor[]) => void) => {
    const y = outputFloat32(input.size);
    addon.siluForward(f32(input)!, y);
    save([input]);
    return {
      value: tf.tensor(y, input.shape, 'float32'),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const dx = outputFloat32(input.size);
        addon.siluBackward(f32(saved[0])!, f32(dy)!, dx);
        return tf.tensor(dx, input.shape, 'float32');
      },
    };
  }) as unknown as CustomGradientFunc);
  return silu(x);
}

/** The result of a fused normalisation: the output and the (biased) statistics it used. */
export interface FusedNormResult {
  y: Tensor;
  /** Per channel (batch norm) or per row (layer norm). Not differentiated: for running statistics. */
  mean: Tensor;
  variance: Tensor;
}

/**
 * y = (x − μ)/√(σ² + eps)·weight + bias over the last axis of x, with μ and σ² (biased) taken per channel
 * over all other axes (`batch`: BatchNorm1d in training mode) or per row over the last axis (`layer`:
 * LayerNorm). Gradients flow to x, weight and bias, through μ and σ² as in the op-by-op formula.
 * `act` 'silu' returns SiLU(y) from the same pass (BatchNorm → SiLU blocks): the norm's own output is never stored,
 * and the backward pass recomputes it to take the gradient through SiLU.
 */
export function fusedChannelNorm(kind: 'batch' | 'layer', x: Tensor, weight: Tensor, bias: Tensor, eps: number,
  act: 'silu' | null = null): FusedNormResult | null {
  const addon = addonFor(x, weight, bias);
  const channels = x.shape[x.rank - 1];
  if (!addon || x.rank < 1 || weight.size !== channels || bias.size !== channels || x.size === 0) return null;
  const rows = x.size / channels;
  const perRow = kind === 'layer' ? 1 : 0;
  const withSilu = act === 'silu' ? 1 : 0;
  const statCount = perRow ? rows : channels;
  const mean = new Float32Array(statCount), invStd = new Float32Array(statCount), variance = new Float32Array(statCount);
  const norm = tf.customGrad(((input: Tensor, w: Tensor, b: Tensor, save: (ts: Tensor[]) => void) => {
    const y = outputFloat32(input.size);
    addon.channelNormForward(f32(input)!, f32(w)!, f32(b)!, y, mean, invStd, rows, channels, eps, perRow, variance, withSilu);
    save([input, w, b]);
    return {
      value: tf.tensor(y, input.shape, 'float32'),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const dx = outputFloat32(input.size), dw = new Float32Array(channels), db = new Float32Array(channels);
        addon.channelNormBackward(f32(saved[0])!, f32(dy)!, f32(saved[1])!, mean, invStd, dx, dw, db, rows, channels, perRow,
          f32(saved[2])!, withSilu);
        return [tf.tensor(dx, input.shape, 'float32'), tf.tensor(dw, w.shape, 'float32'), tf.tensor(db, b.shape, 'float32')];
      },
    };
  }) as unknown as CustomGradientFunc);
  const y = norm(x, weight, bias);
  const statShape = perRow ? [...x.shape.slice(0, -1), 1] : [channels];
  return { y, mean: tf.tensor(mean, statShape, 'float32'), variance: tf.tensor(variance, statShape, 'float32') };
}

/**
 * y = (x − mean)·scale + bias per channel (last axis) in one pass: BatchNorm1d in eval mode, with scale =
 * weight/√(running var + eps) computed by the caller. The same float32 operations as the op-by-op formula.
 * `act` 'silu' applies SiLU in the same pass. Gradients (rarely needed: a frozen encoder under a trained head) use ops.
 */
export function fusedChannelAffine(x: Tensor, mean: Tensor, scale: Tensor, bias: Tensor, act: 'silu' | null = null): Tensor | null {
  const addon = addonFor(x, mean, scale, bias);
  const channels = x.shape[x.rank - 1];
  if (!addon || x.rank < 1 || x.size === 0 || [mean, scale, bias].some((t) => t.size !== channels)) return null;
  const axes = [...Array(x.rank - 1).keys()];
  const affine = tf.customGrad(((input: Tensor, m: Tensor, s: Tensor, b: Tensor, save: (ts: Tensor[]) => void) => {
    const y = outputFloat32(input.size);
    addon.channelAffine(f32(input)!, f32(m)!, f32(s)!, f32(b)!, y, input.size / channels, channels, act === 'silu' ? 1 : 0);
    save([input, m, s, b]);
    return {
      value: tf.tensor(y, input.shape, 'float32'),
      gradFunc: (dyOut: Tensor, [xs, ms, ss, bs]: Tensor[]) => {
        let dy = dyOut;
        if (act === 'silu') {
          // through SiLU: dy·σ(a)·(1 + a·(1 − σ(a))) at the affine output a
          const a = tf.add(tf.mul(tf.sub(xs, ms), ss), bs);
          const sig = tf.sigmoid(a);
          dy = tf.mul(tf.mul(dyOut, sig), tf.add(1, tf.mul(a, tf.sub(1, sig))));
        }
        const dyScaled = tf.mul(dy, ss);
        return [dyScaled, tf.reshape(tf.neg(tf.sum(dyScaled, axes)), m.shape), tf.reshape(tf.sum(tf.mul(dy, tf.sub(xs, ms)), axes), s.shape),
          tf.reshape(tf.sum(dy, axes), b.shape)];
      },
    };
  }) as unknown as CustomGradientFunc);
  return affine(x, mean, scale, bias);
}

/** Explicit zero padding of the width axis of an NHWC tensor of height 1. */
type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];
function widthPadding(left: number, right: number): ExplicitPadding {
  return [[0, 0], [0, 0], [left, right], [0, 0]];
}

/**
 * Cross-correlation of x (B, L, Cin) with `kernel` (k, Cin, Cout) after zero padding (padLeft, padRight), with the
 * padding done inside the native convolution kernels instead of a `pad` op (whose gradient is a strided slice of
 * the full activation): a conv2d of height 1 with explicit width padding. Null when not on native cpu.
 */
export function fusedConv1d(x: Tensor, kernel: Tensor, stride: number, padLeft: number, padRight: number): Tensor | null {
  if (!addonFor(x, kernel) || x.rank !== 3 || kernel.rank !== 3) return null;
  const [b, len, cin] = x.shape;
  const [k, , cout] = kernel.shape;
  return tf.tidy(() => {
    const y = tf.conv2d(tf.reshape(x, [b, 1, len, cin]) as tf.Tensor4D, tf.reshape(kernel, [1, k, cin, cout]) as tf.Tensor4D,
      [1, stride], widthPadding(padLeft, padRight));
    return tf.reshape(y, [b, y.shape[2], cout]);
  });
}

/**
 * nn.ConvTranspose1d on channels-last x (B, Lin, Cin) with PyTorch's weight (Cin, Cout, k): output length
 * (Lin − 1)·stride − 2·padding + k. It is the input gradient of a strided convolution (col2im of x·Wᵀ), so it runs
 * on the native Conv2DBackpropInput kernel, and its gradients are the native Conv2D (for x) and Conv2DBackpropFilter
 * (for the weight): no zero-dilated copy of x, half the multiply-adds of the dilated formulation. Null when not
 * on native cpu.
 */
export function fusedConvTranspose1d(x: Tensor, weight: Tensor, stride: number, padding: number): Tensor | null {
  if (!addonFor(x, weight) || x.rank !== 3 || weight.rank !== 3) return null;
  const [b, len, cin] = x.shape;
  const [, cout, k] = weight.shape;
  const lout = (len - 1) * stride - 2 * padding + k;
  return tf.tidy(() => {
    // Filter of the forward convolution this is the transpose of: f[0, t, co, ci] = W[ci, co, t].
    const filter = tf.reshape(tf.transpose(weight, [2, 1, 0]), [1, k, cout, cin]) as tf.Tensor4D;
    const y = tf.conv2dTranspose(tf.reshape(x, [b, 1, len, cin]) as tf.Tensor4D, filter, [b, 1, lout, cout], [1, stride],
      widthPadding(padding, padding));
    return tf.reshape(y, [b, lout, cout]);
  });
}

/**
 * nn.MaxPool1d(size) (stride = size, floor mode) over axis 1 of x (B, L, C) in one native pass that records the
 * winning offset of each window; the gradient scatters dy back to those offsets (PyTorch's rule: the first maximum
 * of a window gets the gradient). Replaces max over a reshaped axis, whose gradient is Equal + Cast + Multiply
 * over the full-resolution activation. Null when not on native cpu.
 */
export function fusedMaxPool1d(x: Tensor, size: number): Tensor | null {
  const addon = addonFor(x);
  if (!addon || x.rank !== 3 || size < 1 || size > 255) return null;
  const [b, len, c] = x.shape as [number, number, number];
  if (len < size) return null;
  const lout = Math.floor(len / size);
  const pool = tf.customGrad(((input: Tensor, save: (ts: Tensor[]) => void) => {
    const y = outputFloat32(b * lout * c);
    const argmax = new Uint8Array(y.length);
    addon.maxPool1dForward(f32(input)!, y, argmax, b, len, c, size);
    save([]);
    return {
      value: tf.tensor(y, [b, lout, c], 'float32'),
      gradFunc: (dy: Tensor) => {
        const dx = new Float32Array(b * len * c); // zeroed: the scatter writes one element per window
        addon.maxPool1dBackward(f32(dy)!, argmax, dx, b, len, c, size);
        return tf.tensor(dx, input.shape, 'float32');
      },
    };
  }) as unknown as CustomGradientFunc);
  return pool(x);
}

/**
 * Rotary position embedding (rotate-half) on the first `cos.shape[1]` features of each head of x (…, T, headDim),
 * the rest passed through, in one native pass each way: y = x·cos + rotate_half(x)·sin, dx = dy·cos +
 * rotate_halfᵀ(dy·sin). cos and sin (T' ≥ T, r) are constants (no gradient). Replaces slice, neg, concat, two
 * multiplies and an add (and their gradients: pads, splits and broadcasts). Null when not on native cpu.
 */
export function fusedRotary(x: Tensor, cos: Tensor, sin: Tensor): Tensor | null {
  const addon = addonFor(x, cos, sin);
  if (!addon || x.rank < 2 || cos.rank !== 2 || sin.rank !== 2) return null;
  const seqLen = x.shape[x.rank - 2], headDim = x.shape[x.rank - 1];
  const [tableLen, r] = cos.shape as [number, number];
  if (r % 2 !== 0 || r > headDim || tableLen < seqLen || sin.shape[0] !== tableLen || sin.shape[1] !== r || x.size === 0) return null;
  const cosValues = f32(cos)!, sinValues = f32(sin)!;
  const rows = x.size / headDim;
  const apply = (values: Float32Array, direction: 1 | -1) => {
    const out = outputFloat32(values.length);
    addon.ropeApply(values, cosValues, sinValues, out, rows, seqLen, headDim, r, direction);
    return out;
  };
  const rope = tf.customGrad(((input: Tensor, save: (ts: Tensor[]) => void) => {
    save([]);
    return {
      value: tf.tensor(apply(f32(input)!, 1), input.shape, 'float32'),
      gradFunc: (dy: Tensor) => tf.tensor(apply(f32(dy)!, -1), input.shape, 'float32'),
    };
  }) as unknown as CustomGradientFunc);
  return rope(x);
}

/**
 * The state [s0, s1, s2, c] of seedrandom's Alea generator after seeding with `seed`, as tf.randomUniform seeds it
 * (seedrandom/lib/alea.js: Mash hashing of the seed string).
 */
export function aleaState(seed: string): Float64Array {
  let n = 0xefc8249d;
  const mash = (data: string): number => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * 2.3283064365386963e-10;
  };
  const s = [mash(' '), mash(' '), mash(' ')];
  for (let i = 0; i < 3; i++) {
    s[i] -= mash(seed);
    if (s[i] < 0) s[i] += 1;
  }
  return Float64Array.of(s[0], s[1], s[2], 1);
}

/**
 * tf.dropout(x, rate, undefined, seed) in one native pass, bit for bit: the same Alea stream (seeded from `seed`, or
 * from Math.random() as tfjs does when it is absent) and the same float32 roundings, without the uniform tensor
 * drawn in JavaScript and the add/floor/div/mul that turn it into a mask. The gradient is dy·mask. Null when not on
 * native cpu.
 */
export function fusedDropout(x: Tensor, rate: number, seed?: number | string): Tensor | null {
  const addon = addonFor(x);
  if (!addon || !(rate > 0 && rate < 1) || x.size === 0) return null;
  const keepProb = 1 - rate;
  const state = aleaState(String(seed ?? Math.random()));
  const keep = new Uint8Array(x.size);
  const drop = tf.customGrad(((input: Tensor, save: (ts: Tensor[]) => void) => {
    const y = outputFloat32(input.size);
    addon.dropoutForward(f32(input)!, y, keep, state, keepProb);
    save([]);
    return {
      value: tf.tensor(y, input.shape, 'float32'),
      gradFunc: (dy: Tensor) => {
        const dx = outputFloat32(input.size);
        addon.dropoutBackward(f32(dy)!, keep, dx, keepProb);
        return tf.tensor(dx, input.shape, 'float32');
      },
    };
  }) as unknown as CustomGradientFunc);
  return drop(x);
}

/**
 * nn.Linear on rows x (N, in) with weight (out, in): y = x·wᵀ + bias as one GEMM onto the bias, instead of a GEMM and
 * a broadcast add over the output; gradients dx = dy·w, dw = dyᵀ·x (native GEMMs) and dbias = Σ_rows dy. Null when
 * not on native cpu.
 */
export function fusedLinear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor | null {
  const addon = bias ? addonFor(x, weight, bias) : addonFor(x, weight);
  if (!addon || x.rank !== 2 || weight.rank !== 2 || x.shape[1] !== weight.shape[1] || x.size === 0) return null;
  const [rows, inF] = x.shape as [number, number];
  const outF = weight.shape[0] as number;
  if (bias && bias.size !== outF) return null;
  const linear = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as (ts: Tensor[]) => void;
    const [input, w, b] = args as [Tensor, Tensor, Tensor | undefined];
    const y = outputFloat32(rows * outF);
    addon.linearForward(f32(input)!, f32(w)!, b ? f32(b)! : null, y, rows, inF, outF);
    save([input, w]);
    return {
      value: tf.tensor(y, [rows, outF], 'float32'),
      gradFunc: (dy: Tensor, [xs, ws]: Tensor[]) => {
        const g = f32(dy)!;
        const dx = outputFloat32(rows * inF), dw = outputFloat32(outF * inF);
        addon.batchMatMul(g, f32(ws)!, dx, 1, 1, 1, rows, inF, outF, false, false);
        addon.batchMatMul(g, f32(xs)!, dw, 1, 1, 1, outF, inF, rows, true, false);
        const grads = [tf.tensor(dx, [rows, inF], 'float32'), tf.tensor(dw, [outF, inF], 'float32')];
        if (b) {
          const db = new Float32Array(outF);
          addon.reduce(g, db, 1, rows, outF, 0);
          grads.push(tf.tensor(db, b.shape, 'float32'));
        }
        return grads;
      },
    };
  }) as unknown as CustomGradientFunc);
  return bias ? linear(x, weight, bias) : linear(x, weight);
}

/** A BatchNorm1d in eval mode: its affine parameters and running statistics. */
export interface EvalBatchNorm {
  weight: Tensor;
  bias: Tensor;
  runningMean: Tensor;
  runningVar: Tensor;
  eps: number;
}

/** The layers of one inference conv block: Conv1d (stride 1) → optional eval BatchNorm1d → optional SiLU → optional MaxPool1d. */
export interface InferenceConvBlock {
  /** PyTorch layout (Cout, Cin, k). */
  weight: Tensor;
  bias: Tensor | null;
  padLeft: number;
  padRight: number;
  norm: EvalBatchNorm | null;
  /** 'silu', or the light-curve CNN's sin(w0·x) as { sine: w0 }. */
  act: 'silu' | { sine: number } | null;
  /** MaxPool1d window (stride = window, floor mode); 1 for none. */
  pool: number;
}

/**
 * Inference (no gradient): Conv1d → eval BatchNorm1d → SiLU or sine → MaxPool1d of channels-last x (B, L, Cin) as ONE native
 * kernel writing only the block's output. The BatchNorm is folded into the conv weights and bias inside the kernel on
 * every call (so a training step or weight load never leaves a stale copy), and the batch is processed in cache-sized
 * tiles (im2col, GEMM, bias, SiLU, pooling per tile). Equal to the op-by-op layers up to float32 rounding of the
 * folding. Null when not on native cpu, or while a gradient tape is recording (tf.grad / variableGrads): the fused
 * kernel has no gradient, so a frozen encoder under a trained head keeps the differentiable path.
 */
export function inferenceConvBlock(x: Tensor, block: InferenceConvBlock): Tensor | null {
  const { weight, bias, norm } = block;
  const normTensors = norm ? [norm.weight, norm.bias, norm.runningMean, norm.runningVar] : [];
  const addon = addonFor(x, weight, ...(bias ? [bias] : []), ...normTensors);
  if (!addon || tf.engine().isTapeOn() || x.rank !== 3 || weight.rank !== 3 || x.size === 0) return null;
  const [b, len, cin] = x.shape as [number, number, number];
  const [cout, wCin, k] = weight.shape as [number, number, number];
  const outLen = len + block.padLeft + block.padRight - k + 1;
  const pool = block.pool;
  if (wCin !== cin || outLen < 1 || !(pool >= 1) || outLen < pool || block.padLeft < 0 || block.padRight < 0) return null;
  if ((bias && bias.size !== cout) || normTensors.some((t) => t.size !== cout)) return null;
  const pooledLen = Math.floor(outLen / pool);
  const y = outputFloat32(b * pooledLen * cout);
  addon.convBlockInference(f32(x)!, f32(weight)!, bias ? f32(bias)! : null, norm ? f32(norm.weight)! : null,
    norm ? f32(norm.bias)! : null, norm ? f32(norm.runningMean)! : null, norm ? f32(norm.runningVar)! : null, y,
    b, len, cin, cout, k, block.padLeft, outLen, norm?.eps ?? 0, block.act === 'silu' ? 1 : block.act ? 2 : 0, pool,
    block.act && block.act !== 'silu' ? block.act.sine : 1);
  return tf.tensor(y, [b, pooledLen, cout], 'float32');
}

/** Weight (out, in) and bias of an nn.Linear. */
export interface LinearParts {
  weight: Tensor;
  bias: Tensor | null;
}

/**
 * Inference (no gradient) of RoPE multi-head self-attention without a key mask, x (B, T, D) → (B, T, D): the q/k/v
 * projections as one GEMM, partial RoPE in place, softmax(q·kᵀ/√d)·v per head written straight into the merged
 * layout, and the output projection, in ONE native call (no head transposes, none of the ~15 intermediate tensors).
 * Same float32 operations in the same order as the op-by-op layers. Null when not on native cpu, while a gradient
 * tape records, or for shapes it does not cover (a projection without bias, RoPE tables shorter than T).
 */
export function inferenceAttention(x: Tensor, proj: { query: LinearParts; key: LinearParts; value: LinearParts; output: LinearParts },
  cos: Tensor, sin: Tensor, numHeads: number): Tensor | null {
  const parts = [proj.query, proj.key, proj.value, proj.output];
  if (parts.some((p) => !p.bias)) return null;
  const addon = addonFor(x, cos, sin, ...parts.flatMap((p) => [p.weight, p.bias!]));
  if (!addon || tf.engine().isTapeOn() || x.rank !== 3 || x.size === 0) return null;
  const [b, t, dim] = x.shape as [number, number, number];
  const [tableLen, r] = cos.shape as [number, number];
  const headDim = dim / numHeads;
  if (!Number.isInteger(headDim) || cos.rank !== 2 || sin.rank !== 2 || sin.shape[0] !== tableLen || sin.shape[1] !== r
    || r % 2 !== 0 || r > headDim || tableLen < t) return null;
  if (parts.some((p) => p.weight.rank !== 2 || p.weight.shape[0] !== dim || p.weight.shape[1] !== dim || p.bias!.size !== dim)) return null;
  const y = outputFloat32(x.size);
  addon.attentionInference(f32(x)!, f32(proj.query.weight)!, f32(proj.query.bias!)!, f32(proj.key.weight)!, f32(proj.key.bias!)!,
    f32(proj.value.weight)!, f32(proj.value.bias!)!, f32(proj.output.weight)!, f32(proj.output.bias!)!, f32(cos)!, f32(sin)!, y,
    b, t, dim, numHeads, r);
  return tf.tensor(y, x.shape, 'float32');
}

/**
 * Inference (no gradient) of nn.Linear followed by SiLU on rows x (N, in), weight (out, in): one GEMM onto the bias
 * with SiLU applied in place (the Conformer feed-forward's expansion). Null when not on native cpu or while a gradient
 * tape records.
 */
export function inferenceLinearSilu(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor | null {
  const addon = bias ? addonFor(x, weight, bias) : addonFor(x, weight);
  if (!addon || tf.engine().isTapeOn() || x.rank !== 2 || weight.rank !== 2 || x.shape[1] !== weight.shape[1] || x.size === 0) return null;
  const [rows, inF] = x.shape as [number, number];
  const outF = weight.shape[0] as number;
  if (bias && bias.size !== outF) return null;
  const y = outputFloat32(rows * outF);
  addon.linearForward(f32(x)!, f32(weight)!, bias ? f32(bias)! : null, y, rows, inF, outF, 1);
  return tf.tensor(y, [rows, outF], 'float32');
}

/**
 * Inference (no gradient) of the Conformer's post-norm residual, LayerNorm(f + x·factor) over the last axis, in one
 * native pass with the same float32 operations as add(f, mul(x, factor)) followed by the fused LayerNorm. `factor` is
 * a scalar tensor (the `input_factor` buffer). Null when not on native cpu, while a gradient tape records, or when
 * shapes differ.
 */
export function inferenceResidualLayerNorm(f: Tensor, x: Tensor, factor: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor | null {
  const addon = addonFor(f, x, factor, weight, bias);
  const channels = x.shape[x.rank - 1];
  if (!addon || tf.engine().isTapeOn() || factor.size !== 1 || x.size === 0 || f.shape.join() !== x.shape.join()
    || weight.size !== channels || bias.size !== channels) return null;
  const y = outputFloat32(x.size);
  addon.residualLayerNorm(f32(f)!, f32(x)!, f32(factor)![0], f32(weight)!, f32(bias)!, y, x.size / channels, channels, eps);
  return tf.tensor(y, x.shape, 'float32');
}
