/**
 * Rotary position embedding (GPT-NeoX "rotate-half" style) as the reference code uses it: cos/sin tables
 * of width `rotaryDims` applied to the FIRST `rotaryDims` features of each head of q and k only
 * (partial rotary; the reference rotates half of each head).
 */
import { tf } from '../tf';
import type { Tensor, Variable } from '../tf';
import { Module } from '../params';
import { fusedRotary } from '../backend/fused-layers';

/** inv_freq_i = 1 / base^(2i/dim), i = 0 … dim/2 − 1, rounded like PyTorch's float32 computation. */
export function rotaryInvFreq(dim: number, base = 10000): Float32Array {
  if (dim % 2 !== 0) throw new Error(`rotary dimension must be even, got ${dim}`);
  const out = new Float32Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) {
    const exponent = Math.fround((2 * i) / dim);
    out[i] = Math.fround(1 / Math.fround(Math.pow(base, exponent)));
  }
  return out;
}

/** The cos and sin tables, each (T, rotaryDims): angles t·inv_freq duplicated to [freqs, freqs]. */
export interface RotaryTables {
  cos: Tensor;
  sin: Tensor;
}

/** Builds the (T, 2·len(invFreq)) tables for positions 0 … T−1 in float32, as `RotaryEmbedding.forward`. */
export function rotaryTables(seqLen: number, invFreq: ArrayLike<number>): RotaryTables {
  const half = invFreq.length;
  const cos = new Float32Array(seqLen * 2 * half);
  const sin = new Float32Array(seqLen * 2 * half);
  for (let t = 0; t < seqLen; t++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(t * invFreq[i]);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      for (const j of [i, i + half]) {
        cos[t * 2 * half + j] = c;
        sin[t * 2 * half + j] = s;
      }
    }
  }
  return { cos: tf.tensor2d(cos, [seqLen, 2 * half]), sin: tf.tensor2d(sin, [seqLen, 2 * half]) };
}

/** rotate_half([a, b]) = [−b, a] along the last axis. */
export function rotateHalf(x: Tensor): Tensor {
  return tf.tidy(() => {
    const d = x.shape[x.rank - 1];
    const begin = new Array(x.rank).fill(0);
    const size = [...x.shape];
    size[x.rank - 1] = d / 2;
    const first = tf.slice(x, begin, size);
    const second = tf.slice(x, [...begin.slice(0, -1), d / 2], size);
    return tf.concat([tf.neg(second), first], -1);
  });
}

/**
 * Applies RoPE to the first `cos.shape[1]` features of x (…, T, headDim) and passes the rest through.
 * cos/sin (T', r) with T' ≥ T are truncated to the first T positions, as the reference does.
 */
export function applyPartialRotary(x: Tensor, tables: RotaryTables): Tensor {
  return tf.tidy(() => {
    const t = x.shape[x.rank - 2];
    const headDim = x.shape[x.rank - 1];
    const r = tables.cos.shape[1] as number;
    if (r > headDim) throw new Error(`RoPE width ${r} exceeds head size ${headDim}`);
    if (tables.cos.shape[0] < t) throw new Error(`RoPE tables cover ${tables.cos.shape[0]} positions, need ${t}`);
    const fused = fusedRotary(x, tables.cos, tables.sin);
    if (fused) return fused;
    const cos = tables.cos.shape[0] === t ? tables.cos : tf.slice(tables.cos, [0, 0], [t, r]);
    const sin = tables.sin.shape[0] === t ? tables.sin : tf.slice(tables.sin, [0, 0], [t, r]);
    const begin = new Array(x.rank).fill(0);
    const rotSize = [...x.shape];
    rotSize[x.rank - 1] = r;
    const rot = r === headDim ? x : tf.slice(x, begin, rotSize);
    const rotated = tf.add(tf.mul(rot, cos), tf.mul(rotateHalf(rot), sin));
    if (r === headDim) return rotated;
    const passSize = [...x.shape];
    passSize[x.rank - 1] = headDim - r;
    const pass = tf.slice(x, [...begin.slice(0, -1), r], passSize);
    return tf.concat([rotated, pass], -1);
  });
}

/** The `RotaryEmbedding` module: holds `inv_freq` as a buffer and produces tables for a length. */
export class RotaryEmbedding extends Module {
  readonly invFreq: Variable;
  constructor(readonly dim: number, base = 10000) {
    super();
    this.invFreq = this.buffer('inv_freq', tf.tensor1d(rotaryInvFreq(dim, base)));
  }
  /** Tables for positions 0 … seqLen−1 from the stored (possibly loaded) inv_freq. */
  tables(seqLen: number): RotaryTables {
    return rotaryTables(seqLen, this.invFreq.dataSync());
  }
}
