/**
 * `MultiEncoder` (nn/models.py): CNN tokens → Conformer with partial RoPE → SUM over tokens.
 * The spectra feature DESA consumes is that sum (the light-curve branch uses a mean instead).
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module } from '../params';
import { CnnEncoder, type CnnEncoderConfig } from '../layers/cnn-encoder';
import { ConformerEncoder, type ConformerConfig } from '../layers/conformer';
import { RotaryEmbedding } from '../layers/rope';
import type { ConvImpl } from '../layers/conv';

export interface MultiEncoderOutput {
  /** CNN output before the Conformer, (B, T, C): the decoder's input. */
  cnnTokens: Tensor;
  /** Conformer output, (B, T, D). */
  conformerTokens: Tensor;
  /** Sum of the Conformer tokens, (B, D). */
  features: Tensor;
}

export class MultiEncoder extends Module {
  readonly backbone: CnnEncoder;
  readonly pe: RotaryEmbedding;
  readonly encoder: ConformerEncoder;

  constructor(cnn: CnnEncoderConfig, conformer: ConformerConfig, impl: ConvImpl = 'auto') {
    super();
    if (cnn.encoderDims[cnn.encoderDims.length - 1] !== conformer.encoderDim) {
      throw new Error(`MultiEncoder: CNN output width ${cnn.encoderDims.at(-1)} must equal the Conformer width ${conformer.encoderDim}`);
    }
    this.backbone = this.child('backbone', new CnnEncoder(cnn, impl));
    const headSize = conformer.encoderDim / conformer.numHeads;
    this.pe = this.child('pe', new RotaryEmbedding(Math.trunc(headSize * 0.5)));
    this.encoder = this.child('encoder', new ConformerEncoder(conformer, impl));
  }

  /** x: spectra (B, L) → tokens and the summed feature. */
  forward(x: Tensor, training: boolean): MultiEncoderOutput {
    return tf.tidy(() => {
      const [b, len] = x.shape as [number, number];
      const cnnTokens = this.backbone.forward(tf.reshape(x, [b, len, 1]), training);
      const conformerTokens = this.encodeTokens(cnnTokens, training);
      return { cnnTokens, conformerTokens, features: tf.sum(conformerTokens, 1) };
    });
  }

  /** Runs only the Conformer on tokens (B, T, D) (stage-wise use and tests). */
  encodeTokens(tokens: Tensor, training: boolean): Tensor {
    return tf.tidy(() => {
      const rope = this.pe.tables(tokens.shape[1] as number);
      return this.encoder.forward(tokens, rope, training);
    });
  }
}
