/**
 * Parity with models/dualformer (the authors' DualFormer inside DualNet, README §3.3–3.5):
 * the eigen-embedding f from the fixture's A, z1 and z2.
 */
import { describe, expect, it } from 'vitest';
import { eigenEmbedding, eigenspaceOf } from '../../src/main/model/eigen/eigenspace.js';
import { loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture('models/dualformer');
const D = 70;

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
