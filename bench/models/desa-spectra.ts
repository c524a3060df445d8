/**
 * DESA Studio's own spectra encoder (SpectraEncoderModel, `tiny` or `small` from configs.ts) set up for the
 * train-speed bench: one AdamW training step and one embedding pass, with the loss its PyTorch twin
 * (bench/torch/desa_spectra.py) uses: 0.5·MSE(reconstruction, x) + 0.5·pinball(quantiles, targets).
 */
import { tf } from '../../src/main/model/tf';
import type { Tensor } from '../../src/main/model/tf';
import { AdamW } from '../../src/main/model/optim/adamw';
import { setInitSeed } from '../../src/main/model/params';
import { SpectraEncoderModel } from '../../src/main/model/spectra/multitask-regressor';
import { SPECTRA_ENCODER_CONFIGS, type ModelSize } from '../../src/main/model/configs';

const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

/** Mean pinball loss of quantiles (B, labels, Q) against targets (B, labels). */
function pinball(quantiles: Tensor, target: Tensor): Tensor {
  const q = tf.tensor1d(QUANTILES);
  const err = tf.sub(tf.expandDims(target, -1), quantiles);
  return tf.mean(tf.maximum(tf.mul(q, err), tf.mul(tf.sub(q, 1), err)));
}

/** Builds the `size` spectra encoder with an AdamW optimiser; `batch` fixes the synthetic inputs. */
export function buildDesaSpectraBench(size: ModelSize, batch: number) {
  const config = SPECTRA_ENCODER_CONFIGS[size];
  setInitSeed(1234);
  const model = new SpectraEncoderModel(config);
  const variables = model.trainableVariables;
  const optimizer = new AdamW(variables, { lr: 1e-3, weightDecay: 1e-2 });
  const x = tf.randomNormal([batch, config.inputLength], 0, 1, 'float32', 31);
  const y = tf.randomNormal([batch, config.head.outputDim], 0, 1, 'float32', 32);

  const trainStep = (): number => {
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
      const out = model.forward({ x }, { training: true });
      return tf.add(tf.mul(tf.mean(tf.squaredDifference(out.reconstruction, x)), 0.5), tf.mul(pinball(out.quantiles, y), 0.5)) as tf.Scalar;
    }), variables);
    optimizer.step(grads);
    const loss = value.dataSync()[0];
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    return loss;
  };
  /** The spectra features DESA stores per star (eval mode), read back to JS as an app would. */
  const embed = (): void => {
    tf.tidy(() => model.encode(x, false)).dataSync();
  };
  const dispose = () => {
    optimizer.dispose();
    model.dispose();
    x.dispose();
    y.dispose();
  };
  return { config, params: model.countParameters(), trainStep, embed, dispose };
}
