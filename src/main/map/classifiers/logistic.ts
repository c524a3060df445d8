/**
 * Multinomial logistic regression with an L2 penalty on standardised features.
 *
 * Objective (the one scipy/sklearn minimise for `multinomial` with C = 1/(n·l2)):
 *   (1/n) Σ_i −log softmax(W·[x̂_i, 1])[y_i] + (l2/2)·‖W without the bias column‖²
 * where x̂ is x standardised with the training rows' mean and standard deviation.
 */
import { fitStandardiser, standardise } from './standardise';

/** A fitted model: standardisation and the (classes × (dim + 1)) weight matrix, bias last. */
export interface LogisticModel {
  classes: number;
  dim: number;
  mean: Float64Array;
  scale: Float64Array;
  weights: Float64Array;
  iterations: number;
}

export interface FitOptions {
  /** L2 penalty on the weights (not the bias). Default 1e-2. */
  l2?: number;
  /** Most gradient steps. Default 3000. */
  maxIterations?: number;
  /** Stop when the gradient's largest component falls below this. Default 1e-7. */
  tolerance?: number;
}

/** Softmax probabilities of every row (n × K) for weights W (K × p). */
function softmaxRows(X: Float64Array, n: number, p: number, W: Float64Array, K: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      let z = 0;
      for (let j = 0; j < p; j++) z += W[k * p + j] * X[i * p + j];
      out[i * K + k] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += (out[i * K + k] = Math.exp(out[i * K + k] - max));
    for (let k = 0; k < K; k++) out[i * K + k] /= sum;
  }
}

/** Gradient of the objective at W (K × p) into `grad`. */
function gradient(X: Float64Array, y: Int32Array, n: number, p: number, K: number, W: Float64Array, l2: number, probs: Float64Array, grad: Float64Array): void {
  softmaxRows(X, n, p, W, K, probs);
  grad.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const r = (probs[i * K + k] - (y[i] === k ? 1 : 0)) / n;
      if (r === 0) continue;
      for (let j = 0; j < p; j++) grad[k * p + j] += r * X[i * p + j];
    }
  }
  for (let k = 0; k < K; k++) for (let j = 0; j < p - 1; j++) grad[k * p + j] += l2 * W[k * p + j];
}

/** Largest eigenvalue of XᵀX/n by power iteration (the curvature bound that sets the step size). */
function largestEigenvalue(X: Float64Array, n: number, p: number): number {
  let v = new Float64Array(p).fill(1 / Math.sqrt(p));
  let lambda = 0;
  const Xv = new Float64Array(n);
  for (let it = 0; it < 50; it++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += X[i * p + j] * v[j];
      Xv[i] = s;
    }
    const w = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) w[j] += X[i * p + j] * Xv[i] / n;
    const norm = Math.hypot(...w);
    if (norm === 0) return 0;
    const next = norm;
    v = w.map((x) => x / norm);
    if (Math.abs(next - lambda) < 1e-9 * next) return next;
    lambda = next;
  }
  return lambda;
}

/**
 * Fits the model on rows `rows` of `data` (n × dim, row-major) with labels `labels[r]` in 0..classes−1
 * (accelerated gradient descent with restarts; step 1/L from Böhning's curvature bound).
 * @throws Error when fewer than two classes occur
 */
export function fitLogistic(data: ArrayLike<number>, dim: number, rows: ArrayLike<number>, labels: ArrayLike<number>, classes: number, options: FitOptions = {}): LogisticModel {
  const l2 = options.l2 ?? 1e-2;
  const maxIterations = options.maxIterations ?? 3000;
  const tolerance = options.tolerance ?? 1e-7;
  const n = rows.length;
  if (new Set(Array.from(labels)).size < 2) throw new Error('classification needs stars of at least two classes');
  const st = fitStandardiser(data, dim, rows);
  const p = dim + 1;
  const X = standardise(st, data, rows, true);
  const y = Int32Array.from(labels);
  const K = classes;
  const step = 1 / (0.5 * largestEigenvalue(X, n, p) + l2);
  let W = new Float64Array(K * p);
  let V = W.slice();
  let t = 1;
  const probs = new Float64Array(n * K);
  const grad = new Float64Array(K * p);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    gradient(X, y, n, p, K, V, l2, probs, grad);
    const next = V.map((v, i) => v - step * grad[i]);
    // Restart the momentum when it points uphill (O'Donoghue & Candès), which keeps descent monotone.
    let uphill = 0;
    for (let i = 0; i < next.length; i++) uphill += grad[i] * (next[i] - W[i]);
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const momentum = uphill > 0 ? 0 : (t - 1) / tNext;
    V = next.map((w, i) => w + momentum * (w - W[i]));
    W = next;
    t = uphill > 0 ? 1 : tNext;
    if (iterations % 10 === 0) {
      gradient(X, y, n, p, K, W, l2, probs, grad);
      let worst = 0;
      for (const g of grad) worst = Math.max(worst, Math.abs(g));
      if (worst < tolerance) break;
    }
  }
  return { classes: K, dim, mean: st.mean, scale: st.scale, weights: W, iterations };
}

/** Class probabilities (rows × classes, row-major) of rows `rows` of `data` under `model`. */
export function predictProbabilities(model: LogisticModel, data: ArrayLike<number>, rows: ArrayLike<number>): Float64Array {
  const X = standardise(model, data, rows, true);
  const out = new Float64Array(rows.length * model.classes);
  softmaxRows(X, rows.length, model.dim + 1, model.weights, model.classes, out);
  return out;
}
