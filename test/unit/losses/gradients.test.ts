/**
 * Finite-difference gradient checks of every custom loss (float32 tf.grads vs central differences
 * of the float64 reference in reference64.ts), plus the stop-gradient behaviour of SimSiam.
 */
import { describe, it, expect } from 'vitest';
import { tf } from '../../../src/main/model/tf.js';
import {
  covarianceLoss, cqrPinballLoss, crossEntropyFromLogits, desaLoss, dualLoss, infoNceLoss,
  maskedFillMse, negativeCosine, reduceCqrLoss, simsiamLoss, snrWeights, vicregLoss,
} from '../../../src/main/losses/index.js';
import * as ref from './reference64.js';
import { checkGradients, randomInput, rng } from './gradcheck.js';

const B = 6, d = 5;

describe('gradient checks (finite differences vs float64 reference)', () => {
  it('CQR pinball loss with NaN targets, nan_as_zero_mean and SNR weighting', () => {
    const r = rng(1);
    const q = [0.1, 0.25, 0.5, 0.75, 0.9];
    const L = 3;
    const preds = randomInput([B, L, q.length], r);
    const y = randomInput([B, L], r);
    y.data[1] = NaN; y.data[7] = NaN;
    const snr = { data: Float64Array.from({ length: B }, () => 50 + 400 * Math.abs(r())), shape: [B] };
    checkGradients(
      (p, t, s) => reduceCqrLoss(cqrPinballLoss(p, t, q), { snrWeights: snrWeights(s) }),
      (p, t, s) => ref.pinballNanAsZeroMean(p, t, B, L, q, s.map((v) => v / 1000)),
      [preds, y, snr], [0],
    );
    // The NaN targets contribute a zero (not NaN) gradient.
    const g = tf.grad((p: tf.Tensor) => reduceCqrLoss(cqrPinballLoss(p, tf.tensor(Array.from(y.data), y.shape), q)) as tf.Scalar)(tf.tensor(Array.from(preds.data), preds.shape));
    const gd = g.dataSync();
    expect(gd.every((v) => Number.isFinite(v))).toBe(true);
    for (let k = 0; k < q.length; k++) expect(Math.abs(gd[1 * q.length + k])).toBe(0);
  });

  it('L_dual with respect to p1, p2, z1, z2', () => {
    const r = rng(2);
    const xs = [0, 1, 2, 3].map(() => randomInput([B, d], r));
    checkGradients(dualLoss, (p1, p2, z1, z2) => ref.dual(p1, p2, z1, z2, B, d), xs, [0, 1, 2, 3]);
  });

  it.each([
    ['paper (cross term)', true, false],
    ['code (no cross term)', false, false],
    ['code with variance term', false, true],
  ])('L_cov %s', (_name, cross, variance) => {
    const r = rng(3);
    const xs = [randomInput([B, d], r, 0.5), randomInput([B, d], r, 0.5)];
    checkGradients(
      (p1, p2) => covarianceLoss(p1, p2, { crossTerm: cross, varianceTerm: variance }),
      (p1, p2) => ref.cov(p1, p2, B, d, cross, variance),
      xs, [0, 1],
    );
  });

  it('the full DESA loss through the shared projection A (p1 = A z1, p2 = Aᵀ z2)', () => {
    const r = rng(4);
    const A = randomInput([d, d], r, 0.5);
    const z1 = randomInput([B, d], r), z2 = randomInput([B, d], r);
    const project = (a: Float64Array, z: Float64Array, transpose: boolean): Float64Array => {
      const out = new Float64Array(B * d);
      for (let b = 0; b < B; b++) for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (transpose ? a[j * d + i] : a[i * d + j]) * z[b * d + j];
        out[b * d + i] = s;
      }
      return out;
    };
    checkGradients(
      (a, x1, x2) => desaLoss(tf.matMul(x1, a, false, true), tf.matMul(x2, a), x1, x2).total,
      (a, x1, x2) => {
        const p1 = project(a, x1, false), p2 = project(a, x2, true);
        return 0.5 * ref.dual(p1, p2, x1, x2, B, d) + 0.5 * ref.cov(p1, p2, B, d, true, false);
      },
      [A, z1, z2], [0, 1, 2],
    );
  });

  it('SimSiam: gradient flows to p only; z is stop-gradiented', () => {
    const r = rng(5);
    const [p1, p2, z1, z2] = [0, 1, 2, 3].map(() => randomInput([B, d], r));
    checkGradients(simsiamLoss, (a, b, c, e) => ref.negCosine(a, e, B, d) / 2 + ref.negCosine(b, c, B, d) / 2, [p1, p2, z1, z2], [0, 1]);
    const [tp, tz] = [p1, z1].map((x) => tf.tensor(Array.from(x.data), x.shape));
    const gz = tf.grad((z: tf.Tensor) => negativeCosine(tp, z) as tf.Scalar)(tz).dataSync();
    expect(Array.from(gz).every((v) => v === 0)).toBe(true);
  });

  it('InfoNCE with a queue of negatives and with in-batch negatives', () => {
    const r = rng(6);
    const K = 7;
    const q = randomInput([B, d], r), k = randomInput([B, d], r), neg = randomInput([K, d], r);
    checkGradients((a, b, c) => infoNceLoss(a, b, c, { temperature: 0.2 }), (a, b, c) => ref.infoNce(a, b, c, B, K, d, 0.2), [q, k, neg], [0, 1, 2]);
    checkGradients((a, b) => infoNceLoss(a, b, null, { temperature: 0.5 }), (a, b) => ref.infoNce(a, b, null, B, 0, d, 0.5), [q, k], [0, 1]);
  });

  it('VICReg', () => {
    const r = rng(7);
    checkGradients((x, y) => vicregLoss(x, y), (x, y) => ref.vicreg(x, y, B, d), [randomInput([B, d], r, 0.6), randomInput([B, d], r, 0.6)], [0, 1], { vtol: 2e-5 });
  });

  it('cross-entropy, plain and class-weighted', () => {
    const r = rng(8);
    const C = 4;
    const logits = randomInput([B, C], r, 3);
    const labels = { data: Float64Array.from({ length: B }, (_, i) => i % C), shape: [B] };
    const w = { data: Float64Array.from([0.5, 2, 1, 1.5]), shape: [C] };
    checkGradients((l, y) => crossEntropyFromLogits(l, y), (l, y) => ref.crossEntropy(l, y, B, C), [logits, labels], [0]);
    checkGradients((l, y, cw) => crossEntropyFromLogits(l, y, cw), (l, y, cw) => ref.crossEntropy(l, y, B, C, cw), [logits, labels, w], [0]);
  });

  it('masked-fill MSE over masked positions (paper) and over all positions (code)', () => {
    const r = rng(9);
    const recon = randomInput([3, 16], r), target = randomInput([3, 16], r);
    const mask = { data: Float64Array.from({ length: 48 }, (_, i) => (i % 5 === 0 ? 1 : 0)), shape: [3, 16] };
    checkGradients((a, b, m) => maskedFillMse(a, b, { mask: m }), (a, b, m) => ref.maskedMse(a, b, m), [recon, target, mask], [0, 1]);
    checkGradients((a, b) => maskedFillMse(a, b, { positions: 'all' }), (a, b) => ref.maskedMse(a, b, null), [recon, target], [0, 1]);
  });
});
