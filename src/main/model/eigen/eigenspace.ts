/**
 * The DESA eigen-embedding f (digest §6.10; `_get_eigenspace` in the authors' nn/train.py and
 * nn/multi_modal.py): project (z1 + z2) on the eigenvectors of the shared projection A.
 *
 * Exactly as the code does it, which differs from the paper's wording ("eigenvectors of A"):
 * eigenvalues sorted by |λ| descending; only the REAL PART of each (complex) eigenvector is kept,
 * so a conjugate pair gives two identical columns; each column is L2-normalised. The eigenvectors
 * must first be normalised like LAPACK dgeev (unit norm, largest component real), because the real
 * part of a complex eigenvector depends on its phase. A symmetric A (never in practice) takes the
 * `eigh` branch: real eigenvectors sorted by eigenvalue, descending.
 */
import { eigNonSymmetric } from './nonsymmetric-eig.js';

/** The basis V whose columns span the eigen-embedding, with the eigenvalues in the same order. */
export interface Eigenspace {
  readonly n: number;
  /** n×n row-major; column j is the normalised real part of the j-th sorted eigenvector. */
  readonly basis: Float64Array;
  readonly valuesRe: Float64Array;
  readonly valuesIm: Float64Array;
  /** True when A was (numerically) symmetric and the `eigh` branch was taken. */
  readonly symmetric: boolean;
}

/** The reference's symmetry test: Σ|A − Aᵀ| below this takes the eigh branch. */
const SYMMETRY_TOLERANCE = 1e-6;
/** F.normalize's eps: columns are divided by max(‖v‖, eps). */
const NORMALIZE_EPS = 1e-12;

/**
 * Eigen-basis of the projection matrix A (`projection_head.weight`), as `_get_eigenspace` builds it.
 * @param a row-major n×n matrix A (float32 weights are widened to float64).
 * @param n matrix order (embed_dim + latent_dim).
 */
export function eigenspaceOf(a: ArrayLike<number>, n: number): Eigenspace {
  let asymmetry = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) asymmetry += Math.abs(a[i * n + j] - a[j * n + i]);
  const symmetric = asymmetry < SYMMETRY_TOLERANCE;
  const eig = eigNonSymmetric(a, n);
  const order = Array.from({ length: n }, (_, j) => j);
  if (symmetric) order.sort((i, j) => eig.valuesRe[j] - eig.valuesRe[i]);
  else order.sort((i, j) => Math.hypot(eig.valuesRe[j], eig.valuesIm[j]) - Math.hypot(eig.valuesRe[i], eig.valuesIm[i]));

  const basis = new Float64Array(n * n);
  for (let col = 0; col < n; col++) {
    const src = order[col];
    let norm = 0;
    for (let i = 0; i < n; i++) norm = Math.hypot(norm, eig.vectorsRe[i * n + src]);
    const scale = 1 / Math.max(norm, NORMALIZE_EPS);
    for (let i = 0; i < n; i++) basis[i * n + col] = eig.vectorsRe[i * n + src] * scale;
  }
  return {
    n,
    basis,
    valuesRe: Float64Array.from(order, (j) => eig.valuesRe[j]),
    valuesIm: Float64Array.from(order, (j) => (symmetric ? 0 : eig.valuesIm[j])),
    symmetric,
  };
}

/**
 * The eigen-embedding f = (z1 + z2) · V for a batch.
 * @param z1 row-major (batch, n) spectra branch output emb1 (pooled features ++ labels).
 * @param z2 row-major (batch, n) light-curve branch output emb2.
 * @param space the basis from {@link eigenspaceOf}.
 * @returns row-major (batch, n) float64.
 */
export function eigenEmbedding(z1: ArrayLike<number>, z2: ArrayLike<number>, space: Eigenspace): Float64Array {
  const { n, basis } = space;
  if (z1.length !== z2.length || z1.length % n !== 0) throw new Error(`eigenEmbedding: z1 and z2 must both be (batch, ${n}); got ${z1.length} and ${z2.length} values`);
  const batch = z1.length / n;
  const f = new Float64Array(batch * n);
  const sum = new Float64Array(n);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < n; i++) sum[i] = z1[b * n + i] + z2[b * n + i];
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += sum[i] * basis[i * n + j];
      f[b * n + j] = acc;
    }
  }
  return f;
}
