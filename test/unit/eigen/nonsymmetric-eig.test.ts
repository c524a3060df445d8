/**
 * The float64 non-symmetric eigensolver: matrices with known eigen-decompositions, complex pairs,
 * LAPACK-style normalisation, and agreement with numpy.linalg.eig (LAPACK dgeev) on random matrices.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eigNonSymmetric, type ComplexEigenDecomposition } from '../../../src/main/model/eigen/nonsymmetric-eig.js';
import { runPython } from '../../helpers/python.js';

type C = [number, number];

function column(e: ComplexEigenDecomposition, j: number): C[] {
  return Array.from({ length: e.n }, (_, i) => [e.vectorsRe[i * e.n + j], e.vectorsIm[i * e.n + j]] as C);
}

/** max_i |(A v − λ v)_i| for eigenpair j. */
function residual(a: ArrayLike<number>, e: ComplexEigenDecomposition, j: number): number {
  const n = e.n;
  const v = column(e, j);
  const [lr, li] = [e.valuesRe[j], e.valuesIm[j]];
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let re = 0;
    let im = 0;
    for (let k = 0; k < n; k++) {
      re += a[i * n + k] * v[k][0];
      im += a[i * n + k] * v[k][1];
    }
    re -= lr * v[i][0] - li * v[i][1];
    im -= lr * v[i][1] + li * v[i][0];
    worst = Math.max(worst, Math.hypot(re, im));
  }
  return worst;
}

/** Checks dgeev's conventions: unit 2-norm and a real largest-modulus component, for every column. */
function expectLapackNormalised(e: ComplexEigenDecomposition): void {
  for (let j = 0; j < e.n; j++) {
    const v = column(e, j);
    const norm = Math.hypot(...v.flat());
    expect(norm).toBeCloseTo(1, 12);
    const moduli = v.map(([re, im]) => Math.hypot(re, im));
    const largest = moduli.indexOf(Math.max(...moduli));
    expect(v[largest][1]).toBe(0);
  }
}

/** Eigenvalues sorted by real then imaginary part; real parts equal to 1e-6 count as ties (rounding). */
function sortedValues(re: ArrayLike<number>, im: ArrayLike<number>): C[] {
  const key = (x: number): number => Math.round(x * 1e6);
  return Array.from(re, (r, i) => [r, im[i]] as C).sort((a, b) => key(a[0]) - key(b[0]) || a[1] - b[1]);
}

describe('eigNonSymmetric on matrices with known eigen-decompositions', () => {
  it('a triangular matrix has its diagonal as eigenvalues', () => {
    const a = [3, 1, 4, 0, -2, 5, 0, 0, 7];
    const e = eigNonSymmetric(a, 3);
    expect(sortedValues(e.valuesRe, e.valuesIm).map((v) => v[0])).toEqual([-2, 3, 7].map((x) => expect.closeTo(x, 13)));
    for (let j = 0; j < 3; j++) expect(residual(a, e, j)).toBeLessThan(1e-13);
    expectLapackNormalised(e);
  });

  it('a plane rotation by θ has eigenvalues e^{±iθ} and eigenvectors (1, ∓i)/√2', () => {
    const theta = 0.7;
    const a = [Math.cos(theta), -Math.sin(theta), Math.sin(theta), Math.cos(theta)];
    const e = eigNonSymmetric(a, 2);
    expect(sortedValues(e.valuesRe, e.valuesIm)).toEqual([
      [expect.closeTo(Math.cos(theta), 14), expect.closeTo(-Math.sin(theta), 14)],
      [expect.closeTo(Math.cos(theta), 14), expect.closeTo(Math.sin(theta), 14)],
    ]);
    for (let j = 0; j < 2; j++) {
      expect(residual(a, e, j)).toBeLessThan(1e-14);
      // Both components have modulus 1/√2; the first is the one made real.
      const v = column(e, j);
      expect(Math.abs(v[0][0])).toBeCloseTo(Math.SQRT1_2, 14);
      expect(v[0][1]).toBe(0);
      expect(Math.abs(v[1][1])).toBeCloseTo(Math.SQRT1_2, 14);
    }
    // A conjugate pair: the two columns are conjugates of each other.
    expect(column(e, 0)[1][1]).toBeCloseTo(-column(e, 1)[1][1], 15);
  });

  it('a companion matrix has the roots of its polynomial as eigenvalues', () => {
    // (x − 1)(x − 2)(x − 3)(x² − 2x + 5): roots 1, 2, 3, 1 ± 2i.
    // = x^5 − 8x^4 + 28x^3 − 58x^2 + 67x − 30
    const c = [-8, 28, -58, 67, -30];
    const n = 5;
    const a = new Array(n * n).fill(0);
    for (let j = 0; j < n; j++) a[j] = -c[j];
    for (let i = 1; i < n; i++) a[i * n + i - 1] = 1;
    const e = eigNonSymmetric(a, n);
    const want: C[] = [
      [1, -2],
      [1, 0],
      [1, 2],
      [2, 0],
      [3, 0],
    ];
    const got = sortedValues(e.valuesRe, e.valuesIm);
    got.forEach(([re, im], i) => {
      expect(re).toBeCloseTo(want[i][0], 10);
      expect(im).toBeCloseTo(want[i][1], 10);
    });
    for (let j = 0; j < n; j++) expect(residual(a, e, j)).toBeLessThan(1e-12);
    expectLapackNormalised(e);
  });

  it('A = S diag(λ) S⁻¹ recovers the columns of S as eigenvectors', () => {
    // S with columns s1 = (1, 1, 0), s2 = (0, 1, 1), s3 = (1, 0, 1); λ = (5, −1, 2).
    const S = [1, 0, 1, 1, 1, 0, 0, 1, 1];
    const Sinv = [0.5, 0.5, -0.5, -0.5, 0.5, 0.5, 0.5, -0.5, 0.5];
    const lambda = [5, -1, 2];
    const a = new Array(9).fill(0);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) a[i * 3 + j] += S[i * 3 + k] * lambda[k] * Sinv[k * 3 + j];
    const e = eigNonSymmetric(a, 3);
    for (let k = 0; k < 3; k++) {
      const j = Array.from(e.valuesRe).findIndex((v) => Math.abs(v - lambda[k]) < 1e-12);
      expect(j).toBeGreaterThanOrEqual(0);
      const v = column(e, j).map(([re]) => re);
      const s = [S[k], S[3 + k], S[6 + k]].map((x) => x / Math.SQRT2);
      const sign = Math.sign(v[0] * s[0] + v[1] * s[1] + v[2] * s[2]);
      v.forEach((x, i) => expect(x * sign).toBeCloseTo(s[i], 13));
    }
  });

  it('handles the zero matrix, 1×1 matrices and repeated eigenvalues', () => {
    const zero = eigNonSymmetric([0, 0, 0, 0], 2);
    expect(Array.from(zero.valuesRe)).toEqual([0, 0]);
    expectLapackNormalised(zero);
    expect(eigNonSymmetric([-4.5], 1).valuesRe[0]).toBe(-4.5);
    const identity = eigNonSymmetric([2, 0, 0, 0, 2, 0, 0, 0, 2], 3);
    expect(Array.from(identity.valuesRe)).toEqual([2, 2, 2]);
  });

  it('rejects malformed input', () => {
    expect(() => eigNonSymmetric([1, 2, 3], 2)).toThrow(/expected 2×2/);
    expect(() => eigNonSymmetric([1, NaN, 0, 1], 2)).toThrow(/NaN/);
  });
});

