/**
 * `DualNet` (nn/multi_modal.py), the full DESA model of stage 3: the frozen spectra encoder
 * (`MultiEncoder`, summed tokens) and the frozen light-curve encoder (`simsiam.encoder` =
 * [DoubleInputRegressor backbone, SimSiam projector]) feed the trainable DualFormer.
 *
 * Module names and order match the reference, so a released checkpoint (after stripping the DDP
 * `module.` prefix, see checkpoint/) loads with `loadStateDict(dualNet, importCheckpoint(file))`:
 * lc_backbone.0 / lc_backbone.1, spectra_backbone, dual_former, lc_head, spectra_head.
 */
import { tf } from './tf';
import type { Tensor, Variable } from './tf';
import { Module, ModuleList } from './params';
import { MlpHead } from './layers/mlp-head';
import { LIGHT_CURVE_ENCODER_CONFIGS, SPECTRA_ENCODER_CONFIGS, type ModelSize } from './configs';
import { MultiEncoder } from './spectra/multi-encoder';
import { DoubleInputBackbone } from './lightcurve/double-input';
import { ProjectionMlp } from './lightcurve/simsiam';
import { DualFormer, type DualFormerOutput } from './dualformer/dualformer';
import { DUALFORMER_CONFIGS, type DualFormerConfig } from './dualformer/config';
import type { SpectraEncoderModel } from './spectra/multitask-regressor';
import type { LightCurveEncoderModel } from './lightcurve/multitask-simsiam';

/** The parts a DualNet is assembled from (shared, not copied, when taken from pretrained models). */
export interface DualNetParts {
  spectraEncoder: MultiEncoder;
  lightCurveBackbone: DoubleInputBackbone;
  lightCurveProjector: ProjectionMlp;
  /** Width of the projector output (the LC feature). */
  lightCurveFeatureDim: number;
  /** Width of the spectra feature (the Conformer width). */
  spectraFeatureDim: number;
  dualFormer: DualFormerConfig;
  /** Hidden width of the unused auxiliary heads (128 in the reference) and their output size. */
  headHiddenDim?: number;
  headOutputDim?: number;
}

/** DualNet inputs: one spectrum and one light curve per star, plus its conditioning labels. */
export interface DualNetInputs {
  /** Preprocessed spectra (B, Ls). */
  spectra: Tensor;
  /** Light-curve model input (B, 4, L): flux A, z-scored flux, ACF, FFT. */
  lightCurves: Tensor;
  /** Conditioning labels with NaN already filled (`labelsToLatent`), (B, latentDim). */
  latent: Tensor | null;
}

export interface DualNetOutput extends DualFormerOutput {
  /** The encoder features fed to the DualFormer: x1 (B, Ds) and x2 (B, Dl). */
  spectraFeatures: Tensor;
  lightCurveFeatures: Tensor;
}

export class DualNet extends Module {
  readonly spectraEncoder: MultiEncoder;
  readonly lightCurveBackbone: DoubleInputBackbone;
  readonly lightCurveProjector: ProjectionMlp;
  readonly dualFormer: DualFormer;

  constructor(parts: DualNetParts) {
    super();
    const lc = this.child('lc_backbone', new ModuleList<Module>());
    this.lightCurveBackbone = lc.add('0', parts.lightCurveBackbone);
    this.lightCurveProjector = lc.add('1', parts.lightCurveProjector);
    this.spectraEncoder = this.child('spectra_backbone', parts.spectraEncoder);
    this.dualFormer = this.child('dual_former', new DualFormer(parts.dualFormer));
    // lc_head / spectra_head: instantiated but unused while the encoders are frozen (as in the
    // reference); they exist so checkpoints load without unexpected keys.
    const hidden = parts.headHiddenDim ?? 128;
    const out = parts.headOutputDim ?? 3;
    this.child('lc_head', new MlpHead(parts.lightCurveFeatureDim, hidden, out));
    this.child('spectra_head', new MlpHead(parts.spectraFeatureDim, hidden, out));
  }

  /** A fresh DualNet of a named size (weights to be trained or loaded). */
  static ofSize(size: ModelSize): DualNet {
    const spectra = SPECTRA_ENCODER_CONFIGS[size];
    const lcConfig = LIGHT_CURVE_ENCODER_CONFIGS[size];
    const backbone = new DoubleInputBackbone(lcConfig);
    const width = Math.floor(backbone.outputDim / 4); // SimSiam projector width, as in the encoder model
    return new DualNet({
      spectraEncoder: new MultiEncoder(spectra.cnn, spectra.conformer),
      lightCurveBackbone: backbone,
      lightCurveProjector: new ProjectionMlp(backbone.outputDim, width, width),
      lightCurveFeatureDim: width,
      spectraFeatureDim: spectra.conformer.encoderDim,
      dualFormer: DUALFORMER_CONFIGS[size],
    });
  }

  /** A DualNet around pretrained stage-1 and stage-2 encoders (their weights are shared, not copied). */
  static fromEncoders(spectra: SpectraEncoderModel, lightCurve: LightCurveEncoderModel, dualFormer: DualFormerConfig): DualNet {
    return new DualNet({
      spectraEncoder: spectra.encoder,
      lightCurveBackbone: lightCurve.simsiam.backbone,
      lightCurveProjector: lightCurve.simsiam.projector,
      lightCurveFeatureDim: lightCurve.simsiam.outputDim,
      spectraFeatureDim: spectra.config.conformer.encoderDim,
      dualFormer,
    });
  }

  /**
   * Only the DualFormer trains in DESA stage 3; the encoders are frozen, so an optimiser driven by
   * `trainableVariables` never touches them.
   */
  override get trainableVariables(): Variable[] {
    return this.dualFormer.trainableVariables;
  }

  /** Encoder features: spectra = summed Conformer tokens, light curve = projector(backbone). */
  encode(spectra: Tensor, lightCurves: Tensor, encodersTraining = false): { spectraFeatures: Tensor; lightCurveFeatures: Tensor } {
    return tf.tidy(() => ({
      spectraFeatures: this.spectraEncoder.forward(spectra, encodersTraining).features,
      lightCurveFeatures: this.lightCurveProjector.forward(this.lightCurveBackbone.forward(lightCurves, encodersTraining).backbone, encodersTraining),
    }));
  }

  /**
   * Full forward pass. The encoders run in eval mode unless `encodersTraining` (the reference leaves
   * them in train mode, so their BatchNorms use batch statistics — an option here, not the default).
   */
  forward(inputs: DualNetInputs, opts: { training?: boolean; encodersTraining?: boolean; returnTokens?: boolean } = {}): DualNetOutput {
    const { spectraFeatures, lightCurveFeatures } = this.encode(inputs.spectra, inputs.lightCurves, opts.encodersTraining ?? false);
    const out = this.dualFormer.forward(spectraFeatures, lightCurveFeatures, inputs.latent, { training: opts.training, returnTokens: opts.returnTokens });
    return { ...out, spectraFeatures, lightCurveFeatures };
  }
}
