/**
 * `MLPHead` (nn/Modules): Linear → LayerNorm → SiLU → Linear → LayerNorm → SiLU → Linear, with the
 * reference's Sequential indices (predictor.0/1/3/4/6). DualNet's auxiliary heads and the VICReg
 * baseline's predictor have this shape. (Written by the DualFormer/baselines helper; not in the index.)
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module, ModuleList } from '../params';
import { Linear } from './linear';
import { LayerNorm } from './norm';
import { silu } from './activations';

export class MlpHead extends Module {
  private readonly layers: [Linear, LayerNorm, Linear, LayerNorm, Linear];
  constructor(inDim: number, hiddenDim: number, outDim: number) {
    super();
    const seq = this.child('predictor', new ModuleList());
    this.layers = [
      seq.add('0', new Linear(inDim, hiddenDim)),
      seq.add('1', new LayerNorm(hiddenDim)),
      seq.add('3', new Linear(hiddenDim, hiddenDim)),
      seq.add('4', new LayerNorm(hiddenDim)),
      seq.add('6', new Linear(hiddenDim, outDim)),
    ];
  }
  forward(x: Tensor): Tensor {
    const [l0, n1, l3, n4, l6] = this.layers;
    return tf.tidy(() => l6.forward(silu(n4.forward(l3.forward(silu(n1.forward(l0.forward(x))))))));
  }
}
