/**
 * Eigen-decomposition of a general (non-symmetric) real matrix in float64, with eigenvectors
 * normalised the way LAPACK `dgeev` (behind torch.linalg.eig and numpy.linalg.eig) returns them.
 *
 * Algorithm: Householder reduction to upper Hessenberg form, then the shifted double-step
 * Francis QR iteration to real Schur form, then back-substitution for the eigenvectors of the
 * quasi-triangular matrix and back-transformation — the classic EISPACK orthes/hqr2 pair (as in
 * JAMA), which is the same method LAPACK uses without the blocking. TF.js has no eigensolver.
 *
 * LAPACK normalisation: every eigenvector has unit 2-norm and, for complex ones, is rotated so
 * that its largest-modulus component is real. Eigenvector signs (phases) remain arbitrary.
 */

/** Complex eigenvalues and eigenvectors. Matrices are n×n row-major; column j belongs to eigenvalue j. */
export interface ComplexEigenDecomposition {
  readonly n: number;
  readonly valuesRe: Float64Array;
  readonly valuesIm: Float64Array;
  readonly vectorsRe: Float64Array;
  readonly vectorsIm: Float64Array;
}

const EPS = 2 ** -52;

/**
 * Eigenvalues and LAPACK-normalised eigenvectors of a real square matrix.
 *
 * Eigenvalues come in the order the QR iteration deflates them (not sorted); a complex-conjugate
 * pair occupies two consecutive slots, positive imaginary part first, with conjugate eigenvectors.
 *
 * @param a row-major n×n matrix (float32 input is widened to float64).
 * @param n matrix order.
 * @throws Error if `a` does not hold n² finite values.
 */
export function eigNonSymmetric(a: ArrayLike<number>, n: number): ComplexEigenDecomposition {
  if (!Number.isInteger(n) || n < 1 || a.length !== n * n) throw new Error(`eigNonSymmetric: expected ${n}×${n} = ${n * n} values, got ${a.length}`);
  const H: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    H.push(Float64Array.from({ length: n }, (_, j) => a[i * n + j]));
    for (const v of H[i]) if (!Number.isFinite(v)) throw new Error('eigNonSymmetric: matrix has NaN or infinite entries');
  }
  const V = orthes(H);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  hqr2(H, V, d, e);
  return lapackNormalise(V, d, e);
}

/** Householder reduction to Hessenberg form in place; returns the accumulated orthogonal transform. */
function orthes(H: Float64Array[]): Float64Array[] {
  const n = H.length;
  const high = n - 1;
  const ort = new Float64Array(n);
  for (let m = 1; m <= high - 1; m++) {
    let scale = 0;
    for (let i = m; i <= high; i++) scale += Math.abs(H[i][m - 1]);
    if (scale === 0) continue;
    let h = 0;
    for (let i = high; i >= m; i--) {
      ort[i] = H[i][m - 1] / scale;
      h += ort[i] * ort[i];
    }
    let g = Math.sqrt(h);
    if (ort[m] > 0) g = -g;
    h -= ort[m] * g;
    ort[m] -= g;
    // H = (I − u uᵀ/h) H (I − u uᵀ/h)
    for (let j = m; j < n; j++) {
      let f = 0;
      for (let i = high; i >= m; i--) f += ort[i] * H[i][j];
      f /= h;
      for (let i = m; i <= high; i++) H[i][j] -= f * ort[i];
    }
    for (let i = 0; i <= high; i++) {
      let f = 0;
      for (let j = high; j >= m; j--) f += ort[j] * H[i][j];
      f /= h;
      for (let j = m; j <= high; j++) H[i][j] -= f * ort[j];
    }
    ort[m] *= scale;
    H[m][m - 1] = scale * g;
  }
  const V = Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n);
    row[i] = 1;
    return row;
  });
  for (let m = high - 1; m >= 1; m--) {
    if (H[m][m - 1] === 0) continue;
    for (let i = m + 1; i <= high; i++) ort[i] = H[i][m - 1];
    for (let j = m; j <= high; j++) {
      let g = 0;
      for (let i = m; i <= high; i++) g += ort[i] * V[i][j];
      g = g / ort[m] / H[m][m - 1]; // two divisions avoid underflow
      for (let i = m; i <= high; i++) V[i][j] += g * ort[i];
    }
  }
  return V;
}

