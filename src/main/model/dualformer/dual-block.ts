/**
 * `DualFormerBlock`: attention then feed-forward, each with a residual, pre-norm (`norm_first`, DESA)
 * or post-norm. LayerNorms norm1_* guard the attention, norm2_* the feed-forward.
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module } from '../params';
import { dropout, LayerNorm } from '../layers';
import type { DualFormerConfig } from './config';
import { DualAttention } from './dual-attention';
import { DualFeedForward } from './dual-feed-forward';
import type { DualRotaryTables } from './rotary';

export class DualFormerBlock extends Module {
  private readonly norm11: LayerNorm;
  private readonly norm12: LayerNorm;
  private readonly norm21: LayerNorm;
  private readonly norm22: LayerNorm;
  private readonly attention: DualAttention;
  private readonly feedForward: DualFeedForward;

  constructor(private readonly config: DualFormerConfig) {
    super();
    const e = config.embedDim;
    this.norm11 = this.child('norm1_1', new LayerNorm(e));
    this.norm12 = this.child('norm1_2', new LayerNorm(e));
    this.norm21 = this.child('norm2_1', new LayerNorm(e));
    this.norm22 = this.child('norm2_2', new LayerNorm(e));
    this.attention = this.child('attention', new DualAttention(config));
    this.feedForward = this.child('feed_forward', new DualFeedForward(config));
  }

  forward(x1: Tensor, x2: Tensor, rope: DualRotaryTables | null, training: boolean): [Tensor, Tensor] {
    const rate = this.config.dropout;
    const result = tf.tidy(() => {
      let [h1, h2] = [x1, x2];
      if (this.config.normFirst) {
        const [a1, a2] = this.attention.forward(this.norm11.forward(h1), this.norm12.forward(h2), rope, training);
        h1 = tf.add(h1, dropout(a1, rate, training));
        h2 = tf.add(h2, dropout(a2, rate, training));
        const [f1, f2] = this.feedForward.forward(this.norm21.forward(h1), this.norm22.forward(h2), training);
        return [tf.add(h1, f1), tf.add(h2, f2)];
      }
      const [a1, a2] = this.attention.forward(h1, h2, rope, training);
      h1 = this.norm11.forward(tf.add(h1, dropout(a1, rate, training)));
      h2 = this.norm12.forward(tf.add(h2, dropout(a2, rate, training)));
      const [f1, f2] = this.feedForward.forward(h1, h2, training);
      return [this.norm21.forward(tf.add(h1, f1)), this.norm22.forward(tf.add(h2, f2))];
    });
    return [result[0], result[1]];
  }
}
