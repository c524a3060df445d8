/**
 * The encoders train: with the `tiny` configs (inputs shortened to 256 samples, im2col convolutions,
 * which train faster than tfjs-cpu's conv backprop) on real fixture inputs, gradients reach every trainable
 * variable (except the reference's dead `decoder.initial_expand`), AdamW steps lower the stage losses,
 * and BatchNorm running statistics advance in training mode.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../../src/main/model/tf';
import type { Tensor, Variable } from '../../../src/main/model/tf';
import { loadFixture } from '../../helpers/fixtures';
import { setInitSeed } from '../../../src/main/model/params';
import { SPECTRA_ENCODER_CONFIGS, LIGHT_CURVE_ENCODER_CONFIGS } from '../../../src/main/model/configs';
import { SpectraEncoderModel } from '../../../src/main/model/spectra/multitask-regressor';
import { RandomMasking } from '../../../src/main/model/spectra/random-masking';
import { LightCurveEncoderModel } from '../../../src/main/model/lightcurve/multitask-simsiam';
import { AdamW } from '../../../src/main/model/optim/adamw';
import { maskedFillMse, cqrPinballLoss, reduceCqrLoss, simsiamLoss } from '../../../src/main/losses';

beforeAll(async () => {
  await tf.setBackend('cpu');
  setInitSeed(11);
});

/** Every [name, variable] pair whose gradient is missing, non-finite or identically zero. */
function deadGradients(named: Array<[string, Variable]>, grads: Record<string, Tensor>): string[] {
  return named
    .filter(([, v]) => {
      const g = grads[v.name];
      if (!g) return true;
      const d = g.dataSync();
      return !d.every(Number.isFinite) || d.every((x) => x === 0);
    })
    .map(([n]) => n);
}

/** Runs `steps` AdamW steps of `loss` and returns the loss before and after, plus dead gradients. */
const LENGTH = 256;
const STEPS = 4;

function train(model: { namedParameters(): Array<[string, Variable]>; trainableVariables: Variable[] }, loss: () => tf.Scalar, steps: number) {
  const opt = new AdamW(model.trainableVariables, { lr: 3e-3, weightDecay: 1e-6 });
  let first = NaN;
  let dead: string[] = [];
  for (let s = 0; s < steps; s++) {
    const { value, grads } = tf.variableGrads(loss, model.trainableVariables);
    if (s === 0) {
      first = value.dataSync()[0];
      dead = deadGradients(model.namedParameters(), grads);
    }
    opt.step(grads);
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
  }
  const last = tf.tidy(() => loss().dataSync()[0]);
  opt.dispose();
  return { first, last, dead };
}

describe('one training stage of each encoder (tiny configs, cpu)', () => {
  it('spectra: masked-filling MSE + CQR lowers the loss and reaches every used weight', () => {
    const base = SPECTRA_ENCODER_CONFIGS.tiny;
    // Dropout off so that 'the loss went down' compares the same deterministic function.
    const cfg = { ...base, inputLength: LENGTH, conformer: { ...base.conformer, dropout: 0 }, head: { ...base.head, dropout: 0 } };
    const model = new SpectraEncoderModel(cfg, { convImpl: 'im2col' });
    // Real preprocessed LAMOST spectra (fixture input), decimated 16× (the last 1/8 is padding).
    const fx = loadFixture('models/spectra_encoder');
    const full = fx.f32('input/x');
    const b = 4;
    const step = 4096 / LENGTH;
    const clean = new Float32Array(b * LENGTH);
    for (let i = 0; i < b; i++) for (let j = 0; j < LENGTH; j++) clean[i * LENGTH + j] = full[i * 4096 + step * j];
    const masking = new RandomMasking({ seed: 5 });
    const maskedRows = [...Array(b).keys()].map((i) => masking.apply(clean.subarray(i * LENGTH, (i + 1) * LENGTH), 3600 / step).masked);
    const x = tf.tensor2d(Float32Array.from(maskedRows.flatMap((r) => Array.from(r))), [b, cfg.inputLength]);
    const target = tf.tensor2d(clean, [b, cfg.inputLength]);
    const labels = tf.tensor2d([[1.0, 4.4, 0.0], [0.9, 4.6, -0.3], [1.1, 4.1, 0.2], [0.8, 4.7, NaN]]);

    const loss = () => tf.tidy(() => {
      const out = model.forward({ x }, { training: true });
      const recon = maskedFillMse(out.reconstruction, target, { positions: 'all' });
      const cqr = reduceCqrLoss(cqrPinballLoss(out.quantiles, labels));
      return tf.add(tf.mul(recon, 0.5), tf.mul(cqr, 0.5)) as tf.Scalar;
    });
    const r = train(model, loss, STEPS);
    expect(r.dead.every((n) => n.startsWith('decoder.initial_expand.'))).toBe(true);
    expect(r.dead).toHaveLength(2);
    expect(r.last).toBeLessThan(r.first);
    const tracked = model.stateDict().get('encoder.backbone.embedding.1.num_batches_tracked')!;
    expect(tracked.dataSync()[0]).toBe(STEPS + 1); // every step + the final evaluation, all in training mode
    model.dispose();
  });

  it('light curve: SimSiam + CQR(Prot) lowers the loss and reaches every weight', () => {
    const base = LIGHT_CURVE_ENCODER_CONFIGS.tiny;
    const cfg = { ...base, inputLength: LENGTH, head: { ...base.head, dropout: 0 } };
    const model = new LightCurveEncoderModel(cfg, { convImpl: 'im2col' });
    // Real Kepler model inputs (fixture views), cropped to the tiny length.
    const fx = loadFixture('models/lc_encoder');
    const crop = (name: string) => tf.tidy(() => tf.slice(tf.tensor3d(fx.f32(name), [4, 4, 4096]), [0, 0, 0], [4, 4, cfg.inputLength]));
    const view1 = crop('input/view1');
    const view2 = crop('input/view2');
    const prot = tf.tensor2d([[0.3], [0.1], [NaN], [0.25]]);
    const loss = () => tf.tidy(() => {
      const out = model.forward({ view1, view2 }, { training: true });
      const ssl = simsiamLoss(out.p1, out.p2, out.z1, out.z2);
      const cqr = reduceCqrLoss(cqrPinballLoss(out.quantiles, prot));
      return tf.add(tf.mul(ssl, 0.5), tf.mul(cqr, 0.5)) as tf.Scalar;
    });
    const r = train(model, loss, STEPS);
    expect(r.dead).toEqual([]);
    expect(Number.isFinite(r.last)).toBe(true);
    expect(r.last).toBeLessThan(r.first);
    model.dispose();
  });
});