/**
 * Applies the Givens rotation that triangularises the 2×2 block with real eigenvalues at rows/columns
 * (n−1, n) to H (rows and columns) and accumulates it into V. (p, q) are the unnormalised cosine/sine.
 */
function rotateRealPair(H: Float64Array[], V: Float64Array[], n: number, p: number, q: number): void {
  const nn = H.length;
  const r = Math.sqrt(p * p + q * q);
  p /= r;
  q /= r;
  for (let j = n - 1; j < nn; j++) {
    const z = H[n - 1][j];
    H[n - 1][j] = q * z + p * H[n][j];
    H[n][j] = q * H[n][j] - p * z;
  }
  for (let i = 0; i <= n; i++) {
    const z = H[i][n - 1];
    H[i][n - 1] = q * z + p * H[i][n];
    H[i][n] = q * H[i][n] - p * z;
  }
  for (let i = 0; i < nn; i++) {
    const z = V[i][n - 1];
    V[i][n - 1] = q * z + p * V[i][n];
    V[i][n] = q * V[i][n] - p * z;
  }
}

/** Complex division (xr + i·xi) / (yr + i·yi), scaled to avoid overflow. */
function cdiv(xr: number, xi: number, yr: number, yi: number): [number, number] {
  if (Math.abs(yr) > Math.abs(yi)) {
    const r = yi / yr;
    const den = yr + r * yi;
    return [(xr + r * xi) / den, (xi - r * xr) / den];
  }
  const r = yr / yi;
  const den = yi + r * yr;
  return [(r * xr + xi) / den, (r * xi - xr) / den];
}

/**
 * Francis double-shift QR on the Hessenberg matrix H (in place) to real Schur form, accumulating
 * into V, then eigenvector back-substitution. On return V holds the (unnormalised) eigenvectors:
 * for a complex pair in columns (k, k+1), V[:,k] ± i·V[:,k+1].
 */
