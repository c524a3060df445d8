/** The Conformer feed-forward module: LayerNorm → Linear(D→4D) → SiLU → Dropout → Linear(4D→D) → Dropout. */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module, ModuleList } from '../params';
import { LayerNorm } from './norm';
import { WrappedLinear, linearSiluInference } from './linear';
import { silu } from './activations';
import { dropout } from './dropout';

/** `FeedForwardModule` (nn/Modules/conformer.py); keys sequential.0 (LN), sequential.1.linear, sequential.4.linear. */
export class FeedForward extends Module {
  private readonly norm: LayerNorm;
  private readonly up: WrappedLinear;
  private readonly down: WrappedLinear;

  constructor(readonly dim: number, readonly dropoutRate: number, expansion = 4) {
    super();
    const seq = this.child('sequential', new ModuleList());
    this.norm = seq.add('0', new LayerNorm(dim));
    this.up = seq.add('1', new WrappedLinear(dim, dim * expansion));
    this.down = seq.add('4', new WrappedLinear(dim * expansion, dim));
  }

  forward(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => {
      const normed = this.norm.forward(x);
      // Inference: the expansion and its SiLU are one native pass (dropout is the identity in eval mode).
      const h = (training ? null : linearSiluInference(this.up.linear, normed))
        ?? dropout(silu(this.up.forward(normed)), this.dropoutRate, training);
      return dropout(this.down.forward(h), this.dropoutRate, training);
    });
  }
}
