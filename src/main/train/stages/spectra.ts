/**
 * Stage 1: spectra encoder pretraining (digest §3.3, §3.6): the encoder sees a randomly masked
 * spectrum; the decoder fills it back (masked-filling MSE) while the head predicts Teff, logg and
 * [Fe/H] quantiles (CQR, weighted by SNR_g / 1000). L = 0.5·MSE + 0.5·CQR.
 */
import { tf } from '../../model/tf';
import type { Tensor } from '../../model/tf';
import { SpectraEncoderModel } from '../../model/spectra/multitask-regressor';
import { SPECTRA_ENCODER_CONFIGS, type ModelSize } from '../../model/configs';
import { cqrPinballLoss, reduceCqrLoss, snrWeights, maskedFillMse, DEFAULT_QUANTILES } from '../../losses';
import type { StageDefinition } from '../trainer';

/** Preprocessed spectra ready for the encoder. */
export interface SpectraDataset {
  /** Row-major (n, length) model inputs. */
  inputs: Float32Array;
  length: number;
  n: number;
  /** Row-major (n, 3): Teff, logg, [Fe/H], z-scored with `labelStats`; NaN where unknown. */
  labels: Float32Array;
  labelStats: { mean: number[]; std: number[] };
  /** SNR in the g band per row (the CQR weight is snrg / 1000). */
  snrg: Float32Array;
}

export interface SpectraStageOptions {
  size: ModelSize;
  validationFraction?: number;
  /** Masking probability and zero-fraction of `RandomMasking` (digest §3.3). */
  maskProbability?: number;
  /** 'masked' (the paper) or 'all' (the authors' code) positions in the reconstruction loss. */
  reconstruction?: 'masked' | 'all';
  sslWeight?: number;
}

/** Rows split deterministically: every k-th row is validation. */
export function splitRows(n: number, validationFraction: number): { train: number[]; validation: number[] } {
  const every = validationFraction > 0 ? Math.max(2, Math.round(1 / validationFraction)) : 0;
  const train: number[] = [], validation: number[] = [];
  for (let i = 0; i < n; i++) (every && i % every === every - 1 ? validation : train).push(i);
  return { train, validation };
}

/** RandomMasking: each position masked with p; masked → 0 (80 %) or uniform in [0, high) (20 %). */
function maskBatch(x: Float32Array, rng: () => number, p: number, high: number): { masked: Float32Array; mask: Float32Array } {
  const masked = x.slice();
  const mask = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    if (rng() < p) {
      mask[i] = 1;
      masked[i] = rng() < 0.8 ? 0 : rng() * high;
    }
  }
  return { masked, mask };
}

export function spectraStage(data: SpectraDataset, opts: SpectraStageOptions): StageDefinition & { model: SpectraEncoderModel } {
  const config = SPECTRA_ENCODER_CONFIGS[opts.size];
  if (data.length !== config.inputLength) {
    throw new Error(`spectra stage: the '${opts.size}' model takes ${config.inputLength}-pixel inputs, the dataset has ${data.length}`);
  }
  const model = new SpectraEncoderModel(config);
  const { train, validation } = splitRows(data.n, opts.validationFraction ?? 0.1);
  const p = opts.maskProbability ?? 0.15;
  const w = opts.sslWeight ?? 0.5;
  // `random_high` in the reference is the maximum of the first spectrum seen; we fix it from row 0.
  let high = 0;
  for (let i = 0; i < data.length; i++) high = Math.max(high, data.inputs[i]);

  const gather = (rows: number[], src: Float32Array, width: number) => {
    const out = new Float32Array(rows.length * width);
    rows.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
    return out;
  };

  return {
    name: 'spectra',
    model,
    module: model,
    trainable: model.trainableVariables,
    trainRows: train,
    validationRows: validation,
    losses(rows, rng, training) {
      const clean = gather(rows, data.inputs, data.length);
      const { masked, mask } = maskBatch(clean, rng, p, high);
      return tf.tidy(() => {
        const shape: [number, number] = [rows.length, data.length];
        const out = model.forward({ x: tf.tensor2d(masked, shape) }, { training });
        const recon = maskedFillMse(out.reconstruction, tf.tensor2d(clean, shape), {
          positions: opts.reconstruction ?? 'masked', mask: tf.tensor2d(mask, shape),
        });
        const target = tf.tensor2d(gather(rows, data.labels, 3), [rows.length, 3]);
        const cqr = reduceCqrLoss(cqrPinballLoss(out.quantiles, target, DEFAULT_QUANTILES), {
          reduction: 'observed_mean', snrWeights: snrWeights(tf.tensor1d(gather(rows, data.snrg, 1))),
        });
        const total: Tensor = tf.add(tf.mul(recon, w), tf.mul(cqr, 1 - w));
        return { total, reconstruction: recon, cqr };
      });
    },
  };
}
