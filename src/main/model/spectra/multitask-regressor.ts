/**
 * The spectra encoder model of stage 1, `MultiTaskRegressor` (nn/models.py): MultiEncoder + masked-
 * filling CNN decoder + CQR quantile head, with the reference's state-dict key names.
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module } from '../params';
import { activation } from '../layers/activations';
import { QuantileHead } from '../layers/quantile-head';
import type { ConvImpl } from '../layers/conv';
import type { SpectraEncoderConfig } from '../configs';
import { MultiEncoder } from './multi-encoder';
import { CnnDecoder } from './decoder';

export interface SpectraInputs {
  /** Model input spectra (B, L), L = config.inputLength (masked spectra during pre-training). */
  x: Tensor;
}

export interface SpectraOutputs {
  /** The spectra feature: Conformer tokens summed, (B, D). */
  features: Tensor;
  /** CNN tokens before the Conformer, (B, T, C). */
  cnnTokens: Tensor;
  /** Conformer tokens, (B, T, D). */
  conformerTokens: Tensor;
  /** Raw head output (B, labels·quantiles), the reference `output_reg`. */
  regressor: Tensor;
  /** Quantile predictions (B, labels, quantiles). */
  quantiles: Tensor;
  /** Decoder reconstruction of the spectrum, (B, L). */
  reconstruction: Tensor;
}

export class SpectraEncoderModel extends Module {
  readonly encoder: MultiEncoder;
  readonly decoder: CnnDecoder;
  readonly head: QuantileHead;

  constructor(readonly config: SpectraEncoderConfig, opts: { convImpl?: ConvImpl } = {}) {
    super();
    const impl = opts.convImpl ?? 'auto';
    this.encoder = this.child('encoder', new MultiEncoder(config.cnn, config.conformer, impl));
    this.decoder = this.child('decoder', new CnnDecoder(config.cnn, impl));
    const d = config.conformer.encoderDim;
    const act = activation(config.cnn.activation === 'silu' || config.cnn.activation === 'sine' ? config.cnn.activation : 'relu', config.cnn.sineW0 ?? 1);
    this.head = this.child(
      'regressor',
      new QuantileHead(d, Math.floor(d / 2), config.head.outputDim * config.head.numQuantiles, act, config.head.dropout),
    );
  }

  /** The spectra feature DESA consumes (Conformer tokens summed), (B, L) → (B, D). */
  encode(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => this.encoder.forward(x, training).features);
  }

  /** Full forward pass; in `training` mode BatchNorm uses batch statistics and dropout is active. */
  forward(inputs: SpectraInputs, opts: { training: boolean }): SpectraOutputs {
    const { x } = inputs;
    if (x.rank !== 2 || x.shape[1] !== this.config.inputLength) {
      throw new Error(`spectra encoder: expected input (batch, ${this.config.inputLength}), got [${x.shape}]`);
    }
    return tf.tidy(() => {
      const enc = this.encoder.forward(x, opts.training);
      const regressor = this.head.forward(enc.features, opts.training);
      const { outputDim, numQuantiles } = this.config.head;
      return {
        ...enc,
        regressor,
        quantiles: tf.reshape(regressor, [x.shape[0], outputDim, numQuantiles]),
        reconstruction: this.decoder.forward(enc.cnnTokens, opts.training),
      };
    });
  }
}
