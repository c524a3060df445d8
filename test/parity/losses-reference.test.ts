/**
 * Parity of the losses with the authors' fixtures (shared/fixtures/reference/losses, README §4):
 * every case (cqr, cqr_calib, cqr_calib_age, dual_model_batch, dual_random_batch, simsiam) and the
 * model-level SimSiam loss of models/lc_encoder, with the README's tolerances.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { tf } from '../../src/main/model/tf.js';
import { loadFixture, maxAbsDiff } from '../helpers/fixtures.js';
import {
  applyCqrCalibration, calibrateCqr, conformityScores, covarianceLoss, cqrPinballLoss, desaLoss,
  DESA_LOSS_PRESETS, dualLoss, evaluateCoverage, negativeCosine, offDiagonalCovariancePenalty,
  pairCoverage, reduceCqrLoss, simsiamLoss, snrWeights,
} from '../../src/main/losses/index.js';

const fx = loadFixture('losses');

function t(name: string, f = fx): tf.Tensor {
  const a = f.array(name);
  return tf.tensor(Array.from(a.data as Float32Array), a.shape, 'float32');
}
function value(x: tf.Tensor): number {
  return x.dataSync()[0];
}
function expectRel(got: number, want: number, rtol: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rtol * Math.abs(want));
}

afterAll(() => tf.disposeVariables());

describe('CQR pinball loss (cqr/*)', () => {
  const quantiles = Array.from(fx.f64('cqr/quantiles'));

  it('loss_none and loss_mean within rtol 1e-6', () => {
    const loss = cqrPinballLoss(t('cqr/preds'), t('cqr/target'), quantiles);
    expect(loss.shape).toEqual([16, 3]);
    const ref = fx.f32('cqr/loss_none');
    const got = loss.dataSync();
    for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThanOrEqual(1e-6 * Math.abs(ref[i]) + 1e-7);
    expectRel(value(tf.mean(loss)), fx.scalar('cqr/loss_mean'), 1e-6);
  });

  it('NaN targets give NaN exactly where the reference has NaN, and the LC trainer reduction', () => {
    const loss = cqrPinballLoss(t('cqr/preds'), t('cqr/target_with_nan'), quantiles);
    expect(maxAbsDiff(loss.dataSync(), fx.f32('cqr/loss_none_with_nan'))).toBeLessThanOrEqual(2e-6);
    expectRel(value(reduceCqrLoss(loss, { reduction: 'nan_as_zero_mean' })), fx.scalar('cqr/lc_trainer_loss'), 1e-6);
  });

  it('SNR-weighted spectra trainer reduction', () => {
    const loss = cqrPinballLoss(t('cqr/preds'), t('cqr/target'), quantiles);
    const w = snrWeights(t('cqr/snrg'));
    expectRel(value(reduceCqrLoss(loss, { snrWeights: w })), fx.scalar('cqr/spectra_trainer_loss'), 1e-6);
  });
});

describe.each(['cqr_calib', 'cqr_calib_age'])('conformal calibration (%s/*)', (c) => {
  const quantiles = Array.from(fx.f64(`${c}/quantiles`));
  const [nCal, labels] = fx.shape(`${c}/cal_target`);
  const [nTest] = fx.shape(`${c}/test_target`);
  const cal = { data: fx.f64(`${c}/cal_preds`), n: nCal, labels, quantiles };
  const test = { data: fx.f64(`${c}/test_preds`), n: nTest, labels, quantiles };

  it('alpha, scores, correction, conformal predictions and coverage within 1e-12', () => {
    expect(maxAbsDiff(pairCoverage(quantiles), fx.f64(`${c}/alpha`))).toBe(0);
    expect(maxAbsDiff(conformityScores(cal, fx.f64(`${c}/cal_target`)), fx.f64(`${c}/scores`))).toBeLessThanOrEqual(1e-12);
    const calibration = calibrateCqr(cal, fx.f64(`${c}/cal_target`));
    expect(maxAbsDiff(calibration.correction, fx.f64(`${c}/correction`))).toBeLessThanOrEqual(1e-12);
    const conformal = applyCqrCalibration(test, calibration);
    expect(maxAbsDiff(conformal, fx.f64(`${c}/conformal_preds`))).toBeLessThanOrEqual(1e-12);
    expect(maxAbsDiff(evaluateCoverage(test, fx.f64(`${c}/test_target`)), fx.f64(`${c}/coverage_before`))).toBeLessThanOrEqual(1e-12);
    expect(maxAbsDiff(evaluateCoverage({ ...test, data: conformal }, fx.f64(`${c}/test_target`)), fx.f64(`${c}/coverage_after`))).toBeLessThanOrEqual(1e-12);
  });
});

describe.each(['dual_model_batch', 'dual_random_batch'])('DualFormer losses (%s/*)', (b) => {
  const rtol = 2e-5;
  const [p1, p2, z1, z2] = ['p1', 'p2', 'z1', 'z2'].map((n) => t(`${b}/${n}`));

  it('L_dual', () => expectRel(value(dualLoss(p1, p2, z1, z2)), fx.scalar(`${b}/L_dual`), rtol));
  it('L_cov_code (no cross term), L_cov_cross, L_cov_paper', () => {
    expectRel(value(covarianceLoss(p1, p2, { crossTerm: false })), fx.scalar(`${b}/L_cov_code`), rtol);
    expectRel(value(offDiagonalCovariancePenalty(p1, p2)), fx.scalar(`${b}/L_cov_cross`), rtol);
    expectRel(value(covarianceLoss(p1, p2)), fx.scalar(`${b}/L_cov_paper`), rtol);
  });
  it('L_cov_code_with_variance_term', () => {
    expectRel(value(covarianceLoss(p1, p2, { crossTerm: false, varianceTerm: true })), fx.scalar(`${b}/L_cov_code_with_variance_term`), rtol);
  });
  it('L_total_code and L_total_paper (presets)', () => {
    expectRel(value(desaLoss(p1, p2, z1, z2, DESA_LOSS_PRESETS.code).total), fx.scalar(`${b}/L_total_code`), rtol);
    expectRel(value(desaLoss(p1, p2, z1, z2).total), fx.scalar(`${b}/L_total_paper`), rtol);
  });
  if (b === 'dual_random_batch') {
    it('p1 = A z1 and p2 = Aᵀ z2 reproduce the stored projections', () => {
      const A = t(`${b}/A`);
      expect(maxAbsDiff(tf.matMul(z1, A, false, true).dataSync(), fx.f32(`${b}/p1`))).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(tf.matMul(z2, A).dataSync(), fx.f32(`${b}/p2`))).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('SimSiam (simsiam/* and models/lc_encoder)', () => {
  it('D(p1, z2), D(p2, z1), the loss and the original version within atol 1e-6', () => {
    const [z1, z2, p1, p2] = ['z1', 'z2', 'p1', 'p2'].map((n) => t(`simsiam/${n}`));
    expect(Math.abs(value(negativeCosine(p1, z2)) - fx.scalar('simsiam/D_p1_z2'))).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(value(negativeCosine(p2, z1)) - fx.scalar('simsiam/D_p2_z1'))).toBeLessThanOrEqual(1e-6);
    const loss = value(simsiamLoss(p1, p2, z1, z2));
    expect(Math.abs(loss - fx.scalar('simsiam/loss'))).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(loss - fx.scalar('simsiam/loss_original_version'))).toBeLessThanOrEqual(1e-6);
  });

  it('model-level SimSiam loss of models/lc_encoder within 5e-6', () => {
    const lc = loadFixture('models/lc_encoder');
    const [z1, z2, p1, p2] = ['z1', 'z2', 'p1', 'p2'].map((n) => t(`output/${n}`, lc));
    expect(Math.abs(value(simsiamLoss(p1, p2, z1, z2)) - lc.scalar('output/simsiam_loss'))).toBeLessThanOrEqual(5e-6);
  });
});
