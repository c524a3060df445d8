/**
 * Multimodal SimSiam baseline (nn/simsiam.py `MultiModalSimSiam`, digest §7): one shared encoder,
 * projector (in → 64 → 64 → 32) and predictor (32 → 16 → 32); z1 from the light curve, z2 from the
 * spectrum; L = D(p1, z2)/2 + D(p2, z1)/2 with stop-gradient on z; representation cat(z1, z2).
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module } from '../params';
import { PredictionMlp, ProjectionMlp } from '../lightcurve/simsiam';
import { simsiamLoss } from '../../losses/contrastive';
import type { BaselineBatch, BaselineModel } from './baseline';
import { ScalarTokenTransformer, type ScalarTokenTransformerConfig } from './scalar-token-transformer';

export interface SimSiamBaselineConfig {
  encoder: ScalarTokenTransformerConfig;
  projectorHidden: number;
  projectorOutput: number;
  predictorHidden: number;
}

export class MultimodalSimSiam extends Module implements BaselineModel {
  readonly name = 'simsiam';
  private readonly backbone: ScalarTokenTransformer;
  private readonly projector: ProjectionMlp;
  private readonly predictor: PredictionMlp;

  constructor(readonly config: SimSiamBaselineConfig) {
    super();
    this.backbone = this.child('backbone', new ScalarTokenTransformer(config.encoder));
    this.projector = this.child('projector', new ProjectionMlp(config.encoder.outputDim, config.projectorHidden, config.projectorOutput));
    this.predictor = this.child('predictor', new PredictionMlp(config.projectorOutput, config.predictorHidden, config.projectorOutput));
  }

  private project(x: Tensor, latent: Tensor | null, training: boolean): Tensor {
    return tf.tidy(() => this.projector.forward(this.backbone.forward(x, latent, training), training));
  }

  loss(batch: BaselineBatch, training: boolean): Tensor {
    return tf.tidy(() => {
      const z1 = this.project(batch.lightCurveFeatures, batch.latent, training);
      const z2 = this.project(batch.spectraFeatures, batch.latent, training);
      return simsiamLoss(this.predictor.forward(z1, training), this.predictor.forward(z2, training), z1, z2);
    });
  }

  features(batch: BaselineBatch): Tensor {
    return tf.tidy(() => tf.concat([this.project(batch.lightCurveFeatures, batch.latent, false), this.project(batch.spectraFeatures, batch.latent, false)], -1));
  }
}
