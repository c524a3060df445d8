/**
 * Parity with models/dualformer (the authors' DualFormer inside DualNet, README §3.3–3.5), fed the
 * fixture's x1/x2 (stage-wise): RoPE tables, tokens, z1, z2, p1, p2, final features; the weights
 * loaded both from the fixture's state_dict folder and from the torch.save checkpoint. Then the
 * eigen-embedding f from the fixture's A, z1 and z2.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCheckpoint } from '../../src/main/model/checkpoint/import-checkpoint.js';
import { readWeightsDir } from '../../src/main/model/checkpoint/weights-dir.js';
import type { StateDict } from '../../src/main/model/checkpoint/tensor.js';
import { DUALFORMER_CONFIGS } from '../../src/main/model/dualformer/config.js';
import { DualFormer, finalFeatures, labelsToLatent, type DualFormerOutput } from '../../src/main/model/dualformer/dualformer.js';
import { eigenEmbedding, eigenspaceOf } from '../../src/main/model/eigen/eigenspace.js';
import { loadStateDict } from '../../src/main/model/params.js';
import { tf } from '../../src/main/model/tf.js';
import { loadFixture, maxAbsDiff } from '../helpers/fixtures.js';

const fx = loadFixture('models/dualformer');
const D = 70;

/** README §3.5, DualFormer fed the fixture x1/x2: tokens atol 2e-5; z, p atol 1e-5. */
const TOKENS_ATOL = 2e-5;
const OUTPUT_ATOL = 1e-5;

function runFixtureBatch(model: DualFormer): DualFormerOutput {
  const x1 = tf.tensor(fx.f32('input/x1_spectra_feature'), fx.shape('input/x1_spectra_feature'));
  const x2 = tf.tensor(fx.f32('input/x2_lc_feature'), fx.shape('input/x2_lc_feature'));
  const labels = tf.tensor(fx.f32('input/y_labels'), fx.shape('input/y_labels'));
  const latent = labelsToLatent(labels);
  const out = model.forward(x1, x2, latent, { returnTokens: true });
  tf.dispose([x1, x2, labels, latent]);
  return out;
}

function expectOutputsMatch(out: DualFormerOutput): void {
  expect(out.tokens1!.shape).toEqual([4, 128, 64]);
  expect(maxAbsDiff(out.tokens1!.dataSync(), fx.f32('output/tokens1_after_norm1'))).toBeLessThan(TOKENS_ATOL);
  expect(maxAbsDiff(out.tokens2!.dataSync(), fx.f32('output/tokens2_after_norm2'))).toBeLessThan(TOKENS_ATOL);
  for (const name of ['z1', 'z2', 'p1', 'p2'] as const) {
    expect(out[name].shape, name).toEqual([4, D]);
    expect(maxAbsDiff(out[name].dataSync(), fx.f32(`output/${name}`)), name).toBeLessThan(OUTPUT_ATOL);
  }
  const features = finalFeatures(out);
  expect(maxAbsDiff(features.dataSync(), fx.f32('output/final_features'))).toBeLessThan(OUTPUT_ATOL);
  features.dispose();
}

