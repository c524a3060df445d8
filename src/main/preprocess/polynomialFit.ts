/**
 * Least-squares polynomial fitting in float64 for the continuum step.
 *
 * `np.polyfit(arange(n), s, 5)` fits against the raw pixel index; a degree-5 Vandermonde matrix on
 * 0…1809 is hopelessly conditioned in plain normal equations. We fit the same polynomial against
 * t = 2i/(n−1) − 1 ∈ [−1, 1] with a Householder QR, which gives NumPy's continuum to about 1e-7
 * relative (fixture README §1.3, step 5).
 */

/** A polynomial in t = 2i/(n−1) − 1, coefficients lowest degree first. */
export interface IndexPolynomial {
  n: number;
  coefficients: Float64Array;
}

/** Maps pixel index i ∈ [0, n−1] to t ∈ [−1, 1]. */
function rescaledIndex(i: number, n: number): number {
  return n === 1 ? 0 : (2 * i) / (n - 1) - 1;
}

/** Fits y[i] ≈ Σ_k c_k t_iᵏ for i = 0…n−1 by least squares (Householder QR, float64). */
export function fitIndexPolynomial(y: ArrayLike<number>, degree: number): IndexPolynomial {
  const n = y.length;
  const m = degree + 1;
  if (n < m) throw new Error(`fitIndexPolynomial: ${n} points cannot fix a degree-${degree} polynomial`);
  // Column-major design matrix A (n × m) and right-hand side b.
  const a = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const t = rescaledIndex(i, n);
    let p = 1;
    for (let k = 0; k < m; k++) { a[k * n + i] = p; p *= t; }
  }
  const b = Float64Array.from(y);
  solveLeastSquaresInPlace(a, b, n, m);
  return { n, coefficients: b.slice(0, m) };
}

/** Evaluates the fitted polynomial at every pixel index (Horner). */
export function evaluateIndexPolynomial(poly: IndexPolynomial): Float64Array {
  const { n, coefficients } = poly;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = rescaledIndex(i, n);
    let v = 0;
    for (let k = coefficients.length - 1; k >= 0; k--) v = v * t + coefficients[k];
    out[i] = v;
  }
  return out;
}

/**
 * Householder QR least squares: on return b[0..m) holds argmin ‖A x − b‖. `a` is column-major
 * n × m and is overwritten.
 */
export function solveLeastSquaresInPlace(a: Float64Array, b: Float64Array, n: number, m: number): void {
  for (let k = 0; k < m; k++) {
    const col = k * n;
    let norm = 0;
    for (let i = k; i < n; i++) norm = Math.hypot(norm, a[col + i]);
    if (norm === 0) throw new Error('solveLeastSquares: design matrix is rank deficient');
    const alpha = a[col + k] > 0 ? -norm : norm;
    // v = x − alpha e_k stored in place of column k (below and on the diagonal).
    a[col + k] -= alpha;
    let vnorm2 = 0;
    for (let i = k; i < n; i++) vnorm2 += a[col + i] * a[col + i];
    // Apply H = I − 2 v vᵀ / (vᵀv) to the remaining columns and to b.
    for (let j = k + 1; j < m; j++) {
      const cj = j * n;
      let dot = 0;
      for (let i = k; i < n; i++) dot += a[col + i] * a[cj + i];
      const s = (2 * dot) / vnorm2;
      for (let i = k; i < n; i++) a[cj + i] -= s * a[col + i];
    }
    let dotb = 0;
    for (let i = k; i < n; i++) dotb += a[col + i] * b[i];
    const sb = (2 * dotb) / vnorm2;
    for (let i = k; i < n; i++) b[i] -= sb * a[col + i];
    a[col + k] = alpha; // R's diagonal
  }
  // Back substitution R x = Qᵀ b (R's strict upper part sits in rows < k of later columns).
  for (let k = m - 1; k >= 0; k--) {
    let s = b[k];
    for (let j = k + 1; j < m; j++) s -= a[j * n + k] * b[j];
    b[k] = s / a[k * n + k];
  }
}
