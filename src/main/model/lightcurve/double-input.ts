/**
 * `DoubleInputRegressor` (nn/models.py) with stacked input and encoder_only: of the (B, 4, L) light-curve
 * input, the LAST `cnn.inChannels` rows (ACF, FFT) go to the CNN branch (`encoder1`, mean-pooled) and
 * the FIRST rows (flux A, z-scored flux) to the Astroconformer (`encoder2`); the backbone feature is
 * [CNN, Astroconformer] with NaN → 0.
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module } from '../params';
import { CnnEncoder } from '../layers/cnn-encoder';
import type { ConvImpl } from '../layers/conv';
import type { LightCurveEncoderConfig } from '../configs';
import { Astroconformer } from './astroconformer';

export interface BackboneOutput {
  /** CNN branch feature (B, C). */
  cnnFeatures: Tensor;
  /** Astroconformer tokens (B, T, D). */
  astroconformerTokens: Tensor;
  /** Astroconformer feature (B, D). */
  astroconformerFeatures: Tensor;
  /** [cnn, astroconformer] (B, C + D). */
  backbone: Tensor;
}

export class DoubleInputBackbone extends Module {
  readonly encoder1: CnnEncoder;
  readonly encoder2: Astroconformer;
  readonly outputDim: number;

  constructor(readonly cfg: LightCurveEncoderConfig, impl: ConvImpl = 'auto') {
    super();
    if (!cfg.cnn.avgOutput) throw new Error('light-curve CNN branch must mean-pool (avgOutput: true)');
    this.encoder1 = this.child('encoder1', new CnnEncoder(cfg.cnn, impl));
    this.encoder2 = this.child('encoder2', new Astroconformer(cfg.astroconformer, impl));
    this.outputDim = this.encoder1.outputDim + this.encoder2.outputDim;
  }

  /** x (B, channels, L) channel-first as the dataset yields it. */
  forward(x: Tensor, training: boolean): BackboneOutput {
    const cnnCh = this.cfg.cnn.inChannels;
    const fluxCh = this.cfg.astroconformer.inChannels;
    const [b, ch, len] = x.shape as [number, number, number];
    if (x.rank !== 3 || ch !== cnnCh + fluxCh) {
      throw new Error(`light-curve encoder: expected input (batch, ${cnnCh + fluxCh}, length), got [${x.shape}]`);
    }
    return tf.tidy(() => {
      const nwc = tf.transpose(x, [0, 2, 1]);
      const flux = tf.slice(nwc, [0, 0, 0], [b, len, fluxCh]);
      const spectral = tf.slice(nwc, [0, 0, fluxCh], [b, len, cnnCh]);
      const cnnFeatures = this.encoder1.forward(spectral, training);
      const astro = this.encoder2.forward(flux, training);
      const joined = tf.concat([cnnFeatures, astro.features], 1);
      const backbone = tf.where(tf.isNaN(joined), tf.zerosLike(joined), joined);
      return { cnnFeatures, astroconformerTokens: astro.tokens, astroconformerFeatures: astro.features, backbone };
    });
  }
}