function hqr2(H: Float64Array[], V: Float64Array[], d: Float64Array, e: Float64Array): void {
  const nn = H.length;
  let n = nn - 1;
  const low = 0;
  const high = nn - 1;
  let exshift = 0;
  let p = 0;
  let q = 0;
  let r = 0;
  let s = 0;
  let z = 0;
  let t: number;
  let w: number;
  let x: number;
  let y: number;

  let norm = 0;
  for (let i = 0; i < nn; i++) for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(H[i][j]);

  let iter = 0;
  const maxIterations = 100 * nn;
  let totalIterations = 0;
  while (n >= low) {
    // Look for a single small sub-diagonal element.
    let l = n;
    while (l > low) {
      s = Math.abs(H[l - 1][l - 1]) + Math.abs(H[l][l]);
      if (s === 0) s = norm;
      if (Math.abs(H[l][l - 1]) < EPS * s) break;
      l--;
    }
    if (l === n) {
      // One root found.
      H[n][n] += exshift;
      d[n] = H[n][n];
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      // Two roots found.
      w = H[n][n - 1] * H[n - 1][n];
      p = (H[n - 1][n - 1] - H[n][n]) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      H[n][n] += exshift;
      H[n - 1][n - 1] += exshift;
      x = H[n][n];
      if (q >= 0) {
        // Real pair: rotate the 2×2 block to triangular form.
        z = p >= 0 ? p + z : p - z;
        d[n - 1] = x + z;
        d[n] = z !== 0 ? x - w / z : d[n - 1];
        e[n - 1] = 0;
        e[n] = 0;
        x = H[n][n - 1];
        s = Math.abs(x) + Math.abs(z);
        // s = 0 only for an all-zero block, which is already triangular (JAMA divides by zero here).
        if (s !== 0) rotateRealPair(H, V, n, x / s, z / s);
      } else {
        // Complex pair.
        d[n - 1] = x + p;
        d[n] = x + p;
        e[n - 1] = z;
        e[n] = -z;
      }
      n -= 2;
      iter = 0;
    } else {
      // No convergence yet: form the shift.
      if (++totalIterations > maxIterations) throw new Error(`eigNonSymmetric: QR iteration did not converge in ${maxIterations} steps`);
      x = H[n][n];
      y = 0;
      w = 0;
      if (l < n) {
        y = H[n - 1][n - 1];
        w = H[n][n - 1] * H[n - 1][n];
      }
      if (iter === 10) {
        // Wilkinson's exceptional shift, to break cycles.
        exshift += x;
        for (let i = low; i <= n; i++) H[i][i] -= x;
        s = Math.abs(H[n][n - 1]) + Math.abs(H[n - 1][n - 2]);
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30) {
        // MATLAB's exceptional shift.
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = low; i <= n; i++) H[i][i] -= s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      // Look for two consecutive small sub-diagonal elements.
      let m = n - 2;
      while (m >= l) {
        z = H[m][m];
        r = x - z;
        s = y - z;
        p = (r * s - w) / H[m + 1][m] + H[m][m + 1];
        q = H[m + 1][m + 1] - z - r - s;
        r = H[m + 2][m + 1];
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === l) break;
        if (Math.abs(H[m][m - 1]) * (Math.abs(q) + Math.abs(r)) < EPS * (Math.abs(p) * (Math.abs(H[m - 1][m - 1]) + Math.abs(z) + Math.abs(H[m + 1][m + 1])))) break;
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        H[i][i - 2] = 0;
        if (i > m + 2) H[i][i - 3] = 0;
      }
      // Double QR step on rows l..n and columns m..n.
      for (let k = m; k <= n - 1; k++) {
        const notlast = k !== n - 1;
        if (k !== m) {
          p = H[k][k - 1];
          q = H[k + 1][k - 1];
          r = notlast ? H[k + 2][k - 1] : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x;
          q /= x;
          r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s === 0) continue;
        if (k !== m) H[k][k - 1] = -s * x;
        else if (l !== m) H[k][k - 1] = -H[k][k - 1];
        p += s;
        x = p / s;
        y = q / s;
        z = r / s;
        q /= p;
        r /= p;
        for (let j = k; j < nn; j++) {
          p = H[k][j] + q * H[k + 1][j];
          if (notlast) {
            p += r * H[k + 2][j];
            H[k + 2][j] -= p * z;
          }
          H[k][j] -= p * x;
          H[k + 1][j] -= p * y;
        }
        for (let i = 0; i <= Math.min(n, k + 3); i++) {
          p = x * H[i][k] + y * H[i][k + 1];
          if (notlast) {
            p += z * H[i][k + 2];
            H[i][k + 2] -= p * r;
          }
          H[i][k] -= p;
          H[i][k + 1] -= p * q;
        }
        for (let i = low; i <= high; i++) {
          p = x * V[i][k] + y * V[i][k + 1];
          if (notlast) {
            p += z * V[i][k + 2];
            V[i][k + 2] -= p * r;
          }
          V[i][k] -= p;
          V[i][k + 1] -= p * q;
        }
      }
    }
  }

  if (norm === 0) return;

  // Back-substitute for the eigenvectors of the quasi-triangular Schur form.
  for (n = nn - 1; n >= 0; n--) {
    p = d[n];
    q = e[n];
    if (q === 0) {
      // Real eigenvector.
      let l = n;
      H[n][n] = 1;
      for (let i = n - 1; i >= 0; i--) {
        w = H[i][i] - p;
        r = 0;
        for (let j = l; j <= n; j++) r += H[i][j] * H[j][n];
        if (e[i] < 0) {
          z = w;
          s = r;
        } else {
          l = i;
          if (e[i] === 0) {
            H[i][n] = w !== 0 ? -r / w : -r / (EPS * norm);
          } else {
            x = H[i][i + 1];
            y = H[i + 1][i];
            q = (d[i] - p) * (d[i] - p) + e[i] * e[i];
            t = (x * s - z * r) / q;
            H[i][n] = t;
            H[i + 1][n] = Math.abs(x) > Math.abs(z) ? (-r - w * t) / x : (-s - y * t) / z;
          }
          t = Math.abs(H[i][n]);
          if (EPS * t * t > 1) for (let j = i; j <= n; j++) H[j][n] /= t;
        }
      }
    } else if (q < 0) {
      // Complex eigenvector (second member of a pair); columns n−1 and n hold its real and imaginary parts.
      let l = n - 1;
      if (Math.abs(H[n][n - 1]) > Math.abs(H[n - 1][n])) {
        H[n - 1][n - 1] = q / H[n][n - 1];
        H[n - 1][n] = -(H[n][n] - p) / H[n][n - 1];
      } else {
        [H[n - 1][n - 1], H[n - 1][n]] = cdiv(0, -H[n - 1][n], H[n - 1][n - 1] - p, q);
      }
      H[n][n - 1] = 0;
      H[n][n] = 1;
      for (let i = n - 2; i >= 0; i--) {
        let ra = 0;
        let sa = 0;
        for (let j = l; j <= n; j++) {
          ra += H[i][j] * H[j][n - 1];
          sa += H[i][j] * H[j][n];
        }
        w = H[i][i] - p;
        if (e[i] < 0) {
          z = w;
          r = ra;
          s = sa;
        } else {
          l = i;
          if (e[i] === 0) {
            [H[i][n - 1], H[i][n]] = cdiv(-ra, -sa, w, q);
          } else {
            x = H[i][i + 1];
            y = H[i + 1][i];
            let vr = (d[i] - p) * (d[i] - p) + e[i] * e[i] - q * q;
            const vi = (d[i] - p) * 2 * q;
            if (vr === 0 && vi === 0) vr = EPS * norm * (Math.abs(w) + Math.abs(q) + Math.abs(x) + Math.abs(y) + Math.abs(z));
            [H[i][n - 1], H[i][n]] = cdiv(x * r - z * ra + q * sa, x * s - z * sa - q * ra, vr, vi);
            if (Math.abs(x) > Math.abs(z) + Math.abs(q)) {
              H[i + 1][n - 1] = (-ra - w * H[i][n - 1] + q * H[i][n]) / x;
              H[i + 1][n] = (-sa - w * H[i][n] - q * H[i][n - 1]) / x;
            } else {
              [H[i + 1][n - 1], H[i + 1][n]] = cdiv(-r - y * H[i][n - 1], -s - y * H[i][n], z, q);
            }
          }
          t = Math.max(Math.abs(H[i][n - 1]), Math.abs(H[i][n]));
          if (EPS * t * t > 1) {
            for (let j = i; j <= n; j++) {
              H[j][n - 1] /= t;
              H[j][n] /= t;
            }
          }
        }
      }
    }
  }

  // Back-transform to the eigenvectors of the original matrix.
  for (let j = nn - 1; j >= low; j--) {
    for (let i = low; i <= high; i++) {
      z = 0;
      for (let k = low; k <= Math.min(j, high); k++) z += V[i][k] * H[k][j];
      V[i][j] = z;
    }
  }
}