describe('eigNonSymmetric against numpy.linalg.eig (LAPACK dgeev)', () => {
  const sizes = [4, 9, 30, 70];
  let reference: { a: number[]; re: number[]; im: number[]; vre: number[]; vim: number[] }[];

  beforeAll(async () => {
    const script = `
import json, sys, numpy as np
rng = np.random.default_rng(20240611)
out = []
for n in map(int, sys.argv[1:]):
    a = rng.standard_normal((n, n))
    w, v = np.linalg.eig(a)
    out.append({'a': a.ravel().tolist(), 're': w.real.tolist(), 'im': w.imag.tolist(),
                'vre': v.real.ravel().tolist(), 'vim': v.imag.ravel().tolist()})
print(json.dumps(out))`;
    reference = JSON.parse(await runPython(script, sizes.map(String)));
  }, 60_000);

  it.each(sizes.map((n, i) => [n, i]))('n = %i: same eigenvalues, and the same normalised eigenvectors up to sign', (n, index) => {
    const ref = reference[index];
    const e = eigNonSymmetric(ref.a, n);
    expectLapackNormalised(e);
    for (let j = 0; j < n; j++) expect(residual(ref.a, e, j)).toBeLessThan(1e-11);
    const ours = sortedValues(e.valuesRe, e.valuesIm);
    const theirs = sortedValues(ref.re, ref.im);
    ours.forEach(([re, im], i) => {
      expect(Math.abs(re - theirs[i][0])).toBeLessThan(1e-11);
      expect(Math.abs(im - theirs[i][1])).toBeLessThan(1e-11);
    });
    // Pair each numpy eigenvector with ours of the same eigenvalue; dgeev's normalisation fixes the
    // phase up to a sign, so after sign alignment the vectors must agree.
    for (let k = 0; k < n; k++) {
      const j = Array.from({ length: n }, (_, x) => x).find((x) => Math.abs(e.valuesRe[x] - ref.re[k]) < 1e-9 && Math.abs(e.valuesIm[x] - ref.im[k]) < 1e-9)!;
      expect(j).toBeDefined();
      let dot = 0;
      for (let i = 0; i < n; i++) dot += e.vectorsRe[i * n + j] * ref.vre[i * n + k] + e.vectorsIm[i * n + j] * ref.vim[i * n + k];
      const sign = Math.sign(dot);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        worst = Math.max(worst, Math.abs(sign * e.vectorsRe[i * n + j] - ref.vre[i * n + k]), Math.abs(sign * e.vectorsIm[i * n + j] - ref.vim[i * n + k]));
      }
      expect(worst, `eigenvector ${k}`).toBeLessThan(1e-9);
    }
  });
});