describe('DualFormer forward (small config) against the authors\' outputs', () => {
  const model = new DualFormer(DUALFORMER_CONFIGS.small);
  afterAll(() => model.dispose());

  it('has the reference state-dict keys and parameter count', async () => {
    const weights = await readWeightsDir(fx.dir, { prefix: 'state_dict/' });
    expect([...model.stateDict().keys()]).toEqual([...weights.keys()]);
    const report = loadStateDict(model, weights, { source: 'models/dualformer' });
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(model.countParameters()).toBe(fx.manifest.n_parameters);
  });

  it('builds the reference RoPE tables for both position grids', () => {
    const pe = model.stateDict().get('pe.inv_freq')!;
    expect(maxAbsDiff(pe.dataSync(), fx.f32('state_dict/pe.inv_freq'))).toBe(0);
    const tables = (model as unknown as { pe: { tables(a: number, b: number): { modality1: { cos: tf.Tensor; sin: tf.Tensor }; modality2: { cos: tf.Tensor; sin: tf.Tensor } } } }).pe.tables(128, 64);
    expect(maxAbsDiff(tables.modality1.cos.dataSync(), fx.f32('output/rope_cos1'))).toBeLessThan(1e-6);
    expect(maxAbsDiff(tables.modality1.sin.dataSync(), fx.f32('output/rope_sin1'))).toBeLessThan(1e-6);
    expect(maxAbsDiff(tables.modality2.cos.dataSync(), fx.f32('output/rope_cos2'))).toBeLessThan(1e-6);
    expect(maxAbsDiff(tables.modality2.sin.dataSync(), fx.f32('output/rope_sin2'))).toBeLessThan(1e-6);
    tf.dispose([tables.modality1.cos, tables.modality1.sin, tables.modality2.cos, tables.modality2.sin]);
  });

  it('reproduces tokens, z1, z2, p1 = A z1, p2 = Aᵀ z2 and the fine-tune features', () => {
    const out = runFixtureBatch(model);
    expectOutputsMatch(out);
    tf.dispose(Object.values(out));
  });

  it('reproduces them with the weights imported from the torch.save checkpoint (DDP keys)', () => {
    const fromPth = new DualFormer(DUALFORMER_CONFIGS.small);
    const checkpoint = importCheckpoint(path.join(loadFixture('models/dualnet_checkpoint').dir, 'dualnet_small.pth'));
    const prefix = 'dual_former.';
    const dualFormerWeights: StateDict = new Map([...checkpoint].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    loadStateDict(fromPth, dualFormerWeights, { source: 'dualnet_small.pth' });
    const out = runFixtureBatch(fromPth);
    expectOutputsMatch(out);
    tf.dispose(Object.values(out));
    fromPth.dispose();
  });
});

/** README §3.4: align each column's sign with the reference, then compare. */
function columnSigns(ours: ArrayLike<number>, ref: ArrayLike<number>): number[] {
  return Array.from({ length: D }, (_, j) => {
    let dot = 0;
    for (let i = 0; i < D; i++) dot += ours[i * D + j] * ref[i * D + j];
    return dot < 0 ? -1 : 1;
  });
}

function maxDiffAligned(ours: ArrayLike<number>, ref: ArrayLike<number>, signs: number[]): number {
  let worst = 0;
  for (let k = 0; k < ref.length; k++) worst = Math.max(worst, Math.abs(signs[k % D] * ours[k] - ref[k]));
  return worst;
}

describe('eigen-embedding f (FineTuner._get_eigenspace)', () => {
  const space = eigenspaceOf(fx.f32('output/A'), D);

  it('finds the reference eigenvalues, sorted by |λ| with conjugate pairs grouped', () => {
    expect(space.symmetric).toBe(false);
    const refRe = fx.f64('output/eig_values_real_f64');
    const refIm = fx.f64('output/eig_values_imag_f64');
    for (let j = 0; j < D; j++) {
      expect(Math.hypot(space.valuesRe[j], space.valuesIm[j])).toBeCloseTo(Math.hypot(refRe[j], refIm[j]), 12);
      expect(space.valuesRe[j]).toBeCloseTo(refRe[j], 12);
      expect(Math.abs(space.valuesIm[j])).toBeCloseTo(Math.abs(refIm[j]), 12); // order within a pair is arbitrary
    }
    const notes = fx.manifest.eig_notes as { n_real: number; n_complex_pairs: number };
    expect(Array.from(space.valuesIm).filter((v) => v === 0).length).toBe(notes.n_real);
  });

  it('V equals the float64 reference up to column signs (LAPACK phase convention)', () => {
    const ref = fx.f64('output/eig_vectors_f64');
    // Observed 7.6e-15: the same LAPACK conventions, reproduced.
    expect(maxDiffAligned(space.basis, ref, columnSigns(space.basis, ref))).toBeLessThan(1e-12);
  });

  it('f matches the float64 reference (README atol 1e-5; observed 9e-14) and the float32 one (atol 1e-4)', () => {
    const f = eigenEmbedding(fx.f32('output/z1'), fx.f32('output/z2'), space);
    const signs64 = columnSigns(space.basis, fx.f64('output/eig_vectors_f64'));
    expect(maxDiffAligned(f, fx.f64('output/f_f64'), signs64)).toBeLessThan(1e-9);
    const signs32 = columnSigns(space.basis, fx.f32('output/eig_vectors'));
    expect(maxDiffAligned(space.basis, fx.f32('output/eig_vectors'), signs32)).toBeLessThan(1e-5);
    expect(maxDiffAligned(f, fx.f32('output/f'), signs32)).toBeLessThan(1e-4);
  });
});
