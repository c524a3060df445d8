/**
 * `DualAttention`: every modality has its own q/k/v projections; with `cross_self` (DESA) the query
 * of modality 1 attends to modality 2 AND to itself and the two results are summed before out1_proj
 * (and symmetrically for modality 2). RoPE rotates q1/k1 with modality-1 positions and q2/k2 with
 * modality-2 positions, on the first half of each head.
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module } from '../params';
import { applyPartialRotary, dropout, Linear, mergeHeads, scaledDotProductAttention, splitHeads } from '../layers';
import type { DualFormerConfig } from './config';
import type { DualRotaryTables } from './rotary';

export class DualAttention extends Module {
  // Registration order = the reference's state-dict order.
  readonly q1: Linear;
  readonly k2: Linear;
  readonly v2: Linear;
  readonly q2: Linear;
  readonly k1: Linear;
  readonly v1: Linear;
  readonly out1: Linear;
  readonly out2: Linear;

  constructor(private readonly config: DualFormerConfig) {
    super();
    const e = config.embedDim;
    if (e % config.numHeads !== 0) throw new Error(`DualAttention: embed_dim ${e} is not divisible by ${config.numHeads} heads`);
    this.q1 = this.child('q1_proj', new Linear(e, e));
    this.k2 = this.child('k2_proj', new Linear(e, e));
    this.v2 = this.child('v2_proj', new Linear(e, e));
    this.q2 = this.child('q2_proj', new Linear(e, e));
    this.k1 = this.child('k1_proj', new Linear(e, e));
    this.v1 = this.child('v1_proj', new Linear(e, e));
    this.out1 = this.child('out1_proj', new Linear(e, e));
    this.out2 = this.child('out2_proj', new Linear(e, e));
  }

  /** x1 (B, L1, E), x2 (B, L2, E) → the two attention outputs, same shapes. */
  forward(x1: Tensor, x2: Tensor, rope: DualRotaryTables | null, training: boolean): [Tensor, Tensor] {
    return tf.tidy(() => {
      const heads = (lin: Linear, x: Tensor) => splitHeads(lin.forward(x), this.config.numHeads);
      const rotate = (t: Tensor, tables: DualRotaryTables['modality1'] | undefined) => (tables ? applyPartialRotary(t, tables) : t);
      const q1 = rotate(heads(this.q1, x1), rope?.modality1);
      const k1 = rotate(heads(this.k1, x1), rope?.modality1);
      const v1 = heads(this.v1, x1);
      const q2 = rotate(heads(this.q2, x2), rope?.modality2);
      const k2 = rotate(heads(this.k2, x2), rope?.modality2);
      const v2 = heads(this.v2, x2);
      const attend = (q: Tensor, k: Tensor, v: Tensor) => mergeHeads(this.attend(q, k, v, training));
      const mix = (q: Tensor, kOther: Tensor, vOther: Tensor, kSelf: Tensor, vSelf: Tensor): Tensor => {
        switch (this.config.attentionType) {
          case 'cross':
            return attend(q, kOther, vOther);
          case 'self':
            return attend(q, kSelf, vSelf);
          case 'cross_self':
            return tf.add(attend(q, kOther, vOther), attend(q, kSelf, vSelf));
        }
      };
      const a1 = this.out1.forward(mix(q1, k2, v2, k1, v1));
      const a2 = this.out2.forward(mix(q2, k1, v1, k2, v2));
      return [a1, a2];
    });
  }

  /** Scaled dot-product attention; in training the attention weights get dropout, as in the reference. */
  private attend(q: Tensor, k: Tensor, v: Tensor, training: boolean): Tensor {
    if (!training || this.config.attentionDropout <= 0) return scaledDotProductAttention(q, k, v);
    return tf.tidy(() => {
      const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(q.shape[q.rank - 1]));
      return tf.matMul(dropout(tf.softmax(scores, -1), this.config.attentionDropout, true), v);
    });
  }
}