/**
 * Turns the Schur-based eigenvectors into dgeev's output: unit 2-norm, largest-modulus component
 * real (for a complex pair, columns k and k+1 become v and conj(v)).
 */
function lapackNormalise(V: Float64Array[], d: Float64Array, e: Float64Array): ComplexEigenDecomposition {
  const n = d.length;
  const vectorsRe = new Float64Array(n * n);
  const vectorsIm = new Float64Array(n * n);
  const valuesRe = Float64Array.from(d);
  const valuesIm = Float64Array.from(e);
  for (let k = 0; k < n; k++) {
    if (e[k] === 0) {
      let norm = 0;
      for (let i = 0; i < n; i++) norm = Math.hypot(norm, V[i][k]);
      for (let i = 0; i < n; i++) vectorsRe[i * n + k] = V[i][k] / norm;
      continue;
    }
    // Pair (k, k+1): eigenvector of d[k] + i·e[k] (e[k] > 0) is V[:,k] + i·V[:,k+1].
    let norm = 0;
    let largest = -1;
    let largestAt = 0;
    for (let i = 0; i < n; i++) {
      const re = V[i][k];
      const im = V[i][k + 1];
      const modulus2 = re * re + im * im;
      norm = Math.hypot(norm, re, im);
      if (modulus2 > largest) {
        largest = modulus2;
        largestAt = i;
      }
    }
    // Multiply by conj(v_max)/|v_max| so the largest component becomes real and positive.
    const mr = V[largestAt][k];
    const mi = V[largestAt][k + 1];
    const mod = Math.hypot(mr, mi);
    const cr = mr / mod;
    const ci = -mi / mod;
    for (let i = 0; i < n; i++) {
      const re = (V[i][k] * cr - V[i][k + 1] * ci) / norm;
      const im = (V[i][k] * ci + V[i][k + 1] * cr) / norm;
      vectorsRe[i * n + k] = re;
      vectorsIm[i * n + k] = i === largestAt ? 0 : im;
      vectorsRe[i * n + k + 1] = re;
      vectorsIm[i * n + k + 1] = i === largestAt ? 0 : -im;
    }
    k++;
  }
  return { n, valuesRe, valuesIm, vectorsRe, vectorsIm };
}
