/**
 * `DualFeedForward`: a separate FFN per modality, Linear → activation → LayerNorm → Linear → Dropout.
 * The reference's Sequential is [Linear, Dropout, LayerNorm, Linear, Dropout] but its forward indexes
 * the members directly and never applies the first Dropout; the state-dict indices 0, 2, 3 remain.
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module, ModuleList } from '../params';
import { activation, dropout, LayerNorm, Linear } from '../layers';
import type { DualFormerConfig } from './config';

class ModalityFeedForward extends ModuleList {
  private readonly up: Linear;
  private readonly norm: LayerNorm;
  private readonly down: Linear;

  constructor(private readonly config: DualFormerConfig) {
    super();
    this.up = this.add('0', new Linear(config.embedDim, config.ffnDim));
    this.norm = this.add('2', new LayerNorm(config.ffnDim));
    this.down = this.add('3', new Linear(config.ffnDim, config.embedDim));
  }

  forward(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => {
      const hidden = this.norm.forward(activation(this.config.activation)(this.up.forward(x)));
      return dropout(this.down.forward(hidden), this.config.dropout, training);
    });
  }
}

export class DualFeedForward extends Module {
  readonly ffn1: ModalityFeedForward;
  readonly ffn2: ModalityFeedForward;

  constructor(config: DualFormerConfig) {
    super();
    this.ffn1 = this.child('ffn1', new ModalityFeedForward(config));
    this.ffn2 = this.child('ffn2', new ModalityFeedForward(config));
  }

  forward(x1: Tensor, x2: Tensor, training: boolean): [Tensor, Tensor] {
    return [this.ffn1.forward(x1, training), this.ffn2.forward(x2, training)];
  }
}
