/**
 * Multi-head attention written with plain tfjs ops (tfjs has no public MultiHeadAttention layer), and
 * `MHA_rotary` of the reference: q/k/v/output Linear(D, D) with bias, partial RoPE on q and k.
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module } from '../params';
import { Linear } from './linear';
import { applyPartialRotary, RotaryEmbedding, type RotaryTables } from './rope';
import { inferenceAttention } from '../backend/fused-layers';

/** (B, T, H·d) → (B, H, T, d). */
export function splitHeads(x: Tensor, numHeads: number): Tensor {
  return tf.tidy(() => {
    const [b, t, dModel] = x.shape as [number, number, number];
    if (dModel % numHeads !== 0) throw new Error(`model width ${dModel} is not divisible by ${numHeads} heads`);
    return tf.transpose(tf.reshape(x, [b, t, numHeads, dModel / numHeads]), [0, 2, 1, 3]);
  });
}

/** (B, H, T, d) → (B, T, H·d). */
export function mergeHeads(x: Tensor): Tensor {
  return tf.tidy(() => {
    const [b, h, t, d] = x.shape as [number, number, number, number];
    return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b, t, h * d]);
  });
}

/**
 * softmax(q·kᵀ/√d [+ mask]) · v for q (B, H, Tq, d), k and v (B, H, Tk, d).
 * `keyMask` (B, Tk), 1 = attend, 0 = ignore, like the reference `key_padding_mask`.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, keyMask?: Tensor): Tensor {
  return tf.tidy(() => {
    const d = q.shape[q.rank - 1];
    // Scaling q (T·d values) rather than the scores (T·T) is the same product with a quarter of the work here.
    let scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(d)), k, false, true);
    if (keyMask) {
      const [b, tk] = keyMask.shape;
      const blocked = tf.mul(tf.sub(1, tf.reshape(tf.cast(keyMask, 'float32'), [b, 1, 1, tk])), -1e30);
      scores = tf.add(scores, blocked);
    }
    return tf.matMul(tf.softmax(scores, -1), v);
  });
}

export interface RotaryAttentionOptions {
  dim: number;
  numHeads: number;
  /** Fraction of each head that is rotated; the reference uses 0.5. */
  rotaryFraction?: number;
}

/**
 * `MHA_rotary` (nn/Modules/mhsa_pro.py): RoPE tables are passed in by the parent (`pe`); the module's
 * own `rotary_emb.inv_freq` buffer exists only so state dicts match and is unused, as in the reference.
 */
export class RotaryMultiHeadAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly output: Linear;
  readonly numHeads: number;
  readonly rotaryDims: number;

  constructor(opts: RotaryAttentionOptions) {
    super();
    this.numHeads = opts.numHeads;
    const headSize = opts.dim / opts.numHeads;
    if (!Number.isInteger(headSize)) throw new Error(`attention width ${opts.dim} is not divisible by ${opts.numHeads} heads`);
    this.rotaryDims = Math.trunc(headSize * (opts.rotaryFraction ?? 0.5));
    this.query = this.child('query', new Linear(opts.dim, opts.dim));
    this.key = this.child('key', new Linear(opts.dim, opts.dim));
    this.value = this.child('value', new Linear(opts.dim, opts.dim));
    this.child('rotary_emb', new RotaryEmbedding(this.rotaryDims));
    this.output = this.child('output', new Linear(opts.dim, opts.dim));
  }

  /**
   * DeepNorm initialisation of the reference `deepnorm_init`: q and k xavier_normal(gain 1), v and
   * output xavier_normal(gain β), all biases zero.
   */
  initDeepNorm(beta: number): void {
    this.query.initXavierNormal(1);
    this.key.initXavierNormal(1);
    this.value.initXavierNormal(beta);
    this.output.initXavierNormal(beta);
  }

  /** x (B, T, D) with RoPE tables of width rotaryDims → (B, T, D). */
  forward(x: Tensor, rope: RotaryTables, keyMask?: Tensor): Tensor {
    return tf.tidy(() => {
      // Inference without a mask: the whole module is one native call (null while a gradient tape records).
      const fast = keyMask ? null : inferenceAttention(x, this, rope.cos, rope.sin, this.numHeads);
      if (fast) return fast;
      const q = applyPartialRotary(splitHeads(this.query.forward(x), this.numHeads), rope);
      const k = applyPartialRotary(splitHeads(this.key.forward(x), this.numHeads), rope);
      const v = splitHeads(this.value.forward(x), this.numHeads);
      return this.output.forward(mergeHeads(scaledDotProductAttention(q, k, v, keyMask)));
    });
  }
}

/** Applies `initDeepNorm(beta)` to every RoPE attention inside `root` (the reference `deepnorm_init`). */
export function deepNormInit(root: Module, beta: number): void {
  for (const m of root.modules()) if (m instanceof RotaryMultiHeadAttention) m.initDeepNorm(beta);
}
