/**
 * The eigen-embedding basis V and f = (z1 + z2)·V, against a NumPy transcription of the authors'
 * `_get_eigenspace` (torch.linalg.eig and numpy.linalg.eig both call LAPACK dgeev), compared
 * column-wise up to sign as the fixtures' README §3.4 prescribes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eigenEmbedding, eigenspaceOf } from '../../../src/main/model/eigen/eigenspace.js';
import { runPython } from '../../helpers/python.js';

interface Case {
  n: number;
  a: number[];
  z1: number[];
  z2: number[];
  V: number[];
  f: number[];
  abs_sorted: number[];
}

const REFERENCE = `
import json, numpy as np
rng = np.random.default_rng(7)
cases = []
for n, symmetric in [(12, False), (40, False), (10, True)]:
    a = rng.standard_normal((n, n)) / np.sqrt(n)
    if symmetric:
        a = (a + a.T) / 2
    z1, z2 = rng.standard_normal((3, n)), rng.standard_normal((3, n))
    if np.abs(a - a.T).sum() < 1e-6:           # eigh branch, descending eigenvalues
        w, v = np.linalg.eigh(a)
        order = np.argsort(w)[::-1]
        w, v = w[order], v[:, order]
        absw = w
    else:                                       # eig branch: sort by |lambda| desc, real part, normalise columns
        w, v = np.linalg.eig(a)
        order = np.argsort(-np.abs(w), kind='stable')
        w, v = w[order], v[:, order].real
        absw = np.abs(w)
    v = v / np.maximum(np.linalg.norm(v, axis=0, keepdims=True), 1e-12)
    f = (z2 + z1) @ v
    cases.append(dict(n=n, a=a.ravel().tolist(), z1=z1.ravel().tolist(), z2=z2.ravel().tolist(),
                      V=v.ravel().tolist(), f=f.ravel().tolist(), abs_sorted=absw.tolist()))
print(json.dumps(cases))`;

let cases: Case[];
beforeAll(async () => {
  cases = JSON.parse(await runPython(REFERENCE));
}, 60_000);

function signAlignedMaxDiff(n: number, rows: number, ours: ArrayLike<number>, ref: ArrayLike<number>, signs: number[]): number {
  let worst = 0;
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(signs[j] * ours[r * n + j] - ref[r * n + j]));
  return worst;
}

function columnSigns(n: number, ours: ArrayLike<number>, ref: ArrayLike<number>): number[] {
  return Array.from({ length: n }, (_, j) => {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += ours[i * n + j] * ref[i * n + j];
    return dot < 0 ? -1 : 1;
  });
}

describe('eigenspaceOf / eigenEmbedding', () => {
  it.each([0, 1, 2])('case %i matches the NumPy transcription of _get_eigenspace', (index) => {
    const c = cases[index];
    const space = eigenspaceOf(c.a, c.n);
    expect(space.symmetric).toBe(index === 2);
    const ourKey = Array.from(space.valuesRe, (re, j) => (space.symmetric ? re : Math.hypot(re, space.valuesIm[j])));
    ourKey.forEach((v, j) => expect(v).toBeCloseTo(c.abs_sorted[j], 11));
    const signs = columnSigns(c.n, space.basis, c.V);
    expect(signAlignedMaxDiff(c.n, c.n, space.basis, c.V, signs)).toBeLessThan(1e-10);
    const f = eigenEmbedding(c.z1, c.z2, space);
    expect(signAlignedMaxDiff(c.n, 3, f, c.f, signs)).toBeLessThan(1e-10);
  });

  it('a complex-conjugate pair yields two identical unit columns', () => {
    // Block diagonal: rotation-scaling block (eigenvalues 2 ± 1i, |λ| = √5) and a real eigenvalue 0.5.
    const a = [2, -1, 0, 1, 2, 0, 0, 0, 0.5];
    const space = eigenspaceOf(a, 3);
    const col = (j: number) => [0, 1, 2].map((i) => space.basis[i * 3 + j]);
    expect(col(0)).toEqual(col(1));
    expect(Math.hypot(...col(0))).toBeCloseTo(1, 14);
    expect(Math.hypot(space.valuesRe[0], space.valuesIm[0])).toBeCloseTo(Math.sqrt(5), 14);
    expect(Math.abs(space.basis[2 * 3 + 2])).toBeCloseTo(1, 14);
  });

  it('rejects z of the wrong width', () => {
    const space = eigenspaceOf([1, 0, 0, 2], 2);
    expect(() => eigenEmbedding([1, 2, 3], [1, 2, 3], space)).toThrow(/\(batch, 2\)/);
  });
});
