/**
 * `Astroconformer` (nn/astroconf.py) in encoder-only use: a patch embedding Conv1d(k = stride = patch,
 * with bias) → BN → SiLU turns the flux channels into tokens, a post-norm Conformer ([RoPE-MHSA, conv],
 * no FFN) encodes them, and the feature is the MEAN over tokens. `pred_layer` is the identity
 * (encoder_only), so it has no weights.
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module } from '../params';
import { Conv1d, type ConvImpl } from '../layers/conv';
import { BatchNorm1d } from '../layers/norm';
import { silu } from '../layers/activations';
import { RotaryEmbedding } from '../layers/rope';
import { ConformerEncoder, type ConformerConfig } from '../layers/conformer';

export interface AstroconformerOutput {
  /** Conformer tokens (B, L/patch, D). */
  tokens: Tensor;
  /** Their mean (B, D). */
  features: Tensor;
}

class PatchEmbedding extends Module {
  readonly conv: Conv1d;
  readonly bn: BatchNorm1d;
  constructor(inChannels: number, dim: number, patch: number, impl: ConvImpl) {
    super();
    this.conv = this.child('0', new Conv1d(inChannels, dim, patch, { stride: patch, padding: 0, bias: true, impl }));
    this.bn = this.child('1', new BatchNorm1d(dim));
  }
  forward(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => silu(this.bn.forward(this.conv.forward(x), training)));
  }
}

export class Astroconformer extends Module {
  private readonly extractor: PatchEmbedding;
  readonly pe: RotaryEmbedding;
  private readonly encoder: ConformerEncoder;
  readonly outputDim: number;

  constructor(readonly cfg: ConformerConfig & { inChannels: number; patchSize: number }, impl: ConvImpl = 'auto') {
    super();
    this.extractor = this.child('extractor', new PatchEmbedding(cfg.inChannels, cfg.encoderDim, cfg.patchSize, impl));
    this.pe = this.child('pe', new RotaryEmbedding(Math.trunc((cfg.encoderDim / cfg.numHeads) * 0.5)));
    this.encoder = this.child('encoder', new ConformerEncoder(cfg, impl));
    this.outputDim = cfg.encoderDim;
  }

  /** x (B, L, inChannels) channels-last → tokens and mean feature. */
  forward(x: Tensor, training: boolean): AstroconformerOutput {
    return tf.tidy(() => {
      const patches = this.extractor.forward(x, training);
      const tokens = this.encoder.forward(patches, this.pe.tables(patches.shape[1] as number), training);
      return { tokens, features: tf.mean(tokens, 1) };
    });
  }
}
