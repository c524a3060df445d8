/**
 * The light-curve encoder model of stage 2, `MultiTaskSimSiam(DoubleInputRegressor(CNNEncoder,
 * Astroconformer))`: a SimSiam pair (projector z, predictor p) over two views plus a CQR period head on
 * [z1, z2]. State-dict names follow the reference, including PyTorch's alias `simsiam.encoder.0/1` for
 * the backbone and projector (one set of weights, two key names).
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module, ModuleList } from '../params';
import { gelu } from '../layers/activations';
import { QuantileHead } from '../layers/quantile-head';
import type { ConvImpl } from '../layers/conv';
import type { LightCurveEncoderConfig } from '../configs';
import { DoubleInputBackbone, type BackboneOutput } from './double-input';
import { ProjectionMlp, PredictionMlp } from './simsiam';

export interface LightCurveInputs {
  /** First view (B, 4, L): rows flux A, z-scored flux, ACF, FFT. */
  view1: Tensor;
  /** Second view of the same stars (B, 4, L). */
  view2: Tensor;
}

export interface LightCurveViewOutput extends BackboneOutput {
  /** Projector output: the LC feature DESA uses, (B, P). */
  z: Tensor;
  /** Predictor output (B, P). */
  p: Tensor;
}

export interface LightCurveOutputs {
  z1: Tensor;
  z2: Tensor;
  p1: Tensor;
  p2: Tensor;
  /** Raw head output (B, labels·quantiles). */
  regressor: Tensor;
  /** Quantile predictions (B, labels, quantiles). */
  quantiles: Tensor;
  view1: LightCurveViewOutput;
  view2: LightCurveViewOutput;
}

/** `SimSiam(backbone)`: projector and predictor widths are backbone/4, as in nn/simsiam.py. */
class SimSiamPair extends Module {
  readonly backbone: DoubleInputBackbone;
  readonly projector: ProjectionMlp;
  readonly predictor: PredictionMlp;
  readonly outputDim: number;
  constructor(cfg: LightCurveEncoderConfig, impl: ConvImpl) {
    super();
    this.backbone = this.child('backbone', new DoubleInputBackbone(cfg, impl));
    const width = Math.floor(this.backbone.outputDim / 4);
    this.projector = this.child('projector', new ProjectionMlp(this.backbone.outputDim, width, width));
    // PyTorch lists the same modules again under `encoder` (an nn.Sequential of both).
    this.child('encoder', new ModuleList<Module>([this.backbone, this.projector]));
    this.predictor = this.child('predictor', new PredictionMlp(width, width, width));
    this.outputDim = width;
  }
}

export class LightCurveEncoderModel extends Module {
  readonly simsiam: SimSiamPair;
  readonly head: QuantileHead;

  constructor(readonly config: LightCurveEncoderConfig, opts: { convImpl?: ConvImpl } = {}) {
    super();
    this.simsiam = this.child('simsiam', new SimSiamPair(config, opts.convImpl ?? 'auto'));
    const zz = 2 * this.simsiam.outputDim;
    const { outputDim, numQuantiles, dropout } = config.head;
    this.head = this.child('regressor', new QuantileHead(zz, Math.floor(zz / 2), outputDim * numQuantiles, gelu, dropout));
  }

  /** The LC feature z = projector(backbone(x)) for one view (B, 4, L) → (B, P): `simsiam.encoder`. */
  encode(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => this.simsiam.projector.forward(this.simsiam.backbone.forward(x, training).backbone, training));
  }

  /** One view through backbone, projector and predictor, keeping the intermediates. */
  forwardView(x: Tensor, training: boolean): LightCurveViewOutput {
    return tf.tidy(() => {
      const bb = this.simsiam.backbone.forward(x, training);
      const z = this.simsiam.projector.forward(bb.backbone, training);
      return { ...bb, z, p: this.simsiam.predictor.forward(z, training) };
    });
  }

  /** Both views (BatchNorm statistics are per view in training, as two separate PyTorch calls). */
  forward(inputs: LightCurveInputs, opts: { training: boolean }): LightCurveOutputs {
    for (const [name, v] of Object.entries(inputs)) {
      if (v.rank !== 3 || v.shape[2] !== this.config.inputLength) {
        throw new Error(`light-curve encoder: ${name} must be (batch, channels, ${this.config.inputLength}), got [${v.shape}]`);
      }
    }
    // Not one big tidy: the nested per-view outputs are returned as they are (each step tidies itself).
    const view1 = this.forwardView(inputs.view1, opts.training);
    const view2 = this.forwardView(inputs.view2, opts.training);
    const regressor = tf.tidy(() => this.head.forward(tf.concat([view1.z, view2.z], 1), opts.training));
    const { outputDim, numQuantiles } = this.config.head;
    return {
      z1: view1.z,
      z2: view2.z,
      p1: view1.p,
      p2: view2.p,
      regressor,
      quantiles: tf.reshape(regressor, [regressor.shape[0], outputDim, numQuantiles]),
      view1,
      view2,
    };
  }
}
