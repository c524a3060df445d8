/**
 * VICReg baseline (`jepa` / `PredictiveMoco` in nn/moco.py, digest §7): a shared encoder on both
 * modalities and an MLPHead predictor; VICReg loss (25·invariance + 25·variance + 0.1·covariance)
 * between the two predicted vectors; representation cat(q_l, q_s). (At the reference's HEAD this
 * path crashes; this follows its evident design.)
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module } from '../params';
import { MlpHead } from '../layers/mlp-head';
import { vicregLoss, type VicRegOptions } from '../../losses/contrastive';
import type { BaselineBatch, BaselineModel } from './baseline';
import { ScalarTokenTransformer, type ScalarTokenTransformerConfig } from './scalar-token-transformer';

export interface VicRegBaselineConfig {
  encoder: ScalarTokenTransformerConfig;
  predictorHidden: number;
  loss?: VicRegOptions;
}

export class MultimodalVicReg extends Module implements BaselineModel {
  readonly name = 'vicreg';
  private readonly encoder: ScalarTokenTransformer;
  private readonly predictor: MlpHead;

  constructor(readonly config: VicRegBaselineConfig) {
    super();
    this.encoder = this.child('encoder', new ScalarTokenTransformer(config.encoder));
    const d = config.encoder.outputDim;
    this.predictor = this.child('predictor', new MlpHead(d, config.predictorHidden, d));
  }

  loss(batch: BaselineBatch, training: boolean): Tensor {
    return tf.tidy(() => {
      const spectra = this.predictor.forward(this.encoder.forward(batch.spectraFeatures, batch.latent, training));
      const lightCurve = this.predictor.forward(this.encoder.forward(batch.lightCurveFeatures, batch.latent, training));
      return vicregLoss(spectra, lightCurve, this.config.loss);
    });
  }

  features(batch: BaselineBatch): Tensor {
    return tf.tidy(() => tf.concat([this.encoder.forward(batch.lightCurveFeatures, batch.latent), this.encoder.forward(batch.spectraFeatures, batch.latent)], -1));
  }
}
