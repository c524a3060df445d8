/**
 * `CNNDecoder` (nn/models.py): reads the PRE-Conformer CNN tokens and upsamples them back to the
 * spectrum: `numLayers` × [ConvTranspose1d(k4, s2, p1, no bias) → BN → act] over the reversed encoder
 * widths, then ConvTranspose1d(→1, k3, s1, p1, bias). `initial_expand` is created but never used, as in
 * the reference (kept so state dicts load).
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module, ModuleList } from '../params';
import { Linear } from '../layers/linear';
import { ConvTranspose1d, type ConvImpl } from '../layers/conv';
import { BatchNorm1d } from '../layers/norm';
import { activation, silu } from '../layers/activations';
import type { CnnEncoderConfig } from '../layers/cnn-encoder';

class UpBlock extends Module {
  readonly up: ConvTranspose1d;
  readonly bn: BatchNorm1d;
  constructor(inCh: number, outCh: number, impl: ConvImpl) {
    super();
    this.up = this.child('0', new ConvTranspose1d(inCh, outCh, 4, { stride: 2, padding: 1, bias: false, impl }));
    this.bn = this.child('1', new BatchNorm1d(outCh));
  }
}

export class CnnDecoder extends Module {
  private readonly blocks: UpBlock[];
  private readonly finalConv: ConvTranspose1d;
  private readonly act: (x: Tensor) => Tensor;

  constructor(cnn: CnnEncoderConfig, impl: ConvImpl = 'auto') {
    super();
    const dims = [...cnn.encoderDims].reverse();
    // The reference maps 'silu' and 'sine' to themselves and anything else to ReLU.
    this.act = activation(cnn.activation === 'silu' || cnn.activation === 'sine' ? cnn.activation : 'relu', cnn.sineW0 ?? 1);
    this.child('initial_expand', new Linear(dims[0], dims[0] * 4));
    const list = this.child('layers', new ModuleList<UpBlock>());
    for (let i = 0; i < cnn.numLayers; i++) {
      const inCh = i < dims.length - 1 ? dims[i] : dims[dims.length - 1];
      const outCh = i < dims.length - 1 ? dims[i + 1] : dims[dims.length - 1];
      list.add(String(i), new UpBlock(inCh, outCh, impl));
    }
    this.blocks = list.items;
    this.finalConv = this.child('final_conv', new ConvTranspose1d(dims[dims.length - 1], 1, 3, { stride: 1, padding: 1, bias: true, impl }));
  }

  /** tokens (B, T, C) → reconstruction (B, T·2^numLayers). */
  forward(tokens: Tensor, training: boolean): Tensor {
    return tf.tidy(() => {
      let h = tokens;
      for (const b of this.blocks) {
        // BatchNorm → SiLU is one fused op with the native kernels (as in the encoder's ConvBnAct).
        h = this.act === silu ? b.bn.forward(b.up.forward(h), training, 'silu') : this.act(b.bn.forward(b.up.forward(h), training));
      }
      const out = this.finalConv.forward(h);
      return tf.reshape(out, [out.shape[0], out.shape[1]]);
    });
  }
}
