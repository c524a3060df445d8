/**
 * Stage 2: light-curve encoder pretraining (digest §4): two random crops of the same star go through
 * the SimSiam pair; the period head predicts rotation-period quantiles from [z1, z2].
 * L = w·SimSiam + (1 − w)·CQR(Prot), with missing periods counting as zero loss like the reference.
 */
import { tf } from '../../model/tf';
import type { Tensor } from '../../model/tf';
import { LightCurveEncoderModel } from '../../model/lightcurve/multitask-simsiam';
import { LIGHT_CURVE_ENCODER_CONFIGS, type ModelSize } from '../../model/configs';
import { cqrPinballLoss, reduceCqrLoss, simsiamLoss, DEFAULT_QUANTILES } from '../../losses';
import { crop, cropStarts, transformView } from '../../preprocess';
import type { StageDefinition } from '../trainer';
import { splitRows } from './spectra';

/** One star's stitched, NaN-filled PDCSAP series and what the views need. */
export interface LightCurveStar {
  flux: Float32Array;
  /** Absolute magnitude k for the paper's channel A; null → channel A is the raw smoothed flux. */
  absMagnitude: number | null;
  /** Rotation period label (days), z-scored with the dataset's stats; NaN when unknown. */
  period: number;
}

export interface LightCurveStageOptions {
  size: ModelSize;
  validationFraction?: number;
  /** Weight of the SimSiam term (the rest is CQR). */
  simsiamWeight?: number;
}

/** How a star's views are made: the paper's absolute-magnitude channel A when k is known, else raw flux. */
function viewOptions(s: LightCurveStar) {
  return { channelA: s.absMagnitude === null ? ('raw' as const) : ('absmag' as const), absMagnitude: s.absMagnitude, movingAverageWindow: 13 };
}

/** One (4, L) input per star from the centre of its series, no augmentation (for frozen features). */
export function centreViews(stars: readonly LightCurveStar[], length: number): Float32Array {
  const out = new Float32Array(stars.length * 4 * length);
  stars.forEach((s, i) => {
    const start = Math.max(0, Math.floor((s.flux.length - length) / 2));
    out.set(transformView(crop(s.flux, start, length), length, viewOptions(s), start).modelInput, i * 4 * length);
  });
  return out;
}

/** The (B, 4, L) inputs of both views for these stars, crops drawn from `rng`. */
export function lightCurveViews(stars: readonly LightCurveStar[], rows: number[], length: number, rng: () => number): [Float32Array, Float32Array] {
  const v1 = new Float32Array(rows.length * 4 * length), v2 = new Float32Array(rows.length * 4 * length);
  rows.forEach((r, i) => {
    const s = stars[r];
    const starts = cropStarts(s.flux.length, length, 2, 'random', Math.floor(rng() * 2 ** 31));
    const opts = viewOptions(s);
    v1.set(transformView(crop(s.flux, starts[0], length), length, opts, starts[0]).modelInput, i * 4 * length);
    v2.set(transformView(crop(s.flux, starts[1], length), length, opts, starts[1]).modelInput, i * 4 * length);
  });
  return [v1, v2];
}

export function lightCurveStage(stars: readonly LightCurveStar[], opts: LightCurveStageOptions): StageDefinition & { model: LightCurveEncoderModel } {
  const config = LIGHT_CURVE_ENCODER_CONFIGS[opts.size];
  const L = config.inputLength;
  const model = new LightCurveEncoderModel(config);
  const { train, validation } = splitRows(stars.length, opts.validationFraction ?? 0.1);
  const w = opts.simsiamWeight ?? 0.5;
  return {
    name: 'lightcurve',
    model,
    module: model,
    trainable: model.trainableVariables,
    trainRows: train,
    validationRows: validation,
    losses(rows, rng, training) {
      const [a, b] = lightCurveViews(stars, rows, L, rng);
      const period = Float32Array.from(rows, (r) => stars[r].period);
      return tf.tidy(() => {
        const out = model.forward({ view1: tf.tensor3d(a, [rows.length, 4, L]), view2: tf.tensor3d(b, [rows.length, 4, L]) }, { training });
        const ssl = simsiamLoss(out.p1, out.p2, out.z1, out.z2);
        const target = tf.tensor2d(period, [rows.length, 1]);
        const cqr = reduceCqrLoss(cqrPinballLoss(out.quantiles, target, DEFAULT_QUANTILES), { reduction: 'nan_as_zero_mean' });
        const total: Tensor = tf.add(tf.mul(ssl, w), tf.mul(cqr, 1 - w));
        return { total, simsiam: ssl, cqr };
      });
    },
  };
}
