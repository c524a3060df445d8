/**
 * Named model sizes. One exported object per model kind, each keyed by size name:
 * - `tiny`: CI size, trains in minutes on two cores;
 * - `small`: about 1–2 M parameters in all (the authors' fixture configuration: spectra 0.81 M,
 *   light curve 0.46 M), what a laptop trains; parity tests load the fixture weights into it;
 * - `paper`: the paper's sizes (GPU workstation).
 * Other model kinds (DualFormer, …) add their own object next to these.
 */
import type { CnnEncoderConfig } from './layers/cnn-encoder';
import type { ConformerConfig } from './layers/conformer';

export type ModelSize = 'tiny' | 'small' | 'paper';

/** Spectra encoder (`MultiTaskRegressor`): CNN + Conformer + decoder + CQR head. */
export interface SpectraEncoderConfig {
  /** Model input length (the padded spectrum, 4096 in the reference). */
  inputLength: number;
  cnn: CnnEncoderConfig;
  conformer: ConformerConfig;
  head: { outputDim: number; numQuantiles: number; dropout: number };
}

/** Light-curve encoder (`MultiTaskSimSiam(DoubleInputRegressor(CNNEncoder, Astroconformer))`). */
export interface LightCurveEncoderConfig {
  /** Crop length L of the (4, L) input: rows flux A, z-scored flux, ACF, FFT. */
  inputLength: number;
  /** CNN branch on the last `cnn.inChannels` rows (ACF, FFT), mean-pooled. */
  cnn: CnnEncoderConfig;
  /** Astroconformer branch on the first rows (flux channels). */
  astroconformer: ConformerConfig & { inChannels: number; patchSize: number };
  head: { outputDim: number; numQuantiles: number; dropout: number };
}

const spectraTiny: SpectraEncoderConfig = {
  inputLength: 1024,
  cnn: { inChannels: 1, encoderDims: [8, 16, 32, 32, 32], numLayers: 5, kernelSize: 3, activation: 'silu', avgOutput: false },
  conformer: { blocks: ['mhsa_pro', 'conv', 'ffn'], numLayers: 1, encoderDim: 32, numHeads: 2, kernelSize: 3, dropout: 0.2, norm: 'postnorm', deepNormBeta: 1 },
  head: { outputDim: 3, numQuantiles: 5, dropout: 0.2 },
};

const spectraSmall: SpectraEncoderConfig = {
  inputLength: 4096,
  cnn: { inChannels: 1, encoderDims: [16, 32, 64, 128, 128], numLayers: 5, kernelSize: 3, activation: 'silu', avgOutput: false },
  conformer: { blocks: ['mhsa_pro', 'conv', 'ffn'], numLayers: 2, encoderDim: 128, numHeads: 4, kernelSize: 3, dropout: 0.2, norm: 'postnorm', deepNormBeta: 1 },
  head: { outputDim: 3, numQuantiles: 5, dropout: 0.2 },
};

const spectraPaper: SpectraEncoderConfig = {
  inputLength: 4096,
  cnn: { inChannels: 1, encoderDims: [64, 128, 256, 1024, 2048], numLayers: 5, kernelSize: 3, activation: 'silu', avgOutput: false },
  conformer: { blocks: ['mhsa_pro', 'conv', 'ffn'], numLayers: 8, encoderDim: 2048, numHeads: 8, kernelSize: 3, dropout: 0.2, norm: 'postnorm', deepNormBeta: 1 },
  head: { outputDim: 3, numQuantiles: 5, dropout: 0.2 },
};

/** Spectra encoder configurations by size. */
export const SPECTRA_ENCODER_CONFIGS: Record<ModelSize, SpectraEncoderConfig> = {
  tiny: spectraTiny,
  small: spectraSmall,
  paper: spectraPaper,
};

const lcTiny: LightCurveEncoderConfig = {
  inputLength: 1024,
  cnn: { inChannels: 2, encoderDims: [8, 16, 32, 32], numLayers: 4, kernelSize: 3, activation: 'sine', sineW0: 1, avgOutput: true },
  astroconformer: {
    inChannels: 2, patchSize: 16, blocks: ['mhsa_pro', 'conv'], numLayers: 1, encoderDim: 32, numHeads: 2,
    kernelSize: 3, dropout: 0.3, norm: 'postnorm', deepNormBeta: 0.913,
  },
  head: { outputDim: 1, numQuantiles: 5, dropout: 0.3 },
};

const lcSmall: LightCurveEncoderConfig = {
  inputLength: 4096,
  cnn: { inChannels: 2, encoderDims: [16, 32, 64, 128, 128], numLayers: 6, kernelSize: 3, activation: 'sine', sineW0: 1, avgOutput: true },
  astroconformer: {
    inChannels: 2, patchSize: 16, blocks: ['mhsa_pro', 'conv'], numLayers: 2, encoderDim: 128, numHeads: 4,
    kernelSize: 3, dropout: 0.3, norm: 'postnorm', deepNormBeta: 0.913,
  },
  head: { outputDim: 1, numQuantiles: 5, dropout: 0.3 },
};

const lcPaper: LightCurveEncoderConfig = {
  inputLength: 34560,
  cnn: { inChannels: 2, encoderDims: [32, 64, 128, 256, 512], numLayers: 6, kernelSize: 3, activation: 'sine', sineW0: 1, avgOutput: true },
  astroconformer: {
    inChannels: 2, patchSize: 20, blocks: ['mhsa_pro', 'conv'], numLayers: 5, encoderDim: 512, numHeads: 8,
    kernelSize: 3, dropout: 0.3, norm: 'postnorm', deepNormBeta: 0.913,
  },
  head: { outputDim: 1, numQuantiles: 5, dropout: 0.3 },
};

/** Light-curve encoder configurations by size. */
export const LIGHT_CURVE_ENCODER_CONFIGS: Record<ModelSize, LightCurveEncoderConfig> = {
  tiny: lcTiny,
  small: lcSmall,
  paper: lcPaper,
};
